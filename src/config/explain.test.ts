import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, test } from "node:test";
import { explainAgentConfig, explainLlmConfig, explainSection, listAgentLlmChoices } from "./explain.ts";
import { type LoadConfigOptions, loadConfig } from "./load.ts";
import { MASK } from "./secrets.ts";

/** Writes files (path → text) under a fresh directory and returns it. */
function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "llmconf-explain-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const PROJECT = `[llm]
model = "gpt-4"
api_key = "sk-literal-secret"
temperature = 0.0

[llm.gpt3]
model = "gpt-3.5-turbo"
temperature = 0.2

[llm.azure]
model = "azure/gpt-4o"

[agent]
enable_browsing = false

[agent.RepoExplorerAgent]
llm_config = "gpt3"

[agent.CodeWriterAgent]
enable_jupyter = false
`;

async function load(files: Record<string, string>, options: Omit<LoadConfigOptions, "cwd"> = {}) {
  const root = writeTree(files);
  const config = await loadConfig({
    configFile: "config.toml",
    env: {},
    userFiles: false,
    ...options,
    cwd: root,
  });
  return { config, root, file: join(root, "config.toml") };
}

describe("explainLlmConfig", () => {
  test("names the named section and line of an overridden value", async () => {
    const { config, file } = await load({ "config.toml": PROJECT });
    const fields = await explainLlmConfig(config, "gpt3");
    assert.deepEqual(fields.model, {
      value: "gpt-3.5-turbo",
      source: { kind: "file", file, line: 7, section: "llm.gpt3" },
      status: "overridden",
    });
  });

  test("names [llm] and its line for an inherited value, masking a secret", async () => {
    const { config, file } = await load({ "config.toml": PROJECT });
    const fields = await explainLlmConfig(config, "gpt3");
    assert.deepEqual(fields.api_key, {
      value: MASK,
      source: { kind: "file", file, line: 3, section: "llm" },
      status: "inherited",
    });
    assert.equal(JSON.stringify(fields).includes("sk-literal-secret"), false);
  });

  test("says set for a value of [llm] itself and default for a field nobody set", async () => {
    const { config, file } = await load({ "config.toml": PROJECT });
    const fields = await explainLlmConfig(config, "llm");
    assert.deepEqual(fields.temperature, {
      value: 0,
      source: { kind: "file", file, line: 4, section: "llm" },
      status: "set",
    });
    assert.deepEqual(fields.top_k, { value: null, source: { kind: "default" }, status: "default" });
  });

  test("names the environment variable, which named configs inherit unless they set the field (H3)", async () => {
    const { config } = await load(
      { "config.toml": PROJECT },
      { env: { LLM_MODEL: "gpt-4o", LLM_TOP_P: "0.5" } },
    );
    const base = await explainLlmConfig(config, "llm");
    assert.deepEqual(base.model, {
      value: "gpt-4o",
      source: { kind: "env", env: "LLM_MODEL" },
      status: "set",
    });
    const azure = await explainLlmConfig(config, "azure");
    assert.deepEqual(azure.top_p, {
      value: 0.5,
      source: { kind: "env", env: "LLM_TOP_P" },
      status: "inherited",
    });
    const gpt3 = await explainLlmConfig(config, "gpt3");
    assert.equal(gpt3.model?.source.section, "llm.gpt3");
  });

  test("names the rule of a derived default, only for the config that derives it (H5)", async () => {
    const { config } = await load({ "config.toml": PROJECT });
    const azure = await explainLlmConfig(config, "azure");
    assert.deepEqual(azure.api_version, {
      value: "2024-12-01-preview",
      source: { kind: "derived", rule: 'model "azure/gpt-4o" starts with "azure"' },
      status: "derived",
    });
    const gpt3 = await explainLlmConfig(config, "gpt3");
    assert.equal(gpt3.api_version?.status, "default");
  });

  test("shows a ${VAR} reference as written, never the value it expands to (H8)", async () => {
    const files = {
      "config.toml": `[llm]
