/**
 * `llmconf config explain (--llm NAME | --agent NAME | --section NAME) [--all] [--json]`: every value
 * and where it came from; with no selector, which LLM config each agent uses and why.
 */
import { describeRuntime } from "../../agents/shell/command-runtime.ts";
import { chooseRuntime } from "../../agents/shell/runtime-choice.ts";
import { parseLlmConfigName } from "../../config/cli-flags.ts";
import {
  type ExplainedField,
  type ExplainedSource,
  explainAgentConfig,
  explainLlmConfig,
  explainSection,
  type FieldExplanations,
  listAgentLlmChoices,
} from "../../config/explain.ts";
import type { Config } from "../../config/load.ts";
import { type PlainSectionName, plainSectionSchemas } from "../../config/schema.ts";
import { inferProvider } from "../../llm/providers/infer.ts";
import { defineCommand } from "../command.ts";
import { formatSource, formatWhere, LLM_CONFIG_REASONS } from "../explain-text.ts";
import { type CliIo, UsageError, useColor } from "../io.ts";
import { loadConfigOrReport } from "../load.ts";
import { configFlag, type ParsedArgs } from "../options.ts";
import {
  createPaint,
  escapeControl,
  formatFileList,
  formatJson,
  formatTable,
  type Paint,
} from "../output.ts";

const SECTIONS = Object.keys(plainSectionSchemas).join(", ");

const FLAGS = {
  llm: { type: "string", value: "NAME", help: 'an LLM config ("llm" is the default, or the -l choice)' },
  agent: {
    type: "string",
    value: "NAME",
    help: "an agent: its fields, which LLM config it uses and why, and that config",
  },
  section: { type: "string", value: "NAME", help: `a plain section: ${SECTIONS}` },
  all: { type: "boolean", help: "also list the fields left at their defaults" },
  json: configFlag(
    "json",
    '{ "<field>": { "value", "source": { "kind", "file"?, "line"?, "section"?, "env"?, "flag"? }, "status" } }',
  ),
} as const;

/** Runs `config explain`. */
export default defineCommand({
  usage: `llmconf config explain [--llm NAME | --agent NAME | --section NAME] [--all] [--json]
                              [--config-file PATH] [-l NAME] [-c AGENT] [-i N] [-b USD]`,
  description: `Shows every field of a resolved config, its value (secrets masked, \${VAR} references as written)
and where it came from: a built-in default, a derived default, a file (path:line and section),
an environment variable, or a CLI flag. Status: set, overridden (a named section over its base),
inherited (from [llm] / [agent]), default, derived.`,
  flags: FLAGS,
  notes:
    "Without --llm, --agent or --section: which LLM config, model and provider each agent uses, and why.",
  run: configExplain,
});

const STATUS_COLOURS: Readonly<Record<ExplainedField["status"], number>> = {
  set: 32,
  overridden: 33,
  inherited: 36,
  default: 2,
  derived: 35,
};

async function configExplain(parsed: ParsedArgs<typeof FLAGS>, io: CliIo): Promise<number> {
  const { llm, agent, section, all, json } = parsed.values;
  const selectors = [llm, agent, section].filter((value) => typeof value === "string");
  if (selectors.length > 1) throw new UsageError("give one of --llm, --agent, --section");
  if (typeof section === "string" && !Object.hasOwn(plainSectionSchemas, section)) {
    throw new UsageError(`--section takes one of ${SECTIONS}; for [llm] use --llm, for [agent] --agent`);
  }
  const config = await loadConfigOrReport(parsed, io);
  if (!config) return 1;
  const paint = createPaint(useColor(io.stdout, io.env));
  const options = { all: all === true, cwd: io.cwd, paint };

  if (typeof llm === "string") {
    const name = parseLlmConfigName(llm);
    const fields = await explainLlmConfig(config, name);
    const chosen =
      name === "llm" && config.defaultLlmName !== "llm"
        ? ` (= "${config.defaultLlmName}", chosen by -l)`
        : "";
    io.stdout.write(json ? toJson(fields) : formatFields(`LLM config "${name}"${chosen}`, fields, options));
  } else if (typeof agent === "string") {
    const explained = await explainAgentConfig(config, agent);
    if (json) {
      io.stdout.write(toJson(explained));
    } else {
      const why = `${LLM_CONFIG_REASONS[explained.llm_config_reason]}${formatWhere(explained.llm_config_source, options.cwd)}`;
      io.stdout.write(
        `${formatFields(`Agent "${agent}"${Object.hasOwn(config.agents, agent) ? "" : " (no section of its own: [agent])"}`, explained.agent, options)}\n` +
          `${escapeControl(`Uses LLM config "${explained.llm_config_name}" (${why})`)}\n\n` +
          formatFields(`LLM config "${explained.llm_config_name}"`, explained.llm, options),
      );
    }
  } else if (typeof section === "string") {
    const fields = await explainSection(config, section as PlainSectionName);
    io.stdout.write(json ? toJson(fields) : formatFields(`[${section}]`, fields, options));
  } else {
    const runtimeSource = (await explainSection(config, "core")).runtime?.source ?? { kind: "default" };
    io.stdout.write(formatAgentMap(config, json === true, { ...options, env: io.env, runtimeSource }));
  }
  return 0;
}

