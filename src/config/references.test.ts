// ${VAR} references (H8): unset ones in LLM configs and MCP servers warn and block only their configs;
// elsewhere they are errors; malformed ones are located errors; secrets and their defaults stay masked.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { explainLlmConfig, showSection } from "./explain.ts";
import { ConfigError, type ConfigIssue } from "./issues.ts";
import { type Config, loadConfig } from "./load.ts";

async function load(text: string, env: Record<string, string> = {}): Promise<Config> {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-references-"));
  writeFileSync(join(dir, "config.toml"), text);
  return loadConfig({ cwd: dir, env: { HOME: dir, ...env }, userFiles: false });
}

async function issuesOf(text: string, env: Record<string, string> = {}): Promise<ConfigIssue[]> {
  try {
    return [...(await load(text, env)).warnings];
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
}

function thrown(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  assert.fail("expected a ConfigError");
}

const PER_PROVIDER = `[llm]
model = "gpt-4o"
api_key = "\${OPENAI_API_KEY}"

[llm.cheap]
model = "gpt-4o-mini"

[llm.claude]
model = "anthropic/claude-sonnet-4-20250514"
api_key = "\${ANTHROPIC_API_KEY}"
fallbacks = ["cheap"]

[llm.local]
model = "ollama/llama3"
api_key = ""
`;

describe("unset references in LLM configs", () => {
  test("are located warnings at load: the file loads", async () => {
    const config = await load(PER_PROVIDER, { ANTHROPIC_API_KEY: "sk-ant-1" });
    const [warning, ...rest] = config.warnings.filter((issue) => issue.code === "unset_variable");
    assert.deepEqual(rest, []);
    assert.equal(warning?.severity, "warning");
    assert.equal(warning?.line, 3);
    assert.match(warning?.message ?? "", /OPENAI_API_KEY is not set/);
    // The hint never suggests writing a secret as a default.
    assert.match(warning?.message ?? "", /\$\{OPENAI_API_KEY:-\} to allow it empty/);
  });

  test("only the configs that hold or inherit them cannot be used, with the same located message", async () => {
    const config = await load(PER_PROVIDER, { ANTHROPIC_API_KEY: "sk-ant-1" });
    assert.equal(config.usableLlmConfig("local").model, "ollama/llama3");
    for (const name of ["llm", "cheap"]) {
      const error = thrown(() => config.usableLlmConfig(name));
      assert.equal(error.issues[0]?.line, 3, name);
      assert.match(
        error.issues[0]?.message ?? "",
        new RegExp(`LLM config "${name}" cannot be used: .*OPENAI_API_KEY`),
      );
    }
    // claude falls back to cheap, which needs OPENAI_API_KEY: the whole chain must be usable.
    assert.match(thrown(() => config.usableLlmConfig("claude")).message, /"cheap" cannot be used/);
  });

  test("with only the used provider's key, a config per provider works", async () => {
    const config = await load(PER_PROVIDER.replace('fallbacks = ["cheap"]\n', ""), {
      ANTHROPIC_API_KEY: "sk-ant-1",
    });
    assert.equal(config.usableLlmConfig("claude").api_key, "sk-ant-1");
  });

  test("an environment override of the variable's field makes the config usable", async () => {
    const config = await load(PER_PROVIDER, { LLM_API_KEY: "sk-env" });
    assert.equal(config.usableLlmConfig("cheap").api_key, "sk-env");
  });

  test("show and explain give the reference as written, marked unset, never an empty value", async () => {
    const config = await load(PER_PROVIDER);
    assert.equal(
      showSection(config.llms.cheap ?? {}, config.provenance.llms.cheap).api_key,
      "${OPENAI_API_KEY}",
    );
    const explained = await explainLlmConfig(config, "cheap");
    assert.equal(explained.api_key?.value, "${OPENAI_API_KEY}");
    assert.deepEqual(explained.api_key?.source.unset, ["OPENAI_API_KEY"]);
  });

  test("an unset reference in an MCP server entry blocks that server only", async () => {
    const config = await load(
      '[mcp]\nsse_servers = ["http://localhost:1/a", { url = "http://localhost:1/b", api_key = "${MCP_TOKEN}" }]\n',
    );
    config.assertMcpServerUsable("sse_servers", 0);
    const error = thrown(() => config.assertMcpServerUsable("sse_servers", 1));
    assert.equal(error.issues[0]?.line, 2);
    assert.match(error.message, /MCP_TOKEN is not set/);
  });

  test("elsewhere an unset reference stays an error", async () => {
    for (const text of ['[core]\ndefault_agent = "${AGENT_NAME}"\n', '[agent]\nllm_config = "${NAME}"\n']) {
      const [issue] = await issuesOf(text);
      assert.equal(issue?.severity, "error", text);
      assert.equal(issue?.code, "unset_variable", text);
    }
  });
});

describe("malformed references", () => {
  for (const written of ["${", "${}", "${BAD NAME}", "${UNCLOSED", "${A:-${B:-z}"]) {
    test(`${JSON.stringify(written)} is a located error`, async () => {
      const [issue, ...rest] = await issuesOf(`[llm]\nmodel = "gpt-4o"\nbase_url = "${written}"\n`);
      assert.deepEqual(rest, []);
      assert.equal(issue?.severity, "error");
      assert.equal(issue?.code, "malformed_reference");
      assert.equal(issue?.line, 3);
    });
  }

  test("a nested default works as in POSIX shells", async () => {
    const config = await load('[llm]\nbase_url = "${A:-${B:-http://localhost:8000}}"\n', { B: "http://b" });
    assert.equal(config.llms.llm?.base_url, "http://b");
  });

  test("a malformed reference in a secret field does not echo the value", async () => {
    const [issue] = await issuesOf('[llm]\napi_key = "sk-live-9f8e7d${"\n');
    assert.equal(issue?.code, "malformed_reference");
    assert.ok(!issue?.message.includes("9f8e7d"));
  });

  test("a credential inside a map neither echoes a malformed value nor gets a default suggested", async () => {
    const [malformed] = await issuesOf(
      '[llm]\ncompletion_kwargs = { extra_headers = { Authorization = "Bearer ${tok-9f8e7d" } }\n',
    );
    assert.equal(malformed?.code, "malformed_reference");
    assert.ok(!malformed?.message.includes("9f8e7d"));
    const [unset] = await issuesOf(
      '[mcp]\nstdio_servers = [{ name = "gh", command = "gh", env = { GITHUB_TOKEN = "${GH_TOKEN}" } }]\n',
    );
    assert.equal(unset?.code, "unset_variable");
    assert.match(unset?.message ?? "", /\$\{GH_TOKEN:-\} to allow it empty/);
  });

  test("a bare $NAME in a secret field is a warning pointing to ${NAME}", async () => {
    const [issue] = await issuesOf('[llm]\napi_key = "$OPENAI_API_KEY"\n');
    assert.equal(issue?.severity, "warning");
    assert.equal(issue?.code, "bare_variable");
    assert.match(issue?.message ?? "", /write "\$\{OPENAI_API_KEY\}"/);
  });
});

describe("secrets", () => {
  test("a default on a secret field is masked wherever the reference is shown", async () => {
    const config = await load('[llm]\napi_key = "${OPENAI_API_KEY:-sk-default-123456}"\n');
    const explained = await explainLlmConfig(config, "llm");
    assert.equal(explained.api_key?.value, "${OPENAI_API_KEY:-**********}");
    assert.ok(!JSON.stringify(explained).includes("sk-default"));
    assert.equal(showSection(config.llms.llm ?? {}, config.provenance.llms.llm).api_key, "**********");
  });

  test('an empty secret shows as "", never masked as if it were set', async () => {
    const config = await load('[llm]\napi_key = ""\n[core]\njwt_secret = ""\n');
    assert.equal(showSection(config.llms.llm ?? {}, config.provenance.llms.llm).api_key, "");
    assert.equal((await explainLlmConfig(config, "llm")).api_key?.value, "");
  });
});

describe("bare [core] environment names shared with other tools (H11)", () => {
  test("DEBUG=express:* is a warning naming the variable, and the value is ignored", async () => {
    const config = await load("[core]\ndebug = true\n", { DEBUG: "express:*", MAX_ITERATIONS: "many" });
    assert.equal(config.core.debug, true);
    assert.equal(config.core.max_iterations, 500);
    const messages = config.warnings.map((issue) => issue.message).join("\n");
    assert.match(messages, /DEBUG="express:\*".*ignored/);
    assert.match(messages, /MAX_ITERATIONS/);
  });

  test("a prefixed variable that cannot be cast still fails loudly", async () => {
    const issues = await issuesOf("", { LLM_NUM_RETRIES: "x", AGENT_ENABLE_CMD: "maybe" });
    const errors = issues.filter((issue) => issue.severity === "error").map((issue) => issue.file);
    assert.deepEqual(errors.sort(), ["<env AGENT_ENABLE_CMD>", "<env LLM_NUM_RETRIES>"]);
  });
});