model = "gpt-4o"
api_key = "\${OPENAI_API_KEY}"
base_url = "\${PROXY_HOST}/v1"
aws_secret_access_key = "prefix-\${AWS_PART}"
`,
    };
    const env = {
      OPENAI_API_KEY: "sk-from-env-1234",
      PROXY_HOST: "https://proxy.internal",
      AWS_PART: "hidden-part",
    };
    const { config, file } = await load(files, { env });
    const fields = await explainLlmConfig(config, "llm");
    assert.deepEqual(fields.api_key, {
      value: "${OPENAI_API_KEY}",
      source: { kind: "file", file, line: 3, section: "llm", reference: "${OPENAI_API_KEY}" },
      status: "set",
    });
    assert.equal(fields.base_url?.value, "${PROXY_HOST}/v1");
    // Literal text beside a reference in a secret might itself be secret: masked.
    assert.equal(fields.aws_secret_access_key?.value, MASK);
    const text = JSON.stringify(fields);
    for (const value of Object.values(env)) assert.equal(text.includes(value), false, value);
  });

  test("shows references inside a table as written, never the values (H8)", async () => {
    const files = {
      "config.toml": '[llm]\ncompletion_kwargs = { extra_headers = { Authorization = "Bearer ${TOKEN}" } }\n',
    };
    const { config } = await load(files, { env: { TOKEN: "tok-never-shown" } });
    const fields = await explainLlmConfig(config, "llm");
    assert.deepEqual(fields.completion_kwargs?.value, {
      extra_headers: { Authorization: "Bearer ${TOKEN}" },
    });
    assert.equal(JSON.stringify(fields).includes("tok-never-shown"), false);
    assert.deepEqual(config.llms.llm?.completion_kwargs, {
      extra_headers: { Authorization: "Bearer tok-never-shown" },
    });
  });

  test("explains the -l choice as the default config, with the chosen config's sources (H4)", async () => {
    const { config, file } = await load({ "config.toml": PROJECT }, { cli: { llmConfig: "gpt3" } });
    const fields = await explainLlmConfig(config, "llm");
    assert.deepEqual(fields.model, {
      value: "gpt-3.5-turbo",
      source: { kind: "file", file, line: 7, section: "llm.gpt3" },
      status: "overridden",
    });
  });
});

describe("explainLlmConfig across layers (H9)", () => {
  const user = `[llm]
api_key = "sk-user-secret"
num_retries = 7

[llm.gpt3]
temperature = 0.4
top_p = 0.8
`;
  const project = `[llm]
model = "gpt-4"