function toJson(data: unknown): string {
  return formatJson(data);
}

interface FormatOptions {
  all: boolean;
  cwd: string;
  paint: Paint;
}

function formatValue(value: unknown): string {
  const text = typeof value === "string" && value !== "" ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function formatFields(title: string, fields: FieldExplanations, options: FormatOptions): string {
  const entries = Object.entries(fields);
  const shown = options.all ? entries : entries.filter(([, field]) => field.source.kind !== "default");
  const folded = entries.length - shown.length;
  const rows = shown.map(([key, field]) => [
    key,
    field.source.unset
      ? `${formatValue(field.value)} (unset: ${field.source.unset.join(", ")})`
      : formatValue(field.value),
    formatSource(field.source, options.cwd),
    field.status,
  ]);
  const statuses = shown.map(([, field]) => field.status);
  const lines = [options.paint(1, escapeControl(title))];
  if (rows.length > 0) {
    lines.push(
      formatTable(["field", "value", "source", "status"], rows, {
        paint: options.paint,
        codeOf: (row, column) => (column === 3 ? STATUS_COLOURS[statuses[row] ?? "set"] : undefined),
      }),
    );
  }
  if (folded > 0) {
    const fieldsWord = `field${folded === 1 ? "" : "s"}`;
    const note =
      rows.length > 0
        ? `${folded} more ${fieldsWord} at their defaults (--all shows them)`
        : `all ${folded} ${fieldsWord} at their defaults (--all shows them)`;
    lines.push(options.paint(2, note));
  }
  return `${lines.join("\n")}\n`;
}

function formatAgentMap(
  config: Config,
  json: boolean,
  options: FormatOptions & { env: CliIo["env"]; runtimeSource: ExplainedSource },
): string {
  const choices = listAgentLlmChoices(config).map((choice) => {
    const llm = config.getLlmConfig(choice.llm_config_name);
    const provider = inferProvider(llm.model, llm.custom_llm_provider);
    return { ...choice, provider: provider.ok ? provider.provider : null };
  });
  if (json) {
    return toJson({
      runtime: { ...chooseRuntime(config), description: describeRuntime(config, options.env) },
      default_agent: config.core.default_agent,
      default_llm_config: config.defaultLlmName,
      agents: Object.fromEntries(
        choices.map(({ agent, ...rest }) => [
          agent,
          { ...rest, default_agent: agent === config.core.default_agent },
        ]),
      ),
    });
  }
  const rows = choices.map((choice) => [
    `${choice.agent}${choice.agent === config.core.default_agent ? " *" : ""}${choice.has_section ? "" : " (no section: [agent])"}`,
    choice.llm_config_name,
    choice.model,
    choice.provider ?? "?",
    choice.llm_config_reason === "cli"
      ? `-l ${choice.llm_config_name}`
      : LLM_CONFIG_REASONS[choice.llm_config_reason],
  ]);
  const files = formatFileList(config.files, options.cwd);
  return (
    `${options.paint(1, `Agents and their LLM configs (${files})`)}\n${formatTable(
      ["agent", "config", "model", "provider", "why"],
      rows,
      {
        paint: options.paint,
      },
    )}\n* default agent (core.default_agent); explain one with --agent NAME, a config with --llm NAME\n` +
    `${escapeControl(`Commands: ${describeRuntime(config, options.env)} (core.runtime${formatWhere(options.runtimeSource, options.cwd) || ", default"})`)}\n`
  );
}
