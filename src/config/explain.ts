/**
 * Why each value is what it is: a resolved config and its provenance → per-field value, source and
 * status, as `llmconf config explain` prints it. Secrets stay masked; `${VAR}` references are shown
 * as written, never expanded.
 */

import { maskReferenceDefaults } from "./interpolate.ts";
import type { Config, LlmConfigReason } from "./load.ts";
import type { FieldProvenance, SectionProvenance } from "./provenance.ts";
import type { PlainSectionName } from "./schema.ts";
import { isSecretPath, isSetSecret, MASK, maskSecrets, type ValuePath } from "./secrets.ts";
import type { ValueSource } from "./sources.ts";

/** Where a value came from, in the JSON spelling of `config explain --json`. */
export interface ExplainedSource {
  kind: ValueSource["kind"];
  /** The file of a file layer. */
  file?: string;
  /** The 1-based line of the key in `file`. */
  line?: number;
  /** The section that set it, in TOML spelling (`llm` when a named config inherited it). */
  section?: string;
  /** The environment variable that set it. */
  env?: string;
  /** The CLI flag that set it. */
  flag?: string;
  /** The rule of a derived default (H5). */
  rule?: string;
  /** The `${VAR}` text as written, when the value references the environment (a secret's defaults masked). */
  reference?: string;
  /** The variables of `reference` that are unset: the config cannot be used until they are set (H8). */
  unset?: string[];
}

/**
 * How a field got its value relative to its section: `set` in a section with no base, `overridden`
 * in a named section over its base, `inherited` from `[llm]` / `[agent]`, a built-in `default`, or
 * `derived` from other fields.
 */
export type FieldStatus = "set" | "overridden" | "inherited" | "default" | "derived";

/** One field: its value as safe to print, where it came from, and how. */
export interface ExplainedField {
  value: unknown;
  source: ExplainedSource;
  status: FieldStatus;
}

/** Every field of one resolved section, by its TOML key. */
export type FieldExplanations = Record<string, ExplainedField>;

/** An agent: its fields, which LLM config it uses and why, and that config's fields. */
export interface AgentExplanation {
  agent: FieldExplanations;
  llm_config_name: string;
  llm_config_reason: LlmConfigReason;
  /** Where the choice of LLM config came from (an `llm_config` key, `-l`, or the default). */
  llm_config_source: ExplainedSource;
  llm: FieldExplanations;
}

/** One row of the agent → LLM config map. */
export interface AgentLlmChoice {
  agent: string;
  /** Whether the agent has a section of its own (otherwise it resolves to `[agent]`). */
  has_section: boolean;
  llm_config_name: string;
  llm_config_reason: LlmConfigReason;
  model: string;
}

/** The value as it may be printed: a reference as written, secrets masked (also nested ones and defaults). */
function displayValue(path: ValuePath, value: unknown, source: ValueSource): unknown {
  const reference = source.kind === "file" ? source.reference : undefined;
  if (isSecretPath(path)) {
    if (!isSetSecret(value) && reference === undefined) return value ?? null;
    // A bare `${VAR}` names the secret without revealing it; a default or literal text might (H8).
    return reference !== undefined ? maskReferenceDefaults(reference, MASK) : MASK;
  }
  if (reference !== undefined) return typeof value === "string" ? reference : maskWritten(reference, path);
  return maskSecrets(value, path);
}

/**
 * An array or table as written (the loader keeps it as JSON text when a reference is inside), secrets
 * masked except that a secret written as a reference shows as written, its defaults masked.
 */
function maskWritten(reference: string, path: ValuePath): unknown {
  try {
    const written: unknown = JSON.parse(reference);
    return keepReferences(written, maskSecrets(written, path));
  } catch {
    return reference;
  }
}

/** A reference as written, defaults masked; a header's scheme word (`Bearer ${TOKEN}`) reveals nothing either. */
function showReference(written: string): string {
  const scheme = /^\s*(bearer|basic|token)\s+/i.exec(written)?.[0] ?? "";
  const shown = maskReferenceDefaults(written.slice(scheme.length), MASK);
  return shown === MASK ? MASK : `${scheme}${shown}`;
}

/** `masked` where a masked string of `written` was a reference: the reference, defaults masked. */
function keepReferences(written: unknown, masked: unknown): unknown {
  if (typeof written === "string")
    return written !== masked && written.includes("${") ? showReference(written) : masked;
  if (typeof written !== "object" || written === null || typeof masked !== "object" || masked === null)
    return masked;
  if (Array.isArray(written) && Array.isArray(masked))
    return masked.map((item, index) => keepReferences(written[index], item));
  const result: Record<string, unknown> = { ...masked };
  for (const key of Object.keys(result))
    result[key] = keepReferences((written as Record<string, unknown>)[key], result[key]);
  return result;
}

/**
 * A section's values as `config show` prints them: secrets masked, and each value that needs an
 * unset `${VAR}` shown as written (H8), never as an empty or default value.
 */
export function showSection(
  values: Readonly<Record<string, unknown>>,
  provenance: SectionProvenance | undefined,
  section = "",
): Record<string, unknown> {
  const root = section === "" ? [] : [section];
  const shown = maskSecrets({ ...values }, root);
  for (const [key, origin] of Object.entries(provenance ?? {})) {
    if (origin.source.kind === "file" && origin.source.unset)
      shown[key] = displayValue([...root, key], values[key], origin.source);
  }
  return shown;
}

