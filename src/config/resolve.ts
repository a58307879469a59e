/**
 * Pure resolution: collected layers → validated sections, named configs resolved by inheritance
 * (`[llm.X]` = `[llm]` overlaid with its own keys), derived defaults, and the source of every value.
 */
import { isAbsolute, resolve as resolvePath } from "node:path";
import type { z } from "zod";
import type { CollectedConfig } from "./collect.ts";
import { findCondenserProblems } from "./condenser-rules.ts";
import { finalizeConfig } from "./finalize.ts";
import { createRecord, restoreProtoKeys, toRecord } from "./records.ts";
import {
  agentSchema,
  condenserSchemas,
  DEFAULT_AZURE_API_VERSION,
  fieldNames,
  isIntegerField,
  KEY_ALIASES,
  llmSchema,
  mcpServerSchemas,
  modelRoutingSchema,
  type PlainSectionName,
  plainSectionSchemas,
  type ResolvedAgentConfig,
  type ResolvedCondenserConfig,
  type ResolvedCoreConfig,
  type ResolvedGatewayConfig,
  type ResolvedKubernetesConfig,
  type ResolvedLlmConfig,
  type ResolvedMcpConfig,
  type ResolvedModelRoutingConfig,
  type ResolvedSandboxConfig,
  type ResolvedSecurityConfig,
} from "./schema.ts";
import { formatMaskedValue, isSecretPath, type ValuePath } from "./secrets.ts";
import {
  type Assigned,
  type Assignments,
  issueOrigin,
  type PendingIssue,
  type ValueSource,
} from "./sources.ts";
import { didYouMean } from "./suggest.ts";
import { describeProblem } from "./validation-messages.ts";

/** The origin of one resolved field: its source, and whether a named section took it from its base. */
export interface FieldProvenance {
  source: ValueSource;
  /** True when a named section did not set the field and took it from `[llm]` / `[agent]`. */
  inherited: boolean;
}

/** The provenance of every field of one resolved section. */
export type SectionProvenance = Readonly<Record<string, FieldProvenance>>;

/** Everything resolution produces, before it is wrapped into the public `Config`. */
export interface Resolution {
  core: ResolvedCoreConfig;
  security: ResolvedSecurityConfig;
  sandbox: ResolvedSandboxConfig;
  mcp: ResolvedMcpConfig;
  kubernetes: ResolvedKubernetesConfig;
  model_routing: ResolvedModelRoutingConfig;
  gateway: ResolvedGatewayConfig;
  extended: Record<string, unknown>;
  llms: Record<string, ResolvedLlmConfig>;
  agents: Record<string, ResolvedAgentConfig>;
  condenser: ResolvedCondenserConfig | null;
  condensers: Record<string, ResolvedCondenserConfig>;
  /** The LLM config agents without an `llm_config` use: `llm`, or the `-l` choice. */
  defaultLlmName: string;
  provenance: {
    llms: Record<string, SectionProvenance>;
    agents: Record<string, SectionProvenance>;
    sections: Record<PlainSectionName, SectionProvenance>;
  };
  issues: PendingIssue[];
}

/** CLI flags that override configuration (highest layer). */
export interface CliOverrides {
  /** `-l NAME`: the default LLM config for agents that do not name one (H4). */
  llmConfig?: string | undefined;
  /** `-c NAME`: `core.default_agent`. */
  agentCls?: string | undefined;
  /** `-i N`: `core.max_iterations`. */
  maxIterations?: number | string | undefined;
  /** `-b USD`: `core.max_budget_per_task`. */
  maxBudgetPerTask?: number | string | undefined;
}

/** OpenHands' default condenser (§6.3); its `llm_config` names the default LLM config. */
const DEFAULT_CONDENSER: ResolvedCondenserConfig = {
  type: "llm",
  llm_config: "llm",
  keep_first: 1,
  max_size: 100,
  max_event_length: 10000,
};

