// The real CLI against hostile input and hostile surroundings: no stack trace, no internal error.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { test } from "node:test";
import { bin, root, runCli } from "./run-cli.ts";

test("a reader that closes stdout early (config schema | head -1) ends the command quietly", async () => {
  const child = spawn(process.execPath, [bin, "config", "schema"], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent" },
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  // Like `head -1` that has its line: the reader is gone before the schema is written.
  child.stdout.destroy();
  const code = await new Promise((done) => child.on("close", done));
  assert.equal(stderr, "");
  assert.equal(code, 0);
});

test("command and section names that are object internals are usage errors, not internal errors", async () => {
  for (const args of [["constructor"], ["__proto__"], ["config", "explain", "--section", "constructor"]]) {
    const result = await runCli(args);
    assert.equal(result.code, 2, args.join(" "));
    assert.doesNotMatch(result.stderr, /internal error|at /, args.join(" "));
  }
});
