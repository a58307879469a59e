// The real CLI, spawned as a user runs it: exit codes, output shapes, diagnostics, masking.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { bin, runCli } from "./run-cli.ts";

const run = runCli;

function tempConfig(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-cli-"));
  const file = join(dir, "config.toml");
  writeFileSync(file, text);
  return { dir, file };
}

test("config check exits 0 on a valid file and 1 with located diagnostics on an invalid one", async () => {
  assert.equal((await run(["config", "check", "--config-file", "examples/cost-optimization.toml"])).code, 0);
  const { dir } = tempConfig(
    '[llm]\nmodel = "gpt-4o"\ntemprature = 0.5\n[agent.A]\nllm_config = "gtp3"\n[llm.gpt3]\n',
  );
  const result = await run(["config", "check"], { cwd: dir });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^config\.toml:3:1: error: unknown key "temprature" in \[llm\]; did you mean "temperature"\?$/m,
  );
  assert.match(
    result.stderr,
    /^config\.toml:5:1: error: unknown LLM config "gtp3" in \[agent\.A\]; did you mean "gpt3"\?/m,
  );
});

test("config check --json prints every diagnostic with its fields", async () => {
  const { file } = tempConfig('[llm]\nnum_retries = "2"\n[sandbx]\n');
  const result = await run(["config", "check", "--json", "--config", file]);
  assert.equal(result.code, 1);
  const report = JSON.parse(result.stdout);
  assert.equal(report.ok, false);
  assert.deepEqual(
    report.diagnostics.map((issue: Record<string, unknown>) => [
      issue.severity,
      issue.code,
      issue.line,
      issue.column,
      issue.section,
      issue.key,
      issue.suggestion,
    ]),
    [
      ["warning", "coerced_value", 2, 1, "llm", "num_retries", null],
      ["error", "unknown_section", 3, 1, "sandbx", null, "sandbox"],
    ],
  );
});

test("config show --json gives every section, TOML spelling, secrets masked", async () => {
  const result = await run(["config", "show", "--json", "--config-file", "examples/custom-configs.toml"]);
  assert.equal(result.code, 0);
  const shown = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(shown), [
    "core",
    "llms",
    "agents",
    "condenser",
    "sandbox",
    "security",
    "mcp",
    "kubernetes",
    "model_routing",
    "extended",
  ]);
  assert.deepEqual(Object.keys(shown.llms), ["llm", "gpt3", "high-creativity"]);
  assert.equal(shown.llms.gpt3.api_key, "**********");
  assert.equal(shown.llms.gpt3.max_output_tokens, null);
  assert.equal(shown.llms["high-creativity"].top_p, 0.9);
  assert.equal(shown.agents.RepoExplorerAgent.llm_config, "gpt3");
  assert.ok(!result.stdout.includes("your-api-key"));
});

test("config show -l NAME makes llms.llm that config; --llm and --agent print one", async () => {
  const withL = JSON.parse(
    (await run(["config", "show", "--json", "-l", "gpt3", "--config-file", "examples/custom-configs.toml"]))
      .stdout,
  );
  assert.equal(withL.llms.llm.model, "gpt-3.5-turbo");
  const one = JSON.parse(
    (
      await run([
        "config",
        "show",
        "--llm",
        "high-creativity",
        "--config-file",
        "examples/custom-configs.toml",
      ])
    ).stdout,
  );
  assert.equal(one.temperature, 0.8);
  const agent = JSON.parse(
    (
      await run([
        "config",
        "show",
        "--agent",
        "RepoExplorerAgent",
        "--config-file",
        "examples/custom-configs.toml",
      ])
    ).stdout,
  );
  assert.deepEqual(
    [agent.name, agent.llm_config_name, agent.llm.model],
    ["RepoExplorerAgent", "gpt3", "gpt-3.5-turbo"],
  );
});

test("config show without --json prints a table of configs and the agents that use them", async () => {
  const result = await run(["config", "show", "--config-file", "examples/cost-optimization.toml"]);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^repo-explorer\s+gpt-3\.5-turbo\s+openai\s+0\.2\s+-\s+RepoExplorerAgent$/m);
  assert.match(result.stdout, /^code-gen\s+gpt-4\s+openai\s+0\s+2000\s+CodeWriterAgent$/m);
});

