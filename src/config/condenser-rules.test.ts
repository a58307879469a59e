import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { findCondenserProblems } from "./condenser-rules.ts";
import { ConfigError, formatIssue } from "./issues.ts";
import { loadConfig } from "./load.ts";

async function problemsOf(text: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-condenser-rules-"));
  writeFileSync(join(dir, "config.toml"), text);
  try {
    await loadConfig({ configFile: join(dir, "config.toml"), cwd: dir, env: {}, userFiles: false });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => formatIssue(issue).replace(dir, "<dir>"));
  }
}

test("keep_first must be less than half of max_size, as OpenHands requires when it builds the condenser", () => {
  assert.deepEqual(findCondenserProblems({ type: "amortized", keep_first: 4, max_size: 10 }), []);
  assert.equal(
    findCondenserProblems({
      type: "llm",
      llm_config: "x",
      keep_first: 5,
      max_size: 10,
      max_event_length: 1,
    })[0]?.key,
    "keep_first",
  );
  assert.deepEqual(findCondenserProblems({ type: "recent", keep_first: 50, max_events: 10 }), []);
});

test("browser_output_masking is refused at its type line, saying it is not supported yet", async () => {
  const [problem, ...others] = await problemsOf('[condenser]\ntype = "browser_output_masking"\n');
  assert.equal(others.length, 0);
  assert.match(
    problem ?? "",
    /config\.toml:2:\d+: error: condenser type "browser_output_masking" is not supported yet: llmconf agents have no browser/,
  );
});

test("a keep_first too big is located at its key, in [condenser], an agent's condenser and a pipeline entry", async () => {
  const problems = await problemsOf(`[llm.cheap]
model = "gpt-4o-mini"

[condenser]
type = "llm"
llm_config = "cheap"
keep_first = 50

[agent.CodeActAgent]
condenser = { type = "amortized", max_size = 4, keep_first = 2 }

[agent.Other]
condenser = { type = "pipeline", condensers = [{ type = "amortized", max_size = 6, keep_first = 3 }] }
`);
  assert.equal(problems.length, 3, problems.join("\n"));
  assert.match(
    problems[0] ?? "",
    /config\.toml:7:\d+: error: keep_first \(50\) must be less than half of max_size \(100\)/,
  );
  assert.match(
    problems[1] ?? "",
    /config\.toml:10:\d+: error: keep_first \(2\) must be less than half of max_size \(4\).* of \[agent\.CodeActAgent\]/,
  );
  assert.match(
    problems[2] ?? "",
    /config\.toml:13:\d+: error: keep_first \(3\) must be less than half of max_size \(6\)/,
  );
});
