// OpenHands' finalize_config (§11) and default condenser (§6.3), through loadConfig on real files.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { explainAgentConfig, explainSection } from "./explain.ts";
import { ConfigError } from "./issues.ts";
import { type Config, loadConfig } from "./load.ts";

async function load(text: string | null, env: Record<string, string> = {}): Promise<Config> {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-finalize-"));
  if (text !== null) writeFileSync(join(dir, "config.toml"), text);
  return loadConfig({ cwd: dir, env: { HOME: dir, ...env }, userFiles: false });
}

async function errorsOf(text: string) {
  try {
    await load(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.filter((issue) => issue.severity === "error");
    throw error;
  }
  assert.fail("expected a ConfigError");
}

describe("the default condenser (§6.3)", () => {
  test("a file without [condenser] gives the default agent the LLM summarizer over the default config", async () => {
    const config = await load('[llm]\nmodel = "gpt-4o"\n[agent.CodeActAgent]\nenable_think = false\n');
    assert.deepEqual(config.agents.agent?.condenser, {
      type: "llm",
      llm_config: "llm",
      keep_first: 1,
      max_size: 100,
      max_event_length: 10000,
    });
    // Named agents keep their own default, as in OpenHands.
    assert.deepEqual(config.agents.CodeActAgent?.condenser, { type: "conversation_window" });
    const explained = await explainAgentConfig(config, "agent");
    assert.equal(explained.agent.condenser?.status, "derived");
  });

  test("no file at all leaves the built-in conversation window", async () => {
    const config = await load(null);
    assert.deepEqual(config.agents.agent?.condenser, { type: "conversation_window" });
  });

  test("enable_default_condenser = false in [core] leaves the conversation window", async () => {
    const config = await load("[core]\nenable_default_condenser = false\n");
    assert.deepEqual(config.agents.agent?.condenser, { type: "conversation_window" });
  });

  test("a [condenser] section replaces it", async () => {
    const config = await load('[condenser]\ntype = "recent"\n');
    assert.equal(config.agents.agent?.condenser.type, "recent");
  });
});

describe("finalize_config (§11)", () => {
  test("the /workspace mount of sandbox.volumes sets the workspace paths, made absolute", async () => {
    const config = await load('[sandbox]\nvolumes = "/data:/data:ro,./project:/workspace:rw"\n');
    const dir = config.files[0]?.replace(/\/config\.toml$/, "") ?? "";
    assert.equal(config.core.workspace_base, join(dir, "project"));
    assert.equal(config.core.workspace_mount_path, join(dir, "project"));
    assert.equal(config.core.workspace_mount_path_in_sandbox, "/workspace");
    const explained = await explainSection(config, "core");
    assert.equal(explained.workspace_base?.status, "derived");
    assert.match(
      explained.workspace_base?.source.rule ?? "",
      /sandbox\.volumes mounts "\.\/project" at \/workspace/,
    );
  });

  test("volumes without a /workspace mount clear workspace_base and workspace_mount_path", async () => {
    const config = await load('[core]\nworkspace_base = "/srv"\n[sandbox]\nvolumes = "/data:/data"\n');
    assert.equal(config.core.workspace_base, null);
    assert.equal(config.core.workspace_mount_path, null);
  });

  test("a malformed mount is an error located at the volumes line, naming the mount", async () => {
    const [issue, ...rest] = await errorsOf('[sandbox]\n\nvolumes = "/data:/data,/oops"\n');
    assert.deepEqual(rest, []);
    assert.equal(issue?.line, 3);
    assert.equal(issue?.key, "volumes");
    assert.match(issue?.message ?? "", /"\/oops" is not one/);
  });

  test("a relative workspace_base is made absolute and becomes the mount path; a rewrite applies to it", async () => {
    const config = await load('[core]\nworkspace_base = "ws"\n');
    assert.ok(config.core.workspace_base?.startsWith("/"));
    assert.equal(config.core.workspace_mount_path, config.core.workspace_base);
    const rewritten = await load(
      '[core]\nworkspace_base = "/home/me/ws"\nworkspace_mount_rewrite = "/home/me:/mnt"\n',
    );
    assert.equal(rewritten.core.workspace_mount_path, "/mnt/ws");
    assert.equal(rewritten.core.workspace_base, "/home/me/ws");
  });

  test('runtime = "cli" turns Jupyter and browsing off for every agent, and explain says why', async () => {
    const config = await load('[core]\nruntime = "cli"\n[agent.CodeActAgent]\nenable_jupyter = true\n');
    for (const name of ["agent", "CodeActAgent"]) {
      assert.equal(config.agents[name]?.enable_jupyter, false, name);
      assert.equal(config.agents[name]?.enable_browsing, false, name);
    }
    const explained = await explainAgentConfig(config, "CodeActAgent");
    assert.equal(explained.agent.enable_jupyter?.status, "derived");
    assert.match(explained.agent.enable_jupyter?.source.rule ?? "", /runtime is "cli"/);
  });
});
