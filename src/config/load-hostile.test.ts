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
    const cwd = mkdtempSync(join(tmpdir(), "llmconf-hostile-"));
    await loadConfig({ cwd, env: {}, userFiles: false, ...(options as LoadConfigOptions) });
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

test("values outside their meaning are located errors; 0 token limits stay valid as OpenHands' unset", async () => {
  const issues = await issuesOf(
    "[llm]\ntemperature = 2.5\ntop_p = -0.1\nmax_output_tokens = -1\nmax_input_tokens = 0\n" +
      "num_retries = -2\ninput_cost_per_token = -1e-6\n[core]\nmax_iterations = -1\nmax_budget_per_task = -0.5\n",
  );
  assert.deepEqual(
    issues.map((issue) => [issue.line, issue.key, issue.message.replace(/.*: /, "")]),
    [
      [2, "temperature", "must be at most 2 (got 2.5)"],
      [3, "top_p", "must be at least 0 (got -0.1)"],
      [4, "max_output_tokens", "must be at least 0 (got -1)"],
      [6, "num_retries", "must be at least 0 (got -2)"],
      [7, "input_cost_per_token", "must be at least 0 (got -0.000001)"],
      [9, "max_iterations", "must be at least 0 (got -1)"],
      [10, "max_budget_per_task", "must be at least 0 (got -0.5)"],
    ],
  );
  const limits = await loadConfig({
    configFile: writeConfig(
      "[llm]\nmax_output_tokens = 0\nmax_input_tokens = 0\n[core]\nmax_iterations = 0\n",
    ),
    env: {},
    userFiles: false,
  });
  assert.equal(limits.llms.llm?.max_output_tokens, 0);
  assert.equal(limits.core.max_iterations, 0);
});

test("nan and inf are named as TOML writes them, not as null", async () => {
  const issues = await issuesOf("[llm]\ntemperature = nan\ntop_p = inf\ntop_k = -inf\n");
  assert.deepEqual(
    issues.map((issue) => [issue.line, issue.message.replace(/.*\]: /, "")]),
    [
      [2, "expected a number, not nan (got nan)"],
      [3, "expected a finite number, not inf (got inf)"],
      [4, "expected a finite number, not -inf (got -inf)"],
    ],
  );
});

test("a float field given a string or boolean is converted to a float and never asked to be an integer", async () => {
  const config = await loadConfig({
    configFile: writeConfig('[llm]\ntemperature = "1"\ntop_k = true\nnum_retries = "3"\n'),
    env: {},
    userFiles: false,
  });
  assert.deepEqual(
    config.warnings.map((issue) => [issue.key, issue.message.replace(/.*converted to /, "")]),
    [
      ["temperature", "a float 1; write it as a float"],
      ["top_k", "a float 1; write it as a float"],
      ["num_retries", "an integer 3; write it as an integer"],
    ],
  );
});

test("an integer beyond 2^53 is a located 'too large' error, not a syntax error", async () => {
  const issues = await issuesOf(
    '[llm]\nmodel = "m"\nseed = 9007199254740993\n[extended]\nids = [1, -99999999999999999999]\n',
  );
  assert.deepEqual(
    issues.map((issue) => [issue.code, issue.line, issue.column]),
    [["invalid_value", 3, 1]],
  );
  assert.match(issues[0]?.message ?? "", /^integer 9007199254740993 is too large/);
  const inArray = await issuesOf("[extended]\nids = [1, -99999999999999999999]\n");
  assert.deepEqual(
    inArray.map((issue) => [issue.line, issue.column]),
    [[2, 11]],
  );
});

test("retry_min_wait longer than retry_max_wait is an error where a section sets one of them, once", async () => {
  const issues = await issuesOf(
    '[llm]\nretry_min_wait = 100\nretry_max_wait = 10\n[llm.inherits]\nmodel = "m"\n[llm.own]\nretry_max_wait = 5\n[llm.fixed]\nretry_max_wait = 200\n',
  );
  assert.deepEqual(
    issues.map((issue) => [issue.line, issue.section, issue.key]),
    [
      [2, "llm", "retry_min_wait"],
      [7, "llm.own", "retry_max_wait"],
    ],
  );
  assert.match(issues[0]?.message ?? "", /retry_min_wait \(100 s\) is longer than retry_max_wait \(10 s\)/);
});

test("negative -i and -b given to loadConfig are errors naming the flag", async () => {
  const issues = await issuesOfOptions({ cli: { maxIterations: "-3", maxBudgetPerTask: -1 } });
  assert.deepEqual(
    issues.map((issue) => [issue.file, issue.key]),
    [
      ["<cli -b>", "max_budget_per_task"],
      ["<cli -i>", "max_iterations"],
    ],
  );
});
