// The real CLI against hostile input and hostile surroundings: no stack trace, no internal error.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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

/** Characters a terminal acts on: ESC (CSI, OSC), BEL, C1 CSI, DEL, a bidi override, a newline. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

test("control characters from a config file are shown escaped in every human output", async () => {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-controls-"));
  const esc = "\\u001b";
  writeFileSync(
    join(dir, "config.toml"),
    [
      "[llm]",
      `model = "mock/echo"`,
      `base_url = "http://x/${esc}]0;pwned\\u0007"`,
      `[llm."evil${esc}[2J"]`,
      `model = "mock/echo"`,
      `reasoning_effort = "\\u009b31m\\u202eevil\\nline"`,
      `[agent."Agent${esc}]0;title\\u0007"]`,
      `llm_config = "evil${esc}[2J"`,
    ].join("\n"),
  );
  writeFileSync(
    join(dir, "bad.toml"),
    `[llm]\n"temp${esc}[2J" = 1\nmodel = 7\n[llm.x]\ntop_p = "\\u009b2J"\n`,
  );
  const runs = [
    ["config", "show"],
    ["config", "show", "--json"],
    ["config", "explain"],
    ["config", "explain", "--json"],
    ["config", "explain", "--llm", "evil\u001b[2J"],
    ["config", "explain", "--agent", "Agent\u001b]0;title\u0007", "--all"],
    ["config", "check"],
    ["config", "check", "--config-file", "bad.toml"],
    ["config", "check", "--config-file", "bad.toml", "--json"],
    ["complete", "-l", "evil\u001b[2J", "hello"],
    ["complete", "-l", "evil\u001b[2J", "--json", "hello"],
    ["config", "show", "--llm", "nope\u001b[2J"],
    ["\u001b[2J"],
  ];
  for (const args of runs) {
    const result = await runCli(args, { cwd: dir });
    const shown = args.join(" ");
    assert.doesNotMatch(result.stdout.replace(/^hello$/m, ""), CONTROLS, `stdout of ${shown}`);
    assert.doesNotMatch(result.stderr, CONTROLS, `stderr of ${shown}`);
    assert.doesNotMatch(result.stderr, /internal error/, shown);
  }
  const shown = await runCli(["config", "show"], { cwd: dir });
  assert.match(shown.stdout, /evil\\x1b\[2J/);
  const check = await runCli(["config", "check", "--config-file", "bad.toml"], { cwd: dir });
  assert.match(check.stderr, /bad\.toml:2:1: error: unknown key "temp\\x1b\[2J" in \[llm\]/);
  const json = await runCli(["config", "show", "--json"], { cwd: dir });
  assert.equal(JSON.parse(json.stdout).llms["evil\u001b[2J"].reasoning_effort, "\u009b31m\u202eevil\nline");
});

test("complete with an unwritable completion-log folder answers and warns once, naming the folder", async () => {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-log-folder-"));
  writeFileSync(join(dir, "blocker"), "a file where the folder should be");
  writeFileSync(
    join(dir, "config.toml"),
    '[llm]\nmodel = "mock/echo"\nlog_completions = true\nlog_completions_folder = "blocker/logs"\n',
  );
  const result = await runCli(["complete", "hello"], { cwd: dir });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, "echo: hello\n");
  const warnings = result.stderr.split("\n").filter((line) => line.includes("warning"));
  assert.equal(warnings.length, 1, result.stderr);
  assert.match(
    warnings[0] ?? "",
    /cannot write completion logs to .*blocker\/logs .*log_completions_folder in \[llm\]/,
  );
});
