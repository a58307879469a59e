/**
 * Resolution: collected layers → validated sections, named configs resolved by inheritance
 * (`[llm.X]` = `[llm]` overlaid with its own keys), derived defaults, and the source of every value.
 * It reads only its arguments; what it finds wrong goes to `issues`.
 */
import { isAbsolute, resolve as resolvePath } from "node:path";
import type { z } from "zod";
import { applyDefaultLlmChoice } from "./cli-flags.ts";
import type { CollectedConfig } from "./collect.ts";
import { checkAgentCondenser, installDefaultCondenser, resolveCondensers } from "./condensers.ts";
import { checkFallbacks } from "./fallbacks.ts";
import { finalizeConfig } from "./finalize.ts";
import type { IssueFact } from "./issues.ts";
import { checkGatewayKeys, checkLlmName } from "./llm-names.ts";
import { type FieldProvenance, provenanceOf, type SectionProvenance } from "./provenance.ts";
import { createRecord, toRecord } from "./records.ts";
import {
  agentSchema,
  DEFAULT_AZURE_API_VERSION,
  llmSchema,
  type PlainSectionName,
  plainSectionSchemas,
  type ResolvedAgentConfig,
  type ResolvedCondenserConfig,
  type ResolvedLlmConfig,
} from "./schema.ts";
import { type Assignments, issueOrigin, type PendingIssue, pendingIssue } from "./sources.ts";
import { validateSection } from "./validate-section.ts";

/** Every plain section, validated. */
type PlainSections = { [K in PlainSectionName]: z.output<(typeof plainSectionSchemas)[K]> };