/** The config name in any spelling `-l` accepts (H4): `gpt3`, `llm.gpt3`, `[llm.gpt3]`. */
export function parseLlmConfigName(text: string): string {
  return text.replace(/^\[|\]$/g, "").replace(/^llm\./, "");
}

/** Resolves collected layers into validated, inherited configs with provenance; problems go to `issues`. */
export function resolveCollected(collected: CollectedConfig, cli: CliOverrides, cwd: string): Resolution {
  const issues: PendingIssue[] = [...collected.issues];

  const cliFlags: [PlainSectionName, string, string, unknown][] = [
    ["core", "default_agent", "-c", cli.agentCls],
    ["core", "max_iterations", "-i", cli.maxIterations],
    ["core", "max_budget_per_task", "-b", cli.maxBudgetPerTask],
  ];
  for (const [section, key, flag, value] of cliFlags) {
    if (value !== undefined) collected.plain[section].set(key, { value, source: { kind: "cli", flag } });
  }

  const sections = {} as Record<PlainSectionName, unknown>;
  const sectionProvenance = {} as Record<PlainSectionName, SectionProvenance>;
  for (const name of Object.keys(plainSectionSchemas) as PlainSectionName[]) {
    const schema = plainSectionSchemas[name];
    sections[name] = validate(schema, collected.plain[name], name, issues);
    sectionProvenance[name] = provenanceOf(schema, collected.plain[name], undefined);
  }

  // LLM configs: the base, then each named section overlaid on it.
  const llms = createRecord<ResolvedLlmConfig>();
  const llmProvenance = createRecord<SectionProvenance>();
  const resolveLlm = (name: string, own: Assignments, base: Assignments | undefined, section: string) => {
    const merged = new Map([...(base ?? []), ...own]);
    const config = validate(llmSchema, merged, section, issues, own) as ResolvedLlmConfig;
    checkRetryWaits(config, merged, own, section, issues);
    const provenance = provenanceOf(llmSchema, own, base);
    deriveLlmDefaults(config, provenance, cwd);
    llms[name] = config;
    llmProvenance[name] = provenance;
  };
  resolveLlm("llm", collected.llm, undefined, "llm");
  for (const [name, section] of collected.llms)
    resolveLlm(name, section.assignments, collected.llm, `llm.${name}`);
  const llmNames = Object.keys(llms);

  checkFallbacks(collected, llms, issues);
  checkGatewayKeys(collected, llmNames, issues);

  // Agents: the base, then each named section overlaid on it; their llm_config must name a config.
  const agents = createRecord<ResolvedAgentConfig>();
  const agentProvenance = createRecord<SectionProvenance>();
  const resolveAgent = (name: string, own: Assignments, base: Assignments | undefined, section: string) => {
    const merged = new Map([...(base ?? []), ...own]);
    agents[name] = validate(agentSchema, merged, section, issues, own) as ResolvedAgentConfig;
    agentProvenance[name] = provenanceOf(agentSchema, own, base);
    for (const [key, assigned] of own) {
      if (key === "llm_config" && typeof assigned.value === "string") {
        checkLlmName(assigned.value, llmNames, issueOrigin(assigned.source), section, "llm_config", issues);
      }
      if (key === "condenser") {
        checkCondenserLlm(assigned.value, assigned.source, section, llmNames, issues);
        const condenser = (agents[name] as ResolvedAgentConfig).condenser;
        const written = (assigned.value as { condensers?: unknown } | null)?.condensers;
        if (condenser.type === "pipeline" && written !== undefined) {
          const entries = { value: written, source: withPath(assigned.source, ["condensers"]) };
          condenser.condensers = resolvePipeline(entries, `${section}.condenser`, llmNames, issues);
        }
        for (const problem of findCondenserProblems(condenser)) {
          const origin = issueOrigin(withPath(assigned.source, [problem.key]));
          const message = `${problem.message} in "condenser" of [${section}]`;
          issues.push({
            severity: "error",
            code: "invalid_value",
            message,
            ...origin,
            section,
            key,
            suggestion: null,
          });
        }
      }
    }
  };
  resolveAgent("agent", collected.agent, undefined, "agent");
  for (const [name, section] of collected.agents) {
    resolveAgent(name, section.assignments, collected.agent, `agent.${name}`);
  }

  // [condenser] and named [condenser.X]; the default condenser belongs to the default agent (as in OpenHands).
  const condenser = collected.condenser
    ? resolveCondenser(collected.condenser, "condenser", llmNames, issues)
    : null;
  const condensers = createRecord<ResolvedCondenserConfig>();
  for (const [name, section] of collected.condensers) {
    const resolved = resolveCondenser(section.assignments, `condenser.${name}`, llmNames, issues, section);
    if (resolved) condensers[name] = resolved;
  }
  const defaultAgent = agents.agent as ResolvedAgentConfig;
  if (condenser) {
    defaultAgent.condenser = condenser;
    const source = collected.condenser?.get("type")?.source ?? { kind: "default" as const };
    agentProvenance.agent = { ...agentProvenance.agent, condenser: { source, inherited: false } };
  } else if (
    !collected.condenser &&
    collected.files > 0 &&
    (sections.core as ResolvedCoreConfig).enable_default_condenser &&
    !collected.agent.has("condenser")
  ) {
    // OpenHands §6.3: a file without [condenser] gives the default agent (only) the LLM summarizer.
    defaultAgent.condenser = { ...DEFAULT_CONDENSER };
    const rule = "no [condenser] section and core.enable_default_condenser is true";
    agentProvenance.agent = {
      ...agentProvenance.agent,
      condenser: { source: { kind: "derived", rule }, inherited: false },
    };
  }

  // [model_routing] applies to the default agent, listing every config marked for_routing.
  const modelRouting = sections.model_routing as ResolvedModelRoutingConfig;
  if (collected.present.has("model_routing")) {
    modelRouting.llms_for_routing = toRecord(
      Object.entries(llms)
        .filter(([, config]) => config.for_routing)
        .map(([name, config]) => [name, config.model]),
    );
    defaultAgent.model_routing = modelRouting;
  }

  finalizeConfig(
    {
      core: sections.core as ResolvedCoreConfig,
      sandbox: sections.sandbox as ResolvedSandboxConfig,
      agents,
      coreProvenance: sectionProvenance.core as Record<string, FieldProvenance>,
      agentProvenance,
    },
    cwd,
  );

  // -l NAME (H4): that config becomes the default LLM for agents that do not name one.
  let defaultLlmName = "llm";
  if (cli.llmConfig !== undefined) {
    const name = parseLlmConfigName(cli.llmConfig);
    if (checkLlmName(name, llmNames, { file: "<cli -l>", path: [] }, null, null, issues)) {
      defaultLlmName = name;
      llms.llm = llms[name] as ResolvedLlmConfig;
      llmProvenance.llm = llmProvenance[name] as SectionProvenance;
    }
  }

  const extended = toRecord([...collected.extended].map(([key, assigned]) => [key, assigned.value] as const));
  return {
    core: sections.core as ResolvedCoreConfig,
    security: sections.security as ResolvedSecurityConfig,
    sandbox: sections.sandbox as ResolvedSandboxConfig,
    mcp: sections.mcp as ResolvedMcpConfig,
    kubernetes: sections.kubernetes as ResolvedKubernetesConfig,
    model_routing: modelRouting,
    gateway: sections.gateway as ResolvedGatewayConfig,
    extended,
    llms,
    agents,
    condenser,
    condensers,
    defaultLlmName,
    provenance: { llms: llmProvenance, agents: agentProvenance, sections: sectionProvenance },
    issues,
  };
}

