// The agent's sandbox as a user meets it: which runtime `config explain` says is in force.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "./run-cli.ts";

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "llmconf-sandbox-e2e-")), "config.toml");
  writeFileSync(path, text);
  return path;
}

test("config explain says the default runtime confines commands with bubblewrap", async () => {
  const result = await runCli([
    "config",
    "explain",
    "--config-file",
    configFile("[llm]\nmodel = 'mock/echo'\n"),
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^Commands: runtime "docker": agent commands run in a sandbox, bubblewrap \(\/\S+\/bwrap\), network on \(core\.runtime, default\)$/m,
  );
});

test("config explain names the file line that chose the host, and --json carries the choice", async () => {
  const path = configFile('[core]\nruntime = "local"\n');
  const text = await runCli(["config", "explain", "--config-file", path]);
  assert.match(
    text.stdout,
    /^Commands: runtime "local": agent commands run on the host, unconfined \(core\.runtime, .*config\.toml:2 \[core\]\)$/m,
  );
  const json = await runCli(["config", "explain", "--config-file", path, "--json"]);
  assert.deepEqual(JSON.parse(json.stdout).runtime, {
    mode: "host",
    runtime: "local",
    description: 'runtime "local": agent commands run on the host, unconfined',
  });
});

test("config explain warns that runs will stop when bwrap is not on PATH, and names unsupported runtimes", async () => {
  const path = configFile("[sandbox]\nnetwork = false\n");
  const missing = await runCli(["config", "explain", "--config-file", path], {
    env: { PATH: "/nonexistent" },
  });
  assert.equal(missing.code, 0, missing.stderr);
  assert.match(
    missing.stdout,
    /network off; bwrap is not on PATH, so runs will stop \(apt-get install bubblewrap\)/,
  );
  const kubernetes = await runCli(["config", "explain", "--config-file", path], {
    env: { RUNTIME: "kubernetes" },
  });
  assert.equal(kubernetes.code, 0, kubernetes.stderr);
  assert.match(
    kubernetes.stdout,
    /runtime = "kubernetes" is not supported by llmconf run\/chat; use one of "docker", "sandbox", "local", "cli"/,
  );
});
