/** `llmconf config show [--json] [--llm NAME | --agent NAME]`: the resolved configuration, secrets masked. */

import { showSection, unsetVariablesOf } from "../../config/explain.ts";
import type { Config } from "../../config/load.ts";
import { maskSecrets } from "../../config/secrets.ts";
import { inferProvider } from "../../llm/providers/infer.ts";
import { defineCommand } from "../command.ts";
import { type CliIo, UsageError } from "../io.ts";
import { loadConfigOrReport } from "../load.ts";
import { configFlag, type ParsedArgs } from "../options.ts";
import { escapeControl, formatFileList, formatJson, formatTable } from "../output.ts";

const FLAGS = {
  "config-file": configFlag("config-file"),
  "llm-config": configFlag("llm-config"),
  json: configFlag("json", "print the whole resolved configuration as JSON"),
  llm: { type: "string", value: "NAME", help: "print one resolved LLM config as JSON" },
  agent: {
    type: "string",
    value: "NAME",
    help: "print one agent as JSON: its config, the LLM config it uses and why",
  },
} as const;

/** Runs `config show`. */
export default defineCommand({
  usage: "llmconf config show [--config-file PATH] [-l NAME] [--json] [--llm NAME | --agent NAME]",
  description:
    "Prints the resolved configuration (secrets masked). Without --json: a table of the LLM configs.",
  flags: FLAGS,
  run: configShow,
});

/**
 * The whole resolved configuration as JSON-ready data, keys in TOML spelling, secrets masked; a value
 * that needs an unset `${VAR}` is shown as written.
 */
export function configToJson(config: Config) {
  const { llms, sections } = config.provenance;
  return {
    ...maskSecrets({ core: config.core }),
    llms: Object.fromEntries(
      Object.entries(config.llms).map(([name, llm]) => [name, showSection(llm, llms[name])]),
    ),
    ...maskSecrets({
      agents: config.agents,
      condenser: config.condenser,
      sandbox: config.sandbox,
      security: config.security,
    }),
    mcp: showSection(config.mcp, sections.mcp),
    ...maskSecrets({
      kubernetes: config.kubernetes,
      model_routing: config.model_routing,
      extended: config.extended,
    }),
  };
}

/** One agent as `{ name, config, llm_config_name, llm_config_reason, llm }`, secrets masked. */
export function agentToJson(config: Config, name: string) {
  const { name: llmName, reason } = config.llmConfigNameForAgent(name);
  return maskSecrets({
    name,
    config: config.getAgentConfig(name),
    llm_config_name: llmName,
    llm_config_reason: reason,
    llm: showSection(config.getLlmConfig(llmName), config.provenance.llms[llmName]),
  });
}

/** Which agents use each LLM config (agent sections, plus the base `[agent]` as "agent"). */
export function agentsByLlm(config: Config): Map<string, string[]> {
  const users = new Map<string, string[]>();
  for (const agent of Object.keys(config.agents)) {
    const { name } = config.llmConfigNameForAgent(agent);
    users.set(name, [...(users.get(name) ?? []), agent]);
  }
  return users;
}

async function configShow(parsed: ParsedArgs<typeof FLAGS>, io: CliIo): Promise<number> {
  const { llm, agent, json } = parsed.values;
  if (typeof llm === "string" && typeof agent === "string")
    throw new UsageError("give --llm or --agent, not both");
  const config = await loadConfigOrReport(parsed, io);
  if (!config) return 1;
  if (typeof agent === "string" || typeof llm === "string" || json) {
    const data =
      typeof llm === "string"
        ? showSection(config.getLlmConfig(llm), config.provenance.llms[llm])
        : typeof agent === "string"
          ? agentToJson(config, agent)
          : configToJson(config);
    io.stdout.write(formatJson(data));
    return 0;
  }
  io.stdout.write(formatSummary(config, io.cwd));
  return 0;
}

function formatSummary(config: Config, cwd: string): string {
  const users = agentsByLlm(config);
  const rows = Object.entries(config.llms).map(([name, llm]) => {
    const provider = inferProvider(llm.model, llm.custom_llm_provider);
    return [
      name === "llm" && config.defaultLlmName !== "llm" ? `llm (= ${config.defaultLlmName})` : name,
      llm.model,
      provider.ok ? provider.provider : "?",
      String(llm.temperature),
      llm.max_output_tokens === null ? "-" : String(llm.max_output_tokens),
      (users.get(name) ?? []).join(", ") || "-",
    ];
  });
  const files = formatFileList(config.files, cwd);
  const unset = Object.keys(config.llms)
    .map((name) => [name, unsetVariablesOf(config, name)] as const)
    .filter(([, variables]) => variables.length > 0)
    .map(([name, variables]) => `  ${escapeControl(`${name}: ${variables.join(", ")}`)}`);
  const blocked =
    unset.length > 0
      ? `\nunusable until these variables are set (unset \${VAR}):\n${unset.join("\n")}\n`
      : "";
  return `Configuration from ${files}\n\n${formatTable(["config", "model", "provider", "temperature", "max tokens", "agents"], rows)}\n\ndefault agent: ${escapeControl(`${config.core.default_agent} → ${config.llmConfigNameForAgent(config.core.default_agent).name}`)}\n${blocked}`;
}