/**
 * Validates merged assignments against a schema. Issues are reported only for keys in `reportOnly`
 * (a named section's own keys: problems of inherited keys are reported once, at the base).
 * On failure the defaults stand in, so that resolution goes on and every problem is found in one pass.
 */
function validate(
  schema: z.ZodObject,
  assignments: Assignments,
  section: string,
  issues: PendingIssue[],
  reportOnly?: Assignments,
): Record<string, unknown> {
  const values = Object.fromEntries([...assignments].map(([key, assigned]) => [key, assigned.value]));
  const result = schema.safeParse(values);
  if (result.success) {
    restoreProtoKeys(values, result.data);
    for (const [key, assigned] of reportOnly ?? assignments) {
      const output = (result.data as Record<string, unknown>)[key];
      if (assigned.source.kind === "file" && isCoerced(assigned.value, output)) {
        issues.push({
          severity: "warning",
          code: "coerced_value",
          message: `"${key}" in [${section}] is ${typeName(assigned.value)}, converted to ${typeName(output, schema.shape[key])}${isSecretPath([sectionRoot(section), key]) ? "" : ` ${formatMaskedValue(output, [sectionRoot(section), key])}`}; write it as ${typeName(output, schema.shape[key])}`,
          ...issueOrigin(assigned.source),
          section,
          key,
          suggestion: null,
        });
      }
    }
    return result.data as Record<string, unknown>;
  }
  const failed = new Set<string>();
  for (const problem of result.error.issues) {
    const key = String(problem.path[0] ?? "");
    if (problem.code === "unrecognized_keys" && problem.path.length > 0) {
      const assigned = assignments.get(key);
      if (!assigned || (reportOnly && !reportOnly.has(key))) continue;
      failed.add(key);
      const origin = issueOrigin(assigned.source);
      const inner = problem.path.slice(1).map((part) => (typeof part === "symbol" ? String(part) : part));
      const known = nestedFieldNames(key, valueAt(assigned.value, inner));
      const from = assigned.source.kind === "env" ? ` from environment variable ${assigned.source.env}` : "";
      for (const unknown of problem.keys) {
        const alias = KEY_ALIASES[unknown];
        const suggestion = didYouMean(unknown, known) ?? (alias && known.includes(alias) ? alias : null);
        issues.push({
          severity: "error",
          code: "unknown_key",
          message: `unknown key "${unknown}" in "${formatKeyPath(key, inner)}" of [${section}]${from}${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
          file: origin.file,
          path: [...origin.path, ...inner, unknown],
          section,
          key,
          suggestion,
        });
      }
      continue;
    }
    const assigned = assignments.get(key);
    if (!assigned || (reportOnly && !reportOnly.has(key))) continue;
    failed.add(key);
    // A value kept as written because a variable is unset was already reported (H8).
    if (assigned.source.kind === "file" && assigned.source.unset) continue;
    const origin = issueOrigin(assigned.source);
    const inner = problem.path.slice(1).map((part) => (typeof part === "symbol" ? String(part) : part));
    const name = formatKeyPath(key, inner);
    const shown = describeGot(valueAt(assigned.value, inner), [sectionRoot(section), key, ...inner]);
    const from = assigned.source.kind === "env" ? ` from environment variable ${assigned.source.env}` : "";
    issues.push({
      severity: "error",
      code: "invalid_value",
      message: `invalid value for "${name}" in [${section}]${from}: ${describeProblem(problem)}${shown}`,
      file: origin.file,
      path: [...origin.path, ...inner],
      section,
      key,
      suggestion: null,
    });
  }
  const valid = new Map([...assignments].filter(([key]) => !failed.has(key)));
  const retry = schema.safeParse(
    Object.fromEntries([...valid].map(([key, assigned]) => [key, assigned.value])),
  );
  // Errors were reported, so the load fails: the stand-in only has to let resolution go on, and a
  // schema with required keys (a condenser's llm_config) has no all-defaults value to parse.
  return (retry.success ? retry.data : (schema.safeParse({}).data ?? {})) as Record<string, unknown>;
}

function provenanceOf(
  schema: z.ZodObject,
  own: Assignments,
  base: Assignments | undefined,
): Record<string, FieldProvenance> {
  const provenance: Record<string, FieldProvenance> = {};
  for (const key of fieldNames(schema)) {
    const mine = own.get(key);
    const inherited = base?.get(key);
    provenance[key] = mine
      ? { source: mine.source, inherited: false }
      : inherited
        ? { source: inherited.source, inherited: true }
        : { source: { kind: "default" }, inherited: base !== undefined };
  }
  return provenance;
}

/** H5: defaults computed per config after inheritance, from that config's own resolved values. */
function deriveLlmDefaults(
  config: ResolvedLlmConfig,
  provenance: Record<string, FieldProvenance>,
  cwd: string,
) {
  if (config.api_version === null && config.model.startsWith("azure")) {
    config.api_version = DEFAULT_AZURE_API_VERSION;
    provenance.api_version = {
      source: { kind: "derived", rule: `model "${config.model}" starts with "azure"` },
      inherited: false,
    };
  }
  if (!isAbsolute(config.log_completions_folder)) {
    config.log_completions_folder = resolvePath(cwd, config.log_completions_folder);
  }
}

/**
 * The shortest wait between attempts cannot be longer than the longest. Reported where a section
 * sets one of the two itself, so a base mistake is reported once, at the base.
 */
function checkRetryWaits(
  config: ResolvedLlmConfig,
  merged: Assignments,
  own: Assignments,
  section: string,
  issues: PendingIssue[],
) {
  if (config.retry_min_wait <= config.retry_max_wait) return;
  const key = own.has("retry_min_wait")
    ? "retry_min_wait"
    : own.has("retry_max_wait")
      ? "retry_max_wait"
      : null;
  const assigned = key === null ? undefined : merged.get(key);
  if (key === null || assigned === undefined) return;
  issues.push({
    severity: "error",
    code: "invalid_value",
    message: `retry_min_wait (${config.retry_min_wait} s) is longer than retry_max_wait (${config.retry_max_wait} s) in [${section}]; the shortest wait between attempts cannot exceed the longest`,
    ...issueOrigin(assigned.source),
    section,
    key,
    suggestion: null,
  });
}

function checkLlmName(
  name: string,
  known: readonly string[],
  origin: { file: string; path: readonly (string | number)[] },
  section: string | null,
  key: string | null,
  issues: PendingIssue[],
): boolean {
  if (known.includes(name)) return true;
  const suggestion = didYouMean(name, known) ?? null;
  const where = section ? ` in [${section}]` : "";
  issues.push({
    severity: "error",
    code: "unknown_llm_config",
    message: `unknown LLM config "${name}"${where}${suggestion ? `; did you mean "${suggestion}"?` : ""} (defined: ${known.join(", ")})`,
    ...origin,
    section,
    key,
    suggestion,
  });
  return false;
}

/** Every config a `[gateway]` key names must exist (`*` stands for all of them). */
function checkGatewayKeys(collected: CollectedConfig, llmNames: readonly string[], issues: PendingIssue[]) {
  const assigned = collected.plain.gateway.get("keys");
  if (assigned === undefined || !Array.isArray(assigned.value)) return;
  const origin = issueOrigin(assigned.source);
  assigned.value.forEach((entry: unknown, index) => {
    const configs = (entry as { configs?: unknown } | null)?.configs;
    if (!Array.isArray(configs)) return;
    configs.forEach((name: unknown, position) => {
      if (typeof name !== "string" || name === "*") return;
      const path = [...origin.path, index, "configs", position];
      checkLlmName(name, llmNames, { file: origin.file, path }, "gateway", "keys", issues);
    });
  });
}

/** Every `fallbacks` name must exist; explicit self-references and cycles are errors. */
function checkFallbacks(
  collected: CollectedConfig,
  llms: Record<string, ResolvedLlmConfig>,
  issues: PendingIssue[],
) {
  const names = Object.keys(llms);
  const assignmentsOf = (name: string) =>
    name === "llm" ? collected.llm : collected.llms.get(name)?.assignments;
  const sourceOf = (name: string) =>
    assignmentsOf(name)?.get("fallbacks")?.source ??
    collected.llm.get("fallbacks")?.source ?? { kind: "default" as const };
  for (const [name, config] of Object.entries(llms)) {
    const ownSource = assignmentsOf(name)?.get("fallbacks");
    const section = name === "llm" ? "llm" : `llm.${name}`;
    // A config that merely inherits a list naming itself does not fall back to itself.
    config.fallbacks = config.fallbacks.filter((fallback) => fallback !== name || ownSource !== undefined);
    for (const fallback of config.fallbacks) {
      if (!ownSource) continue;
      checkLlmName(fallback, names, issueOrigin(ownSource.source), section, "fallbacks", issues);
    }
  }
  // Depth-first search for cycles through the fallback graph.
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, chain: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      const cycle = [...chain.slice(chain.indexOf(name)), name];
      const start = cycle[0] as string;
      issues.push({
        severity: "error",
        code: "fallback_cycle",
        message: `fallbacks form a cycle: ${cycle.join(" → ")}; a config cannot fall back to itself`,
        ...issueOrigin(sourceOf(start)),
        section: start === "llm" ? "llm" : `llm.${start}`,
        key: "fallbacks",
        suggestion: null,
      });
      return;
    }
    state.set(name, "visiting");
    for (const next of llms[name]?.fallbacks ?? []) if (llms[next]) visit(next, [...chain, name]);
    state.set(name, "done");
  };
  for (const name of names) visit(name, []);
}

function resolveCondenser(
  assignments: Assignments,
  section: string,
  llmNames: readonly string[],
  issues: PendingIssue[],
  declared?: { file: string; path: readonly (string | number)[] },
): ResolvedCondenserConfig | null {
  const typeAssigned = assignments.get("type");
  if (typeAssigned && typeof typeAssigned.value !== "string") {
    // Falling back to "noop" here would validate `type` against "noop" and crash on its defaults.
    issues.push({
      severity: "error",
      code: "invalid_value",
      message: `invalid value for "type" in [${section}]: expected a condenser type name${describeGot(typeAssigned.value, [sectionRoot(section), "type"])}`,
      ...issueOrigin(typeAssigned.source),
      section,
      key: "type",
      suggestion: null,
    });
    return null;
  }
  const type = typeof typeAssigned?.value === "string" ? typeAssigned.value : "noop";
  const schema = condenserSchemas[type];
  if (!schema) {
    const suggestion = didYouMean(type, Object.keys(condenserSchemas)) ?? null;
    issues.push({
      severity: "error",
      code: "unknown_condenser_type",
      message: `unknown condenser type "${type}" in [${section}]${suggestion ? `; did you mean "${suggestion}"?` : ""} (types: ${Object.keys(condenserSchemas).join(", ")})`,
      ...(typeAssigned
        ? issueOrigin(typeAssigned.source)
        : { file: declared?.file ?? "<defaults>", path: declared?.path ?? [] }),
      section,
      key: "type",
      suggestion,
    });
    return null;
  }
  const known = fieldNames(schema);
  const loose = type === "browser_output_masking";
  const accepted: Assignments = new Map();
  for (const [key, assigned] of assignments) {
    if (known.includes(key) || loose) {
      accepted.set(key, assigned);
      continue;
    }
    const suggestion = didYouMean(key, known) ?? null;
    issues.push({
      severity: "error",
      code: "unknown_key",
      message: `unknown key "${key}" in [${section}] (type "${type}")${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
      ...issueOrigin(assigned.source),
      section,
      key,
      suggestion,
    });
  }
  if (!accepted.has("type")) accepted.set("type", { value: type, source: { kind: "default" } });
  // A required key (llm_config of the llm types) that is missing has no assignment to locate the
  // problem at: point at the section (via `type`, or its header) instead.
  const missing = known.filter((key) => !accepted.has(key) && isRequired(schema.shape[key]));
  for (const key of missing) {
    const anchor = typeAssigned ? issueOrigin(typeAssigned.source) : undefined;
    issues.push({
      severity: "error",
      code: "invalid_value",
      message: `missing "${key}" in [${section}]: a condenser of type "${type}" needs it`,
      file: anchor?.file ?? declared?.file ?? "<defaults>",
      path: anchor?.path ?? declared?.path ?? [],
      section,
      key,
      suggestion: null,
    });
  }
  if (missing.length > 0) return null;
  const llmConfig = accepted.get("llm_config");
  if (llmConfig)
    checkCondenserLlm({ llm_config: llmConfig.value }, llmConfig.source, section, llmNames, issues);
  // A pipeline's entries are resolved one by one below, each located, instead of by the schema.
  const entries = type === "pipeline" ? accepted.get("condensers") : undefined;
  if (entries) accepted.delete("condensers");
  const resolved = validate(schema, accepted, section, issues) as ResolvedCondenserConfig;
  if (resolved.type === "pipeline" && entries)
    resolved.condensers = resolvePipeline(entries, section, llmNames, issues);
  for (const problem of findCondenserProblems(resolved)) {
    const at = accepted.get(problem.key) ?? typeAssigned;
    const origin = at
      ? issueOrigin(at.source)
      : { file: declared?.file ?? "<defaults>", path: declared?.path ?? [] };
    issues.push({
      severity: "error",
      code: "invalid_value",
      message: `${problem.message} in [${section}]`,
      ...origin,
      section,
      key: problem.key,
      suggestion: null,
    });
  }
  return resolved;
}

/**
 * Each entry of a pipeline's `condensers` is a condenser of its own: validated, defaulted and located
 * like a top-level `[condenser]` (its type, its keys, the config its `llm_config` names).
 */
function resolvePipeline(
  entries: Assigned,
  section: string,
  llmNames: readonly string[],
  issues: PendingIssue[],
): PipelineEntry[] {
  const problem = (message: string, source: ValueSource) =>
    issues.push({
      severity: "error",
      code: "invalid_value",
      message,
      ...issueOrigin(source),
      section,
      key: "condensers",
      suggestion: null,
    });
  if (!Array.isArray(entries.value)) {
    problem(
      `invalid value for "condensers" in [${section}]: expected an array of condenser tables`,
      entries.source,
    );
    return [];
  }
  return entries.value.map((entry: unknown, index) => {
    const source = withPath(entries.source, [index]);
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      problem(`invalid value for "condensers[${index}]" in [${section}]: expected a condenser table`, source);
      return { type: "noop" };
    }
    if (!("type" in entry)) {
      problem(`missing "type" in "condensers[${index}]" of [${section}]: name each condenser's type`, source);
      return { type: "noop" };
    }
    const assignments: Assignments = new Map(
      Object.entries(entry).map(([key, value]) => [key, { value, source: withPath(source, [key]) }]),
    );
    const resolved = resolveCondenser(
      assignments,
      `${section}.condensers[${index}]`,
      llmNames,
      issues,
      issueOrigin(source),
    );
    return (resolved ?? { type: "noop" }) as PipelineEntry;
  });
}

/** One condenser of a pipeline. */
type PipelineEntry = Extract<ResolvedCondenserConfig, { type: "pipeline" }>["condensers"][number];

/** A file source pointing deeper into its value (an entry of an array, a key of a table). */
function withPath(source: ValueSource, inner: readonly (string | number)[]): ValueSource {
  return source.kind === "file" ? { ...source, path: [...source.path, ...inner] } : source;
}

/** A condenser's `llm_config` names an LLM config that must exist, or is an inline LLM table. */
function checkCondenserLlm(
  condenser: unknown,
  source: ValueSource,
  section: string,
  llmNames: readonly string[],
  issues: PendingIssue[],
) {
  if (typeof condenser !== "object" || condenser === null) return;
  const llmConfig = (condenser as Record<string, unknown>).llm_config;
  const origin = issueOrigin(source);
  const path =
    source.kind === "file" && source.path.at(-1) !== "llm_config"
      ? [...origin.path, "llm_config"]
      : origin.path;
  if (typeof llmConfig === "string") {
    checkLlmName(llmConfig, llmNames, { file: origin.file, path }, section, "llm_config", issues);
  } else if (typeof llmConfig === "object" && llmConfig !== null) {
    const known = fieldNames(llmSchema);
    for (const key of Object.keys(llmConfig)) {
      if (known.includes(key)) continue;
      const suggestion = didYouMean(key, known) ?? null;
      issues.push({
        severity: "error",
        code: "unknown_key",
        message: `unknown key "${key}" in the inline llm_config of [${section}]${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
        file: origin.file,
        path: [...path, key],
        section,
        key,
        suggestion,
      });
    }
    const typed = llmSchema.safeParse(llmConfig);
    for (const problem of typed.success ? [] : typed.error.issues) {
      const key = String(problem.path[0] ?? "");
      issues.push({
        severity: "error",
        code: "invalid_value",
        message: `invalid value for "${key}" in the inline llm_config of [${section}]: ${describeProblem(problem)}`,
        file: origin.file,
        path: [...path, ...problem.path.map((part) => (typeof part === "symbol" ? String(part) : part))],
        section,
        key,
        suggestion: null,
      });
    }
  }
}

/** A key and the path inside its value as a reader writes it: `sse_servers[0].api_key`. */
function formatKeyPath(key: string, inner: readonly (string | number)[]): string {
  return inner.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : `${text}.${part}`),
    key,
  );
}

/** The keys a table-valued field accepts: did-you-mean candidates for an unknown key inside it. */
function nestedFieldNames(key: string, value: unknown): string[] {
  if (key === "model_routing") return fieldNames(modelRoutingSchema);
  const server = mcpServerSchemas[key];
  if (server) return fieldNames(server);
  const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
  const schema = key === "condenser" && typeof type === "string" ? condenserSchemas[type] : undefined;
  return schema ? fieldNames(schema) : [];
}

function isRequired(field: unknown): boolean {
  return (field as { _zod: { optin?: string } } | undefined)?._zod.optin === undefined;
}

function isCoerced(input: unknown, output: unknown): boolean {
  if (input === undefined || input === null || output === null) return false;
  if (typeof input !== typeof output) return true;
  return false;
}

/** The type of a value in TOML words; a number as its field declares it (a float field's 1 is a float). */
function typeName(value: unknown, field?: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") {
    const integer = field === undefined ? Number.isInteger(value) : isIntegerField(field as z.ZodType);
    return integer ? "an integer" : "a float";
  }
  if (typeof value === "object" && value !== null) return "a table";
  return `a ${typeof value}`;
}

/** The value at a path inside a table or array, or at its deepest prefix that exists (e.g. a shorthand string). */
function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== "object" || current === null) return current;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/**
 * ` (got …)` for a diagnostic, masked by the one rule of `secrets.ts`; nothing at all when the value
 * is itself inside a secret (its type must not hint at its content either).
 */
function describeGot(value: unknown, path: ValuePath): string {
  if (value === undefined) return "";
  for (let end = 1; end <= path.length; end++) if (isSecretPath(path.slice(0, end))) return "";
  return ` (got ${formatMaskedValue(value, path)})`;
}

/** The section a diagnostic's value path starts at: `llm` for `[llm.fast]`, `mcp` for `[mcp]`. */
function sectionRoot(section: string): string {
  return section.split(".")[0] as string;
}