/** Everything resolution produces, before it is wrapped into the public `Config`. */
export interface Resolution extends PlainSections {
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

/**
 * Resolves collected layers (environment and CLI flags already applied) into validated, inherited
 * configs with provenance; `llmChoice` is `-l NAME`. Problems go to `issues`.
 */
export function resolveCollected(collected: CollectedConfig, cwd: string, llmChoice?: string): Resolution {
  const issues: PendingIssue[] = [...collected.issues];
  const sections = resolvePlainSections(collected.plain, issues);
  const sectionProvenance = plainSectionProvenance(collected.plain);
  const { llms, provenance: llmProvenance } = resolveLlms(collected, cwd, issues);
  const llmNames = Object.keys(llms);
  checkFallbacks(collected, llms, issues);
  checkGatewayKeys(collected, llmNames, issues);
  const { agents, provenance: agentProvenance, base } = resolveAgents(collected, llmNames, issues);
  const { condenser, condensers } = resolveCondensers(collected, llmNames, issues);
  installDefaultCondenser({
    collected,
    condenser,
    enableDefault: sections.core.enable_default_condenser,
    agent: base,
    provenance: agentProvenance,
  });
  // [model_routing] applies to the default agent, listing every config marked for_routing.
  if (collected.present.has("model_routing")) {
    sections.model_routing.llms_for_routing = toRecord(
      Object.entries(llms)
        .filter(([, config]) => config.for_routing)
        .map(([name, config]) => [name, config.model]),
    );
    base.model_routing = sections.model_routing;
  }
  const { core, sandbox } = sections;
  finalizeConfig({ core, sandbox, agents, coreProvenance: sectionProvenance.core, agentProvenance }, cwd);
  const defaultLlmName = applyDefaultLlmChoice(llmChoice, llms, llmProvenance, issues);
  return {
    ...sections,
    extended: toRecord([...collected.extended].map(([key, assigned]) => [key, assigned.value] as const)),
    llms,
    agents,
    condenser,
    condensers,
    defaultLlmName,
    provenance: { llms: llmProvenance, agents: agentProvenance, sections: sectionProvenance },
    issues,
  };
}

/** Validates every plain section, in the schema's order so that issues keep their order. */
function resolvePlainSections(plain: CollectedConfig["plain"], issues: PendingIssue[]): PlainSections {
  const validate = <K extends PlainSectionName>(name: K) =>
    validateSection(plainSectionSchemas[name], plain[name], name, issues);
  return {
    core: validate("core"),
    security: validate("security"),
    sandbox: validate("sandbox"),
    mcp: validate("mcp"),
    kubernetes: validate("kubernetes"),
    model_routing: validate("model_routing"),
    gateway: validate("gateway"),
  };
}

/** Where every field of every plain section came from. */
function plainSectionProvenance(
  plain: CollectedConfig["plain"],
): Record<PlainSectionName, Record<string, FieldProvenance>> {
  const of = (name: PlainSectionName) => provenanceOf(plainSectionSchemas[name], plain[name], undefined);
  return {
    core: of("core"),
    security: of("security"),
    sandbox: of("sandbox"),
    mcp: of("mcp"),
    kubernetes: of("kubernetes"),
    model_routing: of("model_routing"),
    gateway: of("gateway"),
  };
}

/** LLM configs: the base `[llm]`, then each named section overlaid on it. */
function resolveLlms(collected: CollectedConfig, cwd: string, issues: PendingIssue[]) {
  const llms = createRecord<ResolvedLlmConfig>();
  const provenance = createRecord<SectionProvenance>();
  const resolve = (name: string, own: Assignments, base: Assignments | undefined, section: string) => {
    const merged = new Map([...(base ?? []), ...own]);
    const config = validateSection(llmSchema, merged, section, issues, own);
    checkRetryWaits(config, merged, own, section, issues);
    const fields = provenanceOf(llmSchema, own, base);
    deriveLlmDefaults(config, cwd, fields);
    llms[name] = config;
    provenance[name] = fields;
  };
  resolve("llm", collected.llm, undefined, "llm");
  for (const [name, section] of collected.llms)
    resolve(name, section.assignments, collected.llm, `llm.${name}`);
  return { llms, provenance };
}

/** Agent configs: the base `[agent]`, then each named section overlaid on it, their own keys checked. */
function resolveAgents(collected: CollectedConfig, llmNames: readonly string[], issues: PendingIssue[]) {
  const agents = createRecord<ResolvedAgentConfig>();
  const provenance = createRecord<SectionProvenance>();
  const resolve = (name: string, own: Assignments, base: Assignments | undefined, section: string) => {
    const merged = new Map([...(base ?? []), ...own]);
    const agent = validateSection(agentSchema, merged, section, issues, own);
    agents[name] = agent;
    provenance[name] = provenanceOf(agentSchema, own, base);
    for (const [key, assigned] of own) {
      // An agent's llm_config must name a config; its own condenser is checked like a [condenser].
      if (key === "llm_config" && typeof assigned.value === "string") {
        checkLlmName(assigned.value, llmNames, issueOrigin(assigned.source), section, "llm_config", issues);
      }
      if (key === "condenser") checkAgentCondenser(agent, assigned, section, llmNames, issues);
    }
    return agent;
  };
  const base = resolve("agent", collected.agent, undefined, "agent");
  for (const [name, section] of collected.agents) {
    resolve(name, section.assignments, collected.agent, `agent.${name}`);
  }
  return { agents, provenance, base };
}

/**
 * H5: the defaults an LLM config derives after inheritance from its own resolved values (an azure
 * model's `api_version`, the completions folder against `cwd`), recorded in `provenance` when given;
 * also used for the inline LLM tables of condensers.
 */
export function deriveLlmDefaults(
  config: ResolvedLlmConfig,
  cwd: string,
  provenance?: Record<string, FieldProvenance>,
): void {
  if (config.api_version === null && config.model.startsWith("azure")) {
    config.api_version = DEFAULT_AZURE_API_VERSION;
    if (provenance)
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
  const fact: IssueFact = {
    code: "invalid_value",
    reason: "retry_waits",
    min: config.retry_min_wait,
    max: config.retry_max_wait,
    section,
    key,
  };
  issues.push(pendingIssue(fact, issueOrigin(assigned.source)));
}