test("every command refuses an invalid file with exit 1; usage mistakes exit 2", async () => {
  const { file } = tempConfig("[llm]\nmodel = 1\n");
  const shown = await run(["config", "show", "--config-file", file]);
  assert.equal(shown.code, 1);
  assert.match(shown.stderr, /config\.toml:2:1: error: invalid value for "model" in \[llm\]/);
  assert.equal((await run(["config", "show", "--bogus"])).code, 2);
  assert.equal((await run(["config", "nope"])).code, 2);
  assert.equal((await run(["config", "check", "-i", "many"])).code, 2);
  assert.equal((await run(["config", "check", "--config-file", "missing.toml"])).code, 1);
  assert.equal(
    (await run(["config", "show", "--llm", "nope", "--config-file", "examples/custom-configs.toml"])).code,
    1,
  );
});

test("an unset ${VAR} warns in [llm] and fails elsewhere, located, never an empty key; a set one is never printed", async () => {
  const { file } = tempConfig('[llm]\napi_key = "${LLMCONF_E2E_KEY}"\n');
  const unset = await run(["config", "check", "--config-file", file]);
  assert.equal(unset.code, 0, unset.stderr);
  assert.match(unset.stderr, /config\.toml:2:1: warning: environment variable LLMCONF_E2E_KEY is not set/);
  const strict = await run(["config", "check", "--strict", "--config-file", file]);
  assert.equal(strict.code, 1);
  assert.match(strict.stderr, /config\.toml:2:1: error: environment variable LLMCONF_E2E_KEY is not set/);
  const core = tempConfig('[core]\n\ncache_dir = "${LLMCONF_E2E_DIR}"\n');
  const error = await run(["config", "check", "--config-file", core.file]);
  assert.equal(error.code, 1);
  assert.match(error.stderr, /config\.toml:3:1: error: environment variable LLMCONF_E2E_DIR is not set/);
  const set = await run(["config", "show", "--json", "--config-file", file], {
    env: { LLMCONF_E2E_KEY: "sk-e2e-secret" },
  });
  assert.equal(set.code, 0);
  assert.ok(!set.stdout.includes("sk-e2e-secret") && !set.stderr.includes("sk-e2e-secret"));
});

test("the OpenHands-style full example loads without error", async () => {
  const result = await run(["config", "check", "--config-file", "examples/openhands-full.toml"]);
  assert.equal(result.stderr, "");
  assert.equal(result.code, 0);
});

test("./.env supplies ${VAR} references and LLM_* overrides; real variables win over it", async () => {
  const { dir } = tempConfig('[llm]\napi_key = "${LLMCONF_DOTENV_KEY}"\n');
  writeFileSync(
    join(dir, ".env"),
    "LLMCONF_DOTENV_KEY=sk-from-dotenv\nLLM_MODEL=from-dotenv\nLLM_TEMPERATURE=0.7\n",
  );
  const result = await run(["config", "show", "--json"], { cwd: dir, env: { LLM_TEMPERATURE: "0.3" } });
  assert.equal(result.code, 0, result.stderr);
  const shown = JSON.parse(result.stdout);
  assert.deepEqual(
    [shown.llms.llm.model, shown.llms.llm.temperature, shown.llms.llm.api_key],
    ["from-dotenv", 0.3, "**********"],
  );
});

test("the built CLI is executable on its own, as npx and a global install run it", () => {
  const result = spawnSync(bin, ["--version"], { encoding: "utf8" });
  assert.equal(result.error, undefined);
  assert.equal(result.status, 0);
  assert.match(result.stdout, /^\d+\.\d+\.\d+\n$/);
});

test("config check warns, located, about a model no provider of llmconf can call, and still exits 0", async () => {
  const { file } = tempConfig('[llm]\nmodel = "gpt-4o"\n[llm.together]\nmodel = "together_ai/llama-3"\n');
  const result = await run(["config", "check", "--json", "--config-file", file]);
  assert.equal(result.code, 0);
  const report = JSON.parse(result.stdout);
  assert.equal(report.ok, true);
  assert.deepEqual(
    report.diagnostics.map((issue: Record<string, unknown>) => [
      issue.code,
      issue.line,
      issue.section,
      issue.key,
    ]),
    [["unsupported_provider", 4, "llm.together", "model"]],
  );
});