[llm.gpt3]
model = "gpt-3.5-turbo"
temperature = 0.1
`;

  test("names the user file (XDG_CONFIG_HOME) and the project file, key by key", async () => {
    const root = writeTree({ "xdg/llmconf/config.toml": user, "project/config.toml": project });
    const env = { HOME: join(root, "home"), XDG_CONFIG_HOME: join(root, "xdg") };
    const config = await loadConfig({ configFile: "config.toml", cwd: join(root, "project"), env });
    const userFile = join(root, "xdg/llmconf/config.toml");
    const projectFile = join(root, "project/config.toml");
    const fields = await explainLlmConfig(config, "gpt3");
    assert.deepEqual(
      {
        model: fields.model,
        temperature: fields.temperature,
        top_p: fields.top_p,
        num_retries: fields.num_retries,
      },
      {
        model: {
          value: "gpt-3.5-turbo",
          source: { kind: "file", file: projectFile, line: 5, section: "llm.gpt3" },
          status: "overridden",
        },
        temperature: {
          value: 0.1,
          source: { kind: "file", file: projectFile, line: 6, section: "llm.gpt3" },
          status: "overridden",
        },
        top_p: {
          value: 0.8,
          source: { kind: "file", file: userFile, line: 7, section: "llm.gpt3" },
          status: "overridden",
        },
        num_retries: {
          value: 7,
          source: { kind: "file", file: userFile, line: 3, section: "llm" },
          status: "inherited",
        },
      },
    );
    assert.equal(fields.api_key?.value, MASK);
  });

  test("finds the user file under HOME/.config when XDG_CONFIG_HOME is unset", async () => {
    const root = writeTree({ "home/.config/llmconf/config.toml": user, "project/config.toml": project });
    const config = await loadConfig({
      configFile: "config.toml",
      cwd: join(root, "project"),
      env: { HOME: join(root, "home") },
    });
    const fields = await explainLlmConfig(config, "llm");
    assert.deepEqual(fields.num_retries?.source, {
      kind: "file",
      file: join(root, "home/.config/llmconf/config.toml"),
      line: 3,
      section: "llm",
    });
    assert.equal(fields.model?.source.file, join(root, "project/config.toml"));
  });
});

describe("explainAgentConfig", () => {
  test("an agent's own llm_config: the agent section and line", async () => {
    const { config, file } = await load({ "config.toml": PROJECT });
    const explained = await explainAgentConfig(config, "RepoExplorerAgent");
    assert.equal(explained.llm_config_name, "gpt3");
    assert.equal(explained.llm_config_reason, "agent");
    assert.deepEqual(explained.llm_config_source, {
      kind: "file",
      file,
      line: 17,
      section: "agent.RepoExplorerAgent",
    });
    assert.deepEqual(explained.agent.enable_browsing, {
      value: false,
      source: { kind: "file", file, line: 14, section: "agent" },
      status: "inherited",
    });
    assert.equal(explained.llm.model?.value, "gpt-3.5-turbo");
  });

  test("-l is the flag behind the choice of an agent without llm_config; agents with one keep it", async () => {
    const { config } = await load({ "config.toml": PROJECT }, { cli: { llmConfig: "gpt3" } });
    const writer = await explainAgentConfig(config, "CodeWriterAgent");
    assert.equal(writer.llm_config_name, "gpt3");
    assert.equal(writer.llm_config_reason, "cli");
    assert.deepEqual(writer.llm_config_source, { kind: "cli", flag: "-l" });
    const explorer = await explainAgentConfig(config, "RepoExplorerAgent");
    assert.equal(explorer.llm_config_reason, "agent");
  });

  test("the base [agent]'s llm_config, and the default when there is none", async () => {
    const withBase = await load({
      "config.toml": PROJECT.replace("[agent]\n", '[agent]\nllm_config = "azure"\n'),
    });
    const base = await explainAgentConfig(withBase.config, "CodeWriterAgent");
    assert.equal(base.llm_config_reason, "base-agent");
    assert.deepEqual(base.llm_config_source, {
      kind: "file",
      file: withBase.file,
      line: 14,
      section: "agent",
    });
    const plain = await load({ "config.toml": PROJECT });
    const fallback = await explainAgentConfig(plain.config, "CodeActAgent");
    assert.equal(fallback.llm_config_name, "llm");
    assert.equal(fallback.llm_config_reason, "default");
    assert.deepEqual(fallback.llm_config_source, { kind: "default" });
  });
});

describe("explainSection and listAgentLlmChoices", () => {
  test("names -c, -i and -b as the flags behind [core] values", async () => {
    const { config } = await load(
      { "config.toml": "[core]\nmax_iterations = 30\n" },
      { cli: { agentCls: "RepoExplorerAgent", maxIterations: "12", maxBudgetPerTask: "1.5" } },
    );
    const core = await explainSection(config, "core");
    assert.deepEqual(core.default_agent, {
      value: "RepoExplorerAgent",
      source: { kind: "cli", flag: "-c" },
      status: "set",
    });
    assert.deepEqual(core.max_iterations, { value: 12, source: { kind: "cli", flag: "-i" }, status: "set" });
    assert.deepEqual(core.max_budget_per_task, {
      value: 1.5,
      source: { kind: "cli", flag: "-b" },
      status: "set",
    });
  });

  test("lists every agent, the base [agent] and the default agent with their config, model and reason", async () => {
    const { config } = await load({ "config.toml": PROJECT });
    assert.deepEqual(listAgentLlmChoices(config), [
      {
        agent: "agent",
        has_section: true,
        llm_config_name: "llm",
        llm_config_reason: "default",
        model: "gpt-4",
      },
      {
        agent: "RepoExplorerAgent",
        has_section: true,
        llm_config_name: "gpt3",
        llm_config_reason: "agent",
        model: "gpt-3.5-turbo",
      },
      {
        agent: "CodeWriterAgent",
        has_section: true,
        llm_config_name: "llm",
        llm_config_reason: "default",
        model: "gpt-4",
      },
      {
        agent: "CodeActAgent",
        has_section: false,
        llm_config_name: "llm",
        llm_config_reason: "default",
        model: "gpt-4",
      },
    ]);
  });
});
