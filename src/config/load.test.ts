import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { describe, test } from "node:test";
import { ConfigError } from "./issues.ts";
import { type Config, type LoadConfigOptions, loadConfig } from "./load.ts";

const examples = resolve(import.meta.dirname, "../../examples");

/** Writes files into a fresh temp folder (which is also HOME) and loads `config.toml` from it. */
async function load(
  files: Record<string, string>,
  options: Omit<LoadConfigOptions, "cwd"> & { env?: Record<string, string> } = {},
): Promise<Config> {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-test-"));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return loadConfig({ cwd: dir, ...options, env: { HOME: dir, ...options.env } });
}

async function loadErrors(files: Record<string, string>, options: Parameters<typeof load>[1] = {}) {
  try {
    await load(files, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.filter((issue) => issue.severity === "error");
    throw error;
  }
  assert.fail("expected a ConfigError");
}

describe("the documentation's examples", () => {
  test("custom-configs.toml resolves each named config over [llm]", async () => {
    const config = await loadConfig({
      configFile: join(examples, "custom-configs.toml"),
      env: {},
      userFiles: false,
    });
    assert.equal(config.llms.llm?.model, "gpt-4");
    assert.deepEqual(
      {
        model: config.llms.gpt3?.model,
        temperature: config.llms.gpt3?.temperature,
        key: config.llms.gpt3?.api_key,
      },
      { model: "gpt-3.5-turbo", temperature: 0.2, key: "your-api-key" },
    );
    const creative = config.getLlmConfig("high-creativity");
    assert.deepEqual([creative.model, creative.temperature, creative.top_p], ["gpt-4", 0.8, 0.9]);
    assert.equal(config.getLlmConfigForAgent("RepoExplorerAgent").model, "gpt-3.5-turbo");
    assert.equal(config.getLlmConfigForAgent("CodeWriterAgent").temperature, 0.8);
  });

  test("cost-optimization.toml maps the explorer to the cheap model and the writer to gpt-4", async () => {
    const config = await loadConfig({
      configFile: join(examples, "cost-optimization.toml"),
      env: {},
      userFiles: false,
    });
    const explorer = config.getLlmConfigForAgent("RepoExplorerAgent");
    const writer = config.getLlmConfigForAgent("CodeWriterAgent");
    assert.deepEqual(
      [explorer.model, explorer.temperature, explorer.max_output_tokens],
      ["gpt-3.5-turbo", 0.2, null],
    );
    assert.deepEqual([writer.model, writer.temperature, writer.max_output_tokens], ["gpt-4", 0, 2000]);
    assert.equal(writer.api_key, "your-api-key");
    assert.equal(writer.num_retries, 5);
  });
});

describe("inheritance", () => {
  test("a named config inherits every field it does not set, and keeps those it sets", async () => {
    const config = await load({
      "config.toml":
        '[llm]\nmodel = "gpt-4o"\nnum_retries = 2\ncompletion_kwargs = { user = "me" }\n[llm.cheap]\nmodel = "gpt-4o-mini"\n',
    });
    assert.equal(config.llms.cheap?.model, "gpt-4o-mini");
    assert.equal(config.llms.cheap?.num_retries, 2);
    assert.deepEqual(
      config.llms.cheap?.completion_kwargs,
      { user: "me" },
      "H7: a map-valued field is a field",
    );
    assert.equal(config.provenance.llms.cheap?.num_retries?.inherited, true);
    assert.equal(config.provenance.llms.cheap?.model?.inherited, false);
  });

  test("without [llm] a named config inherits the built-in defaults", async () => {
    const config = await load({ "config.toml": '[llm.local]\nmodel = "ollama/llama3"\n' });
    assert.equal(config.llms.local?.temperature, 0);
    assert.equal(config.llms.llm?.model, "claude-sonnet-4-20250514");
  });

  test("quoted names and draft_editor are ordinary named configs", async () => {
    const config = await load({
      "config.toml": '[llm."gpt-4.1"]\nmodel = "gpt-4.1"\n[llm.draft_editor]\ncorrect_num = 3\n',
    });
    assert.equal(config.getLlmConfig("gpt-4.1").model, "gpt-4.1");
    assert.equal(config.getLlmConfig("draft_editor").correct_num, 3);
  });

  test("an agent without a section resolves to [agent], including its llm_config", async () => {
    const config = await load({
      "config.toml":
        '[llm.cheap]\nmodel = "gpt-4o-mini"\n[agent]\nllm_config = "cheap"\nenable_browsing = false\n',
    });
    assert.equal(config.getAgentConfig("BrowsingAgent").enable_browsing, false);
    assert.equal(config.getLlmConfigForAgent("BrowsingAgent").model, "gpt-4o-mini");
    assert.deepEqual(config.llmConfigNameForAgent("BrowsingAgent"), { name: "cheap", reason: "base-agent" });
  });

  test("an agent section overlays [agent] and names its own config", async () => {
    const config = await load({
      "config.toml":
        '[agent]\nenable_jupyter = false\n[llm.strong]\nmodel = "o3"\n[agent.CodeActAgent]\nllm_config = "strong"\n',
    });
    assert.equal(config.getAgentConfig("CodeActAgent").enable_jupyter, false);
    assert.deepEqual(config.llmConfigNameForAgent("CodeActAgent"), { name: "strong", reason: "agent" });
    assert.deepEqual(config.llmConfigNameForAgent("Other"), { name: "llm", reason: "default" });
  });

  test("H5: the azure api_version is derived per config and not inherited by non-azure configs", async () => {
    const config = await load({
      "config.toml":
        '[llm]\nmodel = "azure/gpt-4o"\n[llm.plain]\nmodel = "gpt-4o"\n[llm.pinned]\napi_version = "2024-02-01"\n',
    });
    assert.equal(config.llms.llm?.api_version, "2024-12-01-preview");
    assert.equal(config.provenance.llms.llm?.api_version?.source.kind, "derived");
    assert.equal(config.llms.plain?.api_version, null);
    assert.equal(config.llms.pinned?.api_version, "2024-02-01");
  });

  test("a condenser and model routing apply to the default agent", async () => {
    const config = await load({
      "config.toml":
        '[llm.summ]\nmodel = "gpt-4o-mini"\nfor_routing = true\n[condenser]\ntype = "llm"\nllm_config = "summ"\nmax_size = 50\n[model_routing]\nrouter_name = "multimodal_router"\n',
    });
    assert.deepEqual(config.condenser, {
      type: "llm",
      llm_config: "summ",
      keep_first: 1,
      max_size: 50,
      max_event_length: 10000,
    });
    assert.equal(config.agents.agent?.condenser.type, "llm");
    // Keyed by config name, so without a prototype (a config may be called "constructor").
    assert.deepEqual({ ...config.model_routing.llms_for_routing }, { summ: "gpt-4o-mini" });
  });

  test("log_completions_folder is made absolute against the working directory", async () => {
    const config = await load({ "config.toml": '[llm]\nlog_completions_folder = "logs/mine"\n' });
    assert.ok(config.llms.llm?.log_completions_folder.endsWith("/logs/mine"));
    assert.ok(config.llms.llm?.log_completions_folder.startsWith("/"));
  });
});

describe("environment (H3)", () => {
  const file = {
    "config.toml": '[llm]\nmodel = "gpt-4o"\n[llm.cheap]\ntemperature = 0.3\n[llm.own]\nmodel = "o3"\n',
  };

  test("LLM_* overrides [llm] before inheritance: named configs that do not set the field inherit it", async () => {
    const config = await load(file, {
      env: { LLM_MODEL: "claude-3-5-sonnet-20241022", LLM_NUM_RETRIES: "2" },
    });
    assert.equal(config.llms.llm?.model, "claude-3-5-sonnet-20241022");
    assert.equal(config.llms.cheap?.model, "claude-3-5-sonnet-20241022");
    assert.equal(config.llms.own?.model, "o3");
    assert.equal(config.llms.cheap?.num_retries, 2);
    assert.deepEqual(config.provenance.llms.cheap?.model, {
      source: { kind: "env", env: "LLM_MODEL" },
      inherited: true,
    });
  });

  test("booleans accept yes/no/1/0/true/false in any case; empty values are ignored", async () => {
    const config = await load(file, {
      env: { LLM_DROP_PARAMS: "NO", LLM_CACHING_PROMPT: "Yes", LLM_MODEL: "" },
    });
    assert.equal(config.llms.llm?.drop_params, false);
    assert.equal(config.llms.llm?.caching_prompt, true);
    assert.equal(config.llms.llm?.model, "gpt-4o");
  });

  test("AGENT_*, [core] names and SANDBOX_* apply to their sections", async () => {
    const config = await load(
      { "config.toml": '[llm.cheap]\nmodel = "m"\n' },
      {
        env: {
          AGENT_LLM_CONFIG: "cheap",
          MAX_ITERATIONS: "7",
          SANDBOX_TIMEOUT: "30",
          LLM_COMPLETION_KWARGS: '{"a":1}',
        },
      },
    );
    assert.equal(config.getLlmConfigForAgent("Anything").model, "m");
    assert.equal(config.core.max_iterations, 7);
    assert.equal(config.sandbox.timeout, 30);
    assert.deepEqual(config.llms.llm?.completion_kwargs, { a: 1 });
  });

  test("a value that cannot be cast is an error naming the variable", async () => {
    const errors = await loadErrors(file, {
      env: { LLM_NUM_RETRIES: "lots", LLM_DROP_PARAMS: "maybe", LLM_SAFETY_SETTINGS: "[" },
    });
    assert.deepEqual(
      errors.map((issue) => [issue.file, issue.code]),
      [
        ["<env LLM_DROP_PARAMS>", "invalid_env"],
        ["<env LLM_NUM_RETRIES>", "invalid_value"],
        ["<env LLM_SAFETY_SETTINGS>", "invalid_env"],
      ],
    );
    assert.match(errors[1]?.message ?? "", /from environment variable LLM_NUM_RETRIES/);
  });
});

describe("CLI flags", () => {
  const file = {
    "config.toml":
      '[llm]\nmodel = "gpt-4o"\n[llm.cheap]\nmodel = "gpt-4o-mini"\n[llm.strong]\nmodel = "o3"\n[agent.Writer]\nllm_config = "strong"\n',
  };

  test("-l NAME becomes the default for agents without llm_config; agents with one keep it (H4)", async () => {
    for (const flag of ["cheap", "llm.cheap", "[llm.cheap]"]) {
      const config = await load(file, { cli: { llmConfig: flag } });
      assert.equal(config.llms.llm?.model, "gpt-4o-mini", flag);
      assert.deepEqual(config.llmConfigNameForAgent("Explorer"), { name: "cheap", reason: "cli" });
      assert.equal(config.getLlmConfigForAgent("Writer").model, "o3");
    }
  });

  test("an unknown -l name is an error with a did-you-mean", async () => {
    const [issue] = await loadErrors(file, { cli: { llmConfig: "chaep" } });
    assert.equal(issue?.code, "unknown_llm_config");
    assert.equal(issue?.file, "<cli -l>");
    assert.equal(issue?.suggestion, "cheap");
  });

  test("-c, -i and -b override [core] and the environment", async () => {
    const config = await load(
      { "config.toml": "[core]\nmax_iterations = 10\n" },
      {
        env: { MAX_ITERATIONS: "20" },
        cli: { agentCls: "Writer", maxIterations: "0", maxBudgetPerTask: "1.5" },
      },
    );
    assert.deepEqual(
      [config.core.default_agent, config.core.max_iterations, config.core.max_budget_per_task],
      ["Writer", 0, 1.5],
    );
    assert.deepEqual(config.provenance.sections.core.max_iterations?.source, { kind: "cli", flag: "-i" });
  });
});

describe("layers (H9)", () => {
  test("user files and the project file merge key by key, named sections included", async () => {
    const config = await load({
      ".openhands/config.toml": '[llm]\nmodel = "from-openhands"\nnum_retries = 1\n',
      ".config/llmconf/config.toml":
        '[llm]\nmodel = "from-user"\n[llm.cheap]\nmodel = "gpt-4o-mini"\ntemperature = 0.5\n',
      "config.toml": "[llm.cheap]\ntemperature = 0.1\n",
    });
    assert.equal(config.files.length, 3);
    assert.deepEqual(
      [
        config.llms.llm?.model,
        config.llms.llm?.num_retries,
        config.llms.cheap?.model,
        config.llms.cheap?.temperature,
      ],
      ["from-user", 1, "gpt-4o-mini", 0.1],
    );
    const source = config.provenance.llms.cheap?.temperature?.source;
    assert.ok(
      source?.kind === "file" && source.file.endsWith("/config.toml") && !source.file.includes(".config"),
    );
  });

  test("XDG_CONFIG_HOME moves the user file; userFiles: false skips it", async () => {
    const files = { "xdg/llmconf/config.toml": '[llm]\nmodel = "xdg"\n' };
    const dirConfig = await load(files, { env: { XDG_CONFIG_HOME: "" } });
    assert.equal(dirConfig.llms.llm?.model, "claude-sonnet-4-20250514");
    const dir = mkdtempSync(join(tmpdir(), "llmconf-xdg-"));
    mkdirSync(join(dir, "llmconf"));
    writeFileSync(join(dir, "llmconf", "config.toml"), '[llm]\nmodel = "xdg"\n');
    const config = await loadConfig({ cwd: dir, env: { HOME: "/nonexistent", XDG_CONFIG_HOME: dir } });
    assert.equal(config.llms.llm?.model, "xdg");
    const skipped = await loadConfig({
      cwd: tmpdir(),
      env: { HOME: "/nonexistent", XDG_CONFIG_HOME: dir },
      userFiles: false,
    });
    assert.equal(skipped.llms.llm?.model, "claude-sonnet-4-20250514");
  });

  test("a missing default ./config.toml means defaults; a missing explicit file is an error", async () => {
    const config = await load({});
    assert.deepEqual(config.files, []);
    const [issue] = await loadErrors({}, { configFile: "nope.toml" });
    assert.equal(issue?.code, "file_not_found");
  });
});

describe("secrets (H8)", () => {
  test("${VAR} references expand from the environment", async () => {
    const config = await load(
      { "config.toml": '[llm]\napi_key = "${MY_KEY}"\nbase_url = "${MY_URL:-http://localhost:1234}/v1"\n' },
      { env: { MY_KEY: "sk-live-123" } },
    );
    assert.equal(config.llms.llm?.api_key, "sk-live-123");
    assert.equal(config.llms.llm?.base_url, "http://localhost:1234/v1");
    const source = config.provenance.llms.llm?.api_key?.source;
    assert.equal(source?.kind === "file" ? source.reference : undefined, "${MY_KEY}");
  });

  test("no error message ever contains a secret value", async () => {
    const errors = await loadErrors(
      { "config.toml": '[llm]\napi_key = "sk-live-123"\nmodel = 5\n[llm.x]\napi_key = ["sk-live-456"]\n' },
      { env: { LLM_AWS_SECRET_ACCESS_KEY: "aws-secret-789" } },
    );
    const text = JSON.stringify(errors);
    assert.ok(errors.length >= 2);
    for (const secret of ["sk-live-123", "sk-live-456", "aws-secret-789"])
      assert.ok(!text.includes(secret), secret);
  });
});

describe("bad input", () => {
  test("an empty file is valid and gives the defaults, with OpenHands' default condenser", async () => {
    const config = await load({ "config.toml": "" });
    assert.equal(config.core.max_iterations, 500);
    // §6.3: a file that exists and parses, without [condenser], installs the LLM summarizer.
    assert.equal(config.agents.agent?.condenser.type, "llm");
  });

  test("a directory instead of a file is a clear error", async () => {
    const [issue] = await loadErrors({ "conf.d/x": "" }, { configFile: "conf.d" });
    assert.equal(issue?.code, "file_unreadable");
    assert.match(issue?.message ?? "", /is a directory/);
  });

  test("a 10 MB file of named configs loads", async () => {
    const sections = Array.from(
      { length: 60_000 },
      (_, i) => `[llm.c${i}]\nmodel = "gpt-4o-mini"\ntemperature = 0.${i % 10}\n`,
    );
    const text = sections.join("\n");
    assert.ok(text.length > 2_500_000);
    const config = await load({ "config.toml": `${text}\n${"# padding\n".repeat(750_000)}` });
    assert.equal(Object.keys(config.llms).length, 60_001);
  });

  test("one load reports every problem, in file order", async () => {
    const errors = await loadErrors({
      "config.toml": '[llm]\ntemprature = 1\n[llm.a]\nmodel = 3\n[agent.X]\nllm_config = "b"\n[sandbx]\n',
    });
    assert.deepEqual(
      errors.map((issue) => [issue.line, issue.code]),
      [
        [2, "unknown_key"],
        [4, "invalid_value"],
        [6, "unknown_llm_config"],
        [7, "unknown_section"],
      ],
    );
  });

  test("the resolved config is immutable", async () => {
    const config = await load({ "config.toml": '[llm]\nmodel = "gpt-4o"\n' });
    assert.throws(() => {
      (config.llms.llm as { model: string }).model = "changed";
    }, TypeError);
  });

  test("getLlmConfig of an unknown name throws with a did-you-mean, never falls back", async () => {
    const config = await load({ "config.toml": '[llm.cheap]\nmodel = "m"\n' });
    assert.throws(
      () => config.getLlmConfig("chep"),
      (error: ConfigError) => error.issues[0]?.suggestion === "cheap",
    );
  });
});

describe("MCP server entries", () => {
  test("an unknown key in an entry is a located error with a did-you-mean, like every other key", async () => {
    const errors = await loadErrors({
      "config.toml": '[[mcp.sse_servers]]\nurl = "http://localhost:1/sse"\napikey = "k"\n',
    });
    assert.deepEqual(
      errors.map((issue) => [issue.code, issue.line, issue.suggestion]),
      [["unknown_key", 3, "api_key"]],
    );
    assert.match(errors[0]?.message ?? "", /unknown key "apikey" in "sse_servers\[0\]" of \[mcp\]/);
  });

  test("an unknown key in an entry from MCP_SHTTP_SERVERS names the variable", async () => {
    const errors = await loadErrors(
      { "config.toml": "" },
      { env: { MCP_SHTTP_SERVERS: '[{"url":"http://localhost:1/mcp","timout":5}]' } },
    );
    assert.equal(errors[0]?.file, "<env MCP_SHTTP_SERVERS>");
    assert.equal(errors[0]?.suggestion, "timeout");
    assert.match(errors[0]?.message ?? "", /from environment variable MCP_SHTTP_SERVERS/);
  });

  test("entries with only their own fields load, shorthand URLs included", async () => {
    const config = await load({
      "config.toml":
        '[mcp]\nsse_servers = ["http://localhost:1/sse"]\nshttp_servers = [{ url = "http://localhost:2/mcp", api_key = "k", timeout = 9 }]\nstdio_servers = [{ name = "fs", command = "mcp-fs", args = "--root /tmp", env = "A=1" }]\n',
    });
    assert.deepEqual(config.mcp.stdio_servers[0], {
      name: "fs",
      command: "mcp-fs",
      args: ["--root", "/tmp"],
      env: { A: "1" },
    });
    assert.equal(config.mcp.shttp_servers[0]?.timeout, 9);
  });
});