/** The unset variables an LLM config needs (its own fields and those it inherits), sorted. */
export function unsetVariablesOf(config: Config, name: string): string[] {
  const names = new Set<string>();
  for (const { source } of Object.values(config.provenance.llms[name] ?? {}))
    if (source.kind === "file") for (const variable of source.unset ?? []) names.add(variable);
  return [...names].sort();
}

/** The reference text explain may print for a field: a secret's defaults and nested secrets masked. */
function displayReference(path: ValuePath, reference: string): string {
  if (isSecretPath(path)) return maskReferenceDefaults(reference, MASK);
  const written = maskWritten(reference, path);
  return typeof written === "string" ? written : JSON.stringify(written);
}

async function explainSource(
  config: Config,
  source: ValueSource,
  path: ValuePath = [],
): Promise<ExplainedSource> {
  switch (source.kind) {
    case "default":
      return { kind: "default" };
    case "derived":
      return { kind: "derived", rule: source.rule };
    case "env":
      return { kind: "env", env: source.env };
    case "cli":
      return { kind: "cli", flag: source.flag };
    case "file": {
      const position = await config.locate(source);
      return {
        kind: "file",
        file: source.file,
        ...(position ? { line: position.line } : {}),
        section: source.section,
        ...(source.reference !== undefined ? { reference: displayReference(path, source.reference) } : {}),
        ...(source.unset ? { unset: [...source.unset] } : {}),
      };
    }
  }
}

function statusOf(provenance: FieldProvenance, named: boolean): FieldStatus {
  if (provenance.source.kind === "default") return "default";
  if (provenance.source.kind === "derived") return "derived";
  if (provenance.inherited) return "inherited";
  return named ? "overridden" : "set";
}

async function explainFields(
  config: Config,
  section: string,
  values: Readonly<Record<string, unknown>>,
  provenance: SectionProvenance | undefined,
  named: boolean,
): Promise<FieldExplanations> {
  const explained: FieldExplanations = {};
  for (const [key, value] of Object.entries(values)) {
    const origin = provenance?.[key] ?? { source: { kind: "default" as const }, inherited: false };
    explained[key] = {
      value: displayValue([section, key], value, origin.source),
      source: await explainSource(config, origin.source, [section, key]),
      status: statusOf(origin, named),
    };
  }
  return explained;
}

/**
 * Explains every field of an LLM config (`llm` is the default, or the `-l` choice).
 * @example
 * const fields = await explainLlmConfig(await loadConfig(), "gpt3");
 * fields.model; // { value: "gpt-3.5-turbo", source: { kind: "file", file, line: 12, section: "llm.gpt3" }, status: "overridden" }
 */
export async function explainLlmConfig(config: Config, name: string): Promise<FieldExplanations> {
  const llm = config.getLlmConfig(name);
  const named = (name === "llm" ? config.defaultLlmName : name) !== "llm";
  return explainFields(config, "llm", llm, config.provenance.llms[name], named);
}

/** Explains an agent: its own fields (from `[agent]` when it has no section), its LLM config and why. */
export async function explainAgentConfig(config: Config, name: string): Promise<AgentExplanation> {
  const section = Object.hasOwn(config.agents, name) ? name : "agent";
  const { name: llmName, reason } = config.llmConfigNameForAgent(name);
  const choiceSource: ValueSource =
    reason === "cli"
      ? { kind: "cli", flag: "-l" }
      : reason === "default"
        ? { kind: "default" }
        : (config.provenance.agents[reason === "agent" ? section : "agent"]?.llm_config?.source ?? {
            kind: "default",
          });
  return {
    agent: await explainFields(
      config,
      "agent",
      config.getAgentConfig(name),
      config.provenance.agents[section],
      section !== "agent",
    ),
    llm_config_name: llmName,
    llm_config_reason: reason,
    llm_config_source: await explainSource(config, choiceSource),
    llm: await explainLlmConfig(config, llmName),
  };
}

/** Explains every field of a plain section (`core`, `sandbox`, …), e.g. to see `-c`, `-i` and `-b`. */
export async function explainSection(config: Config, section: PlainSectionName): Promise<FieldExplanations> {
  return explainFields(
    config,
    section,
    config[section] as unknown as Record<string, unknown>,
    config.provenance.sections[section],
    false,
  );
}

/**
 * Which LLM config every agent uses, and why: each agent section, the base `[agent]`, and the default
 * agent (`core.default_agent`) even when it has no section of its own.
 */
export function listAgentLlmChoices(config: Config): AgentLlmChoice[] {
  const names = Object.keys(config.agents);
  if (!names.includes(config.core.default_agent)) names.push(config.core.default_agent);
  return names.map((agent) => {
    const { name, reason } = config.llmConfigNameForAgent(agent);
    return {
      agent,
      has_section: Object.hasOwn(config.agents, agent),
      llm_config_name: name,
      llm_config_reason: reason,
      model: config.getLlmConfig(name).model,
    };
  });
}
