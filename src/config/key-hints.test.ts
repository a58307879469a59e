import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ConfigError, type ConfigIssue } from "./issues.ts";
import { unknownKeyFact } from "./key-hints.ts";
import { loadConfig } from "./load.ts";
import { agentSchema, fieldNames } from "./schema.ts";

async function errorsOf(text: string): Promise<ConfigIssue[]> {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-hints-"));
  writeFileSync(join(dir, "config.toml"), text);
  try {
    await loadConfig({ cwd: dir, env: { HOME: dir }, userFiles: false });
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.filter((issue) => issue.severity === "error");
    throw error;
  }
  assert.fail("expected a ConfigError");
}

describe("a key in the wrong section points to its section", () => {
  const cases: [string, string, string][] = [
    ['[core]\nvolumes = "/a:/workspace"\n', "volumes", "did you mean [sandbox] volumes?"],
    ["[agent]\nmax_iterations = 10\n", "max_iterations", "did you mean [core] max_iterations?"],
    [
      '[core]\nruntime_extra_deps = "x"\n',
      "runtime_extra_deps",
      "did you mean [sandbox] runtime_extra_deps?",
    ],
    ['[core]\nplatform = "linux/amd64"\n', "platform", "did you mean [sandbox] platform?"],
    ["[llm.fast]\nenable_browsing = false\n", "enable_browsing", "did you mean [agent] enable_browsing?"],
  ];
  for (const [text, key, hint] of cases) {
    test(`${key} in ${text.split("\n")[0]}`, async () => {
      const [issue, ...rest] = await errorsOf(text);
      assert.deepEqual(rest, []);
      assert.equal(issue?.line, 2);
      assert.ok(issue?.message.endsWith(hint), issue?.message);
    });
  }

  test("a key above every section names the section it belongs to", async () => {
    const [issue] = await errorsOf('model = "gpt-4o"\n[llm]\n');
    assert.match(issue?.message ?? "", /outside any section; move it under \[llm\]/);
  });
});

describe("renamed legacy keys are errors whose did-you-mean is the new name", () => {
  const known = fieldNames(agentSchema);
  for (const [old, renamed] of [
    ["codeact_enable_browsing", "enable_browsing"],
    ["codeact_enable_jupyter", "enable_jupyter"],
    ["codeact_enable_llm_editor", "enable_llm_editor"],
  ] as const) {
    test(`${old} → ${renamed}`, async () => {
      assert.equal(unknownKeyFact(old, "agent", known).suggestion, renamed);
      const [issue] = await errorsOf(`[agent.CodeActAgent]\n${old} = false\n`);
      assert.equal(issue?.code, "unknown_key");
      assert.equal(issue?.suggestion, renamed);
      assert.equal(issue?.line, 2);
    });
  }
});

test("keys OpenHands moved or dropped say so", async () => {
  const errors = await errorsOf(
    '[core]\nsandbox_timeout = 60\nsandbox_type = "docker"\n[llm]\nembedding_model = "x"\n',
  );
  assert.deepEqual(
    errors.map((issue) => [issue.line, issue.suggestion]),
    [
      [2, "[sandbox] timeout"],
      [3, null],
      [5, null],
    ],
  );
  assert.match(errors[0]?.message ?? "", /OpenHands moved it; did you mean \[sandbox\] timeout\?/);
  assert.match(
    errors[1]?.message ?? "",
    /OpenHands dropped it \(\[core\] runtime chooses the runtime\); delete it/,
  );
  assert.match(errors[2]?.message ?? "", /OpenHands dropped it/);
});

describe("no wording of the validation library reaches a user", () => {
  const cases: [string, RegExp][] = [
    ['[llm]\ncompletion_kwargs = "x"\n', /expected a table \(got "x"\)/],
    ["[llm]\nmodel = 4\n", /expected a string \(got 4\)/],
    ['[llm]\nnum_retries = "many"\n', /expected (a number|an integer)/],
    ['[agent]\ndisabled_microagents = "x"\n', /expected an array/],
    ['[mcp]\nshttp_servers = [{ url = "http://a", timeout = 0 }]\n', /must be at least 1/],
  ];
  for (const [text, expected] of cases) {
    test(text.replaceAll("\n", " "), async () => {
      const [issue] = await errorsOf(text);
      assert.match(issue?.message ?? "", expected);
      assert.doesNotMatch(issue?.message ?? "", /record|received|Invalid input|Too (small|big)/);
    });
  }
});
