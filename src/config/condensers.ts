/**
 * Condenser configs: `[condenser]`, named `[condenser.X]`, an agent's `condenser` and a pipeline's
 * entries, each validated against the schema of its type and located; and OpenHands' default condenser.
 */
import type { z } from "zod";
import type { CollectedConfig } from "./collect.ts";
import { findCondenserProblems } from "./condenser-rules.ts";
import type { CondenserRule, IssueFact, IssuePlace } from "./issues.ts";
import { checkLlmName } from "./llm-names.ts";
import type { FieldProvenance, SectionProvenance } from "./provenance.ts";
import { createRecord } from "./records.ts";
import {
  condenserSchemas,
  fieldNames,
  llmSchema,
  type ResolvedAgentConfig,
  type ResolvedCondenserConfig,
} from "./schema.ts";
import {
  type Assigned,
  type Assignments,
  type IssueOrigin,
  issueOrigin,
  type PendingIssue,
  pendingIssue,
  type ValueSource,
} from "./sources.ts";
import { didYouMean } from "./suggest.ts";
import { sectionRoot, validateSection } from "./validate-section.ts";
import { describeProblem } from "./validation-messages.ts";

/** OpenHands' default condenser (§6.3); its `llm_config` names the default LLM config. */
const DEFAULT_CONDENSER: ResolvedCondenserConfig = {
  type: "llm",
  llm_config: "llm",
  keep_first: 1,
  max_size: 100,
  max_event_length: 10000,
};

/** The resolved `[condenser]` (null when absent or invalid) and every valid named `[condenser.X]`. */
export function resolveCondensers(
  collected: CollectedConfig,
  llmNames: readonly string[],
  issues: PendingIssue[],
): { condenser: ResolvedCondenserConfig | null; condensers: Record<string, ResolvedCondenserConfig> } {
  const condenser = collected.condenser
    ? resolveCondenser(collected.condenser, "condenser", llmNames, issues)
    : null;
  const condensers = createRecord<ResolvedCondenserConfig>();
  for (const [name, section] of collected.condensers) {
    const resolved = resolveCondenser(section.assignments, `condenser.${name}`, llmNames, issues, section);
    if (resolved) condensers[name] = resolved;
  }
  return { condenser, condensers };
}

/**
 * Gives the default agent `[condenser]`, or (OpenHands §6.3) the LLM summarizer when a file was read
 * without `[condenser]`, `core.enable_default_condenser` is true and `[agent]` sets none; the default
 * condenser belongs to the default agent only, as in OpenHands.
 */
export function installDefaultCondenser(options: {
  collected: CollectedConfig;
  condenser: ResolvedCondenserConfig | null;
  enableDefault: boolean;
  agent: ResolvedAgentConfig;
  provenance: Record<string, SectionProvenance>;
}): void {
  const { collected, condenser, agent, provenance } = options;
  let origin: FieldProvenance;
  if (condenser) {
    agent.condenser = condenser;
    origin = { source: collected.condenser?.get("type")?.source ?? { kind: "default" }, inherited: false };
  } else if (
    !collected.condenser &&
    collected.files > 0 &&
    options.enableDefault &&
    !collected.agent.has("condenser")
  ) {
    agent.condenser = { ...DEFAULT_CONDENSER };
    const rule = "no [condenser] section and core.enable_default_condenser is true";
    origin = { source: { kind: "derived", rule }, inherited: false };
  } else {
    return;
  }
  provenance.agent = { ...provenance.agent, condenser: origin };
}

/** Checks an agent's own `condenser` table: its LLM, its pipeline's entries and its rules. */
export function checkAgentCondenser(
  agent: ResolvedAgentConfig,
  assigned: Assigned,
  section: string,
  llmNames: readonly string[],
  issues: PendingIssue[],
): void {
  checkCondenserLlm(assigned.value, assigned.source, section, llmNames, issues);
  const condenser = agent.condenser;
  const written = (assigned.value as { condensers?: unknown } | null)?.condensers;
  if (condenser.type === "pipeline" && written !== undefined) {
    const entries = { value: written, source: withPath(assigned.source, ["condensers"]) };
    condenser.condensers = resolvePipeline(entries, `${section}.condenser`, llmNames, issues);
  }
  for (const rule of findCondenserProblems(condenser)) {
    const origin = issueOrigin(withPath(assigned.source, [rule.key]));
    issues.push(ruleIssue(rule, { in: "value", path: "condenser" }, section, "condenser", origin));
  }
}

/** A condenser rule its schema cannot state (keep_first < max_size / 2, …), broken where `origin` says. */
function ruleIssue(
  rule: CondenserRule,
  place: IssuePlace,
  section: string,
  key: string,
  origin: IssueOrigin,
): PendingIssue {
  const fact: IssueFact = { code: "invalid_value", reason: "condenser_rule", rule, place, section, key };
  return pendingIssue(fact, origin);
}

