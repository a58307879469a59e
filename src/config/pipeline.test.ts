// Every entry of a pipeline condenser's `condensers` is validated and defaulted like a top-level one.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { ConfigError, type ConfigIssue } from "./issues.ts";
import { type Config, loadConfig } from "./load.ts";

async function load(text: string): Promise<Config> {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-pipeline-"));
  writeFileSync(join(dir, "config.toml"), text);
  return loadConfig({ cwd: dir, env: { HOME: dir }, userFiles: false });
}

async function errorsOf(text: string): Promise<ConfigIssue[]> {
  try {
    await load(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.filter((issue) => issue.severity === "error");
    throw error;
  }
  assert.fail("expected a ConfigError");
}

test("pipeline entries get their type's defaults", async () => {
  const config = await load(
    '[condenser]\ntype = "pipeline"\ncondensers = [{ type = "recent" }, { type = "llm", llm_config = "llm" }]\n',
  );
  assert.deepEqual(config.agents.agent?.condenser, {
    type: "pipeline",
    condensers: [
      { type: "recent", keep_first: 1, max_events: 100 },
      { type: "llm", llm_config: "llm", keep_first: 1, max_size: 100, max_event_length: 10000 },
    ],
  });
});

test("each bad pipeline entry is a located error: unknown type, bad field, missing config", async () => {
  const errors = await errorsOf(`[llm.cheap]
model = "gpt-4o-mini"

[condenser]
type = "pipeline"
condensers = [
  { type = "amortised" },
  { type = "recent", max_events = 0 },
  { type = "llm", llm_config = "cheep" },
  { type = "observation_masking", attention_windw = 3 },
]
`);
  assert.deepEqual(
    errors.map((issue) => [issue.line, issue.code, issue.suggestion]),
    [
      [7, "unknown_condenser_type", "amortized"],
      [8, "invalid_value", null],
      [9, "unknown_llm_config", "cheap"],
      [10, "unknown_key", "attention_window"],
    ],
  );
});

test("an agent's inline pipeline is checked the same way", async () => {
  const [issue] = await errorsOf(
    '[agent.Coder.condenser]\ntype = "pipeline"\ncondensers = [{ type = "llm", llm_config = "missing" }]\n',
  );
  assert.equal(issue?.code, "unknown_llm_config");
  assert.equal(issue?.line, 3);
});
