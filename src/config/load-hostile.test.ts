// loadConfig against hostile files and callers: every problem is a located ConfigError, nothing else.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { explainLlmConfig } from "./explain.ts";
import { ConfigError, type ConfigIssue } from "./issues.ts";
import { type LoadConfigOptions, loadConfig } from "./load.ts";

function writeConfig(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-hostile-"));
  const file = join(dir, "config.toml");
  writeFileSync(file, text);
  return file;
}

async function issuesOf(text: string): Promise<ConfigIssue[]> {
  return issuesOfOptions({ configFile: writeConfig(text) });
}

async function issuesOfOptions(options: unknown): Promise<ConfigIssue[]> {
  try {
    await loadConfig({ env: {}, userFiles: false, ...(options as LoadConfigOptions) });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return [...error.issues];
  }
  return assert.fail("expected a ConfigError");
}

test("a 150 KB string beside a diagnostic is a located diagnostic, not a stack overflow", async () => {
  const big = "a".repeat(150_000);
  const issues = await issuesOf(
    `[llm]\nmodel = "${big}"\n"${big}" = 1\nf = 1.${"0".repeat(150_000)}\ntemprature = 1\n`,
  );
  assert.deepEqual(
    issues.map((issue) => [issue.line, issue.column, issue.key]),
    [
      [3, 1, big],
      [4, 1, "f"],
      [5, 1, "temprature"],
    ],
  );
});

test("config explain locates values of a file holding a string of several megabytes", async () => {
  const file = writeConfig(`[llm]\nbase_url = "${"b".repeat(3_000_000)}"\nmodel = "gpt-4o"\n`);
  const config = await loadConfig({ configFile: file, env: {}, userFiles: false });
  const explained = await explainLlmConfig(config, "llm");
  assert.equal(explained.model?.source.line, 3);
});

test("a dotted key of thousands of parts is a located syntax error, not a RangeError", async () => {
  for (const text of [
    `[llm]\nmodel = "m"\n${"a.".repeat(3_000)}b = 1\n`,
    `[llm]\nmodel = "m"\ncompletion_kwargs = { ${"a.".repeat(3_000)}b = 1 }\n`,
    `[llm]\nmodel = "m"\n\n${"a.".repeat(20_000)}b = 1\n`,
  ]) {
    const issues = await issuesOf(text);
    assert.deepEqual(
      issues.map((issue) => [issue.code, issue.line > 2]),
      [["toml_syntax", true]],
    );
    assert.match(issues[0]?.message ?? "", /nested .*deep/);
  }
});

test("a misspelled parent of a sub-table ([agnet.Foo]) is located at the header that implies it", async () => {
  const issues = await issuesOf('[llm]\nmodel = "m"\n\n[agnet.Foo]\nllm_config = "llm"\n');
  assert.deepEqual(
    issues.map((issue) => [issue.code, issue.line, issue.column, issue.suggestion]),
    [["unknown_section", 4, 1, "agent"]],
  );
});

test("options of the wrong type are a ConfigError naming the option, never a TypeError", async () => {
  const cases: [unknown, string][] = [
    [{ configFile: 42 }, "configFile"],
    [{ configFile: { path: "x" } }, "configFile"],
    [{ cwd: null }, "cwd"],
    [{ env: { HOME: 1 } }, "env.HOME"],
    [{ env: "HOME=/" }, "env"],
    [{ cli: { llmConfig: ["a"] } }, "cli.llmConfig"],
    [{ userFiles: "no" }, "userFiles"],
  ];
  for (const [options, option] of cases) {
    const issues = await issuesOfOptions(options);
    assert.deepEqual(
      issues.map((issue) => [issue.code, issue.key]),
      [["invalid_option", option]],
      JSON.stringify(options),
    );
  }
  await assert.rejects(loadConfig("config.toml" as unknown as LoadConfigOptions), ConfigError);
});

test("config names that are JavaScript object internals are configs like any other", async () => {
  const file = writeConfig(
    '[llm]\nmodel = "base"\ncompletion_kwargs = { __proto__ = { x = 1 }, constructor = 2 }\n' +
      '[llm.__proto__]\nmodel = "p"\n[llm.toString]\nmodel = "t"\n' +
      '[agent.constructor]\nllm_config = "__proto__"\n',
  );
  const config = await loadConfig({ configFile: file, env: {}, userFiles: false });
  assert.deepEqual(Object.keys(config.llms), ["llm", "__proto__", "toString"]);
  assert.equal(config.getLlmConfig("__proto__").model, "p");
  assert.equal(config.getLlmConfig("toString").model, "t");
  assert.deepEqual(Object.keys(config.llms.llm?.completion_kwargs ?? {}).sort(), [
    "__proto__",
    "constructor",
  ]);
  assert.deepEqual(Object.keys(config.agents), ["agent", "constructor"]);
  assert.equal(config.getLlmConfigForAgent("constructor").model, "p");
  assert.equal(config.getAgentConfig("hasOwnProperty"), config.agents.agent);
  for (const name of ["constructor", "valueOf", "hasOwnProperty"]) {
    assert.throws(() => config.getLlmConfig(name), ConfigError, name);
  }
  const chosen = await loadConfig({
    configFile: file,
    env: {},
    userFiles: false,
    cli: { llmConfig: "__proto__" },
  });
  assert.equal(chosen.getLlmConfigForAgent("SomeAgent").model, "p");
});

test("names that are object internals in keys and condenser types are located errors, never dropped", async () => {
  const issues = await issuesOf(
    '[llm]\n__proto__ = 1\n[agent]\nconstructor = "x"\n[condenser]\ntype = "constructor"\n',
  );
  assert.deepEqual(
    issues.map((issue) => [issue.code, issue.line, issue.key]),
    [
      ["unknown_key", 2, "__proto__"],
      ["unknown_key", 4, "constructor"],
      ["unknown_condenser_type", 6, "type"],
    ],
  );
  const unknownConfig = await issuesOf('[agent.A]\nllm_config = "toString"\n');
  assert.deepEqual(
    unknownConfig.map((issue) => [issue.code, issue.line]),
    [["unknown_llm_config", 2]],
  );
});