function resolveCondenser(
  assignments: Assignments,
  section: string,
  llmNames: readonly string[],
  issues: PendingIssue[],
  declared?: IssueOrigin,
): ResolvedCondenserConfig | null {
  const typeAssigned = assignments.get("type");
  // A problem with no assignment to locate it at points at the section (via `type`, or its header).
  const anchor = typeAssigned
    ? issueOrigin(typeAssigned.source)
    : (declared ?? { file: "<defaults>", path: [] });
  const type = condenserType(typeAssigned, section, anchor, issues);
  const schema = type === null ? undefined : condenserSchemas[type];
  if (type === null || schema === undefined) return null;
  const accepted = acceptKnownKeys(assignments, section, type, schema, issues);
  if (!accepted.has("type")) accepted.set("type", { value: type, source: { kind: "default" } });
  const missing = fieldNames(schema).filter((key) => !accepted.has(key) && isRequired(schema.shape[key]));
  for (const key of missing) {
    const reason = "missing_condenser_key";
    const fact: IssueFact = { code: "invalid_value", reason, name: key, condenserType: type, section, key };
    issues.push(pendingIssue(fact, anchor));
  }
  if (missing.length > 0) return null;
  const llmConfig = accepted.get("llm_config");
  if (llmConfig)
    checkCondenserLlm({ llm_config: llmConfig.value }, llmConfig.source, section, llmNames, issues);
  // A pipeline's entries are resolved one by one below, each located, instead of by the schema.
  const entries = type === "pipeline" ? accepted.get("condensers") : undefined;
  if (entries) accepted.delete("condensers");
  // The schema was looked up by the type's name: it is condenserSchema's variant for that type.
  const resolved = validateSection(schema, accepted, section, issues) as ResolvedCondenserConfig;
  if (resolved.type === "pipeline" && entries)
    resolved.condensers = resolvePipeline(entries, section, llmNames, issues);
  for (const rule of findCondenserProblems(resolved)) {
    const at = accepted.get(rule.key) ?? typeAssigned;
    issues.push(ruleIssue(rule, { in: "section" }, section, rule.key, at ? issueOrigin(at.source) : anchor));
  }
  return resolved;
}

/** The condenser type a section names (`noop` when it names none), or null after reporting why not. */
function condenserType(
  typeAssigned: Assigned | undefined,
  section: string,
  anchor: IssueOrigin,
  issues: PendingIssue[],
): string | null {
  if (typeAssigned && typeof typeAssigned.value !== "string") {
    // Falling back to "noop" here would validate `type` against "noop" and crash on its defaults.
    const fact: IssueFact = {
      code: "invalid_value",
      reason: "value",
      name: "type",
      place: { in: "section" },
      problem: "expected a condenser type name",
      got: { value: typeAssigned.value, path: [sectionRoot(section), "type"] },
      section,
      key: "type",
    };
    issues.push(pendingIssue(fact, anchor));
    return null;
  }
  const type = typeof typeAssigned?.value === "string" ? typeAssigned.value : "noop";
  if (condenserSchemas[type]) return type;
  const types = Object.keys(condenserSchemas);
  const suggestion = didYouMean(type, types) ?? null;
  issues.push(
    pendingIssue({ code: "unknown_condenser_type", type, types, section, key: "type", suggestion }, anchor),
  );
  return null;
}

/** The assignments the type's schema knows (every one for a loose type); the others are unknown keys. */
function acceptKnownKeys(
  assignments: Assignments,
  section: string,
  type: string,
  schema: z.ZodObject,
  issues: PendingIssue[],
): Assignments {
  const known = fieldNames(schema);
  const loose = type === "browser_output_masking";
  const accepted: Assignments = new Map();
  for (const [key, assigned] of assignments) {
    if (known.includes(key) || loose) {
      accepted.set(key, assigned);
      continue;
    }
    const suggestion = didYouMean(key, known) ?? null;
    const place: IssuePlace = { in: "section" };
    const fact: IssueFact = {
      code: "unknown_key",
      name: key,
      place,
      condenserType: type,
      section,
      key,
      suggestion,
    };
    issues.push(pendingIssue(fact, issueOrigin(assigned.source)));
  }
  return accepted;
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
  const invalid = (name: string, problem: string, source: ValueSource) => {
    const place: IssuePlace = { in: "section" };
    const fact: IssueFact = {
      code: "invalid_value",
      reason: "value",
      name,
      place,
      problem,
      section,
      key: "condensers",
    };
    issues.push(pendingIssue(fact, issueOrigin(source)));
  };
  if (!Array.isArray(entries.value)) {
    invalid("condensers", "expected an array of condenser tables", entries.source);
    return [];
  }
  return entries.value.map((entry: unknown, index) => {
    const source = withPath(entries.source, [index]);
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      invalid(`condensers[${index}]`, "expected a condenser table", source);
      return { type: "noop" };
    }
    if (!("type" in entry)) {
      const place: IssuePlace = { in: "value", path: `condensers[${index}]` };
      const reason = "missing_condenser_type";
      const fact: IssueFact = { code: "invalid_value", reason, place, section, key: "condensers" };
      issues.push(pendingIssue(fact, issueOrigin(source)));
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
    checkInlineLlm(llmConfig, { file: origin.file, path }, section, issues);
  }
}

/** An inline `llm_config` table is an LLM config of its own: known keys, valid values. */
function checkInlineLlm(llmConfig: object, at: IssueOrigin, section: string, issues: PendingIssue[]) {
  const known = fieldNames(llmSchema);
  const place: IssuePlace = { in: "inline_llm_config" };
  for (const key of Object.keys(llmConfig)) {
    if (known.includes(key)) continue;
    const suggestion = didYouMean(key, known) ?? null;
    const fact: IssueFact = { code: "unknown_key", name: key, place, section, key, suggestion };
    issues.push(pendingIssue(fact, { file: at.file, path: [...at.path, key] }));
  }
  const typed = llmSchema.safeParse(llmConfig);
  for (const problem of typed.success ? [] : typed.error.issues) {
    const key = String(problem.path[0] ?? "");
    const problemText = describeProblem(problem);
    const fact: IssueFact = {
      code: "invalid_value",
      reason: "value",
      name: key,
      place,
      problem: problemText,
      section,
      key,
    };
    const inner = problem.path.map((part) => (typeof part === "symbol" ? String(part) : part));
    issues.push(pendingIssue(fact, { file: at.file, path: [...at.path, ...inner] }));
  }
}

function isRequired(field: unknown): boolean {
  return (field as { _zod: { optin?: string } } | undefined)?._zod.optin === undefined;
}
