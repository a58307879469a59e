/**
 * CLI flags, the highest layer: `-c`, `-i` and `-b` set `[core]` keys before validation, like the
 * environment below them; `-l` chooses the default LLM config once the configs are resolved.
 */
import type { CollectedConfig } from "./collect.ts";
import { checkLlmName } from "./llm-names.ts";
import type { SectionProvenance } from "./provenance.ts";
import type { ResolvedLlmConfig } from "./schema.ts";
import type { PendingIssue } from "./sources.ts";

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

/** The config name in any spelling `-l` accepts (H4): `gpt3`, `llm.gpt3`, `[llm.gpt3]`. */
export function parseLlmConfigName(text: string): string {
  return text.replace(/^\[|\]$/g, "").replace(/^llm\./, "");
}

/** Applies `-c`, `-i` and `-b` to `[core]` over every lower layer; they are validated with it. */
export function applyCliFlags(collected: CollectedConfig, cli: CliOverrides): void {
  const flags: [string, string, unknown][] = [
    ["default_agent", "-c", cli.agentCls],
    ["max_iterations", "-i", cli.maxIterations],
    ["max_budget_per_task", "-b", cli.maxBudgetPerTask],
  ];
  for (const [key, flag, value] of flags) {
    if (value !== undefined) collected.plain.core.set(key, { value, source: { kind: "cli", flag } });
  }
}

/**
 * `-l NAME` (H4): that config becomes `llm`, the default for agents that do not name one. Returns the
 * default config's name: `NAME`, or `llm` without the flag or when NAME is unknown (an issue says so).
 */
export function applyDefaultLlmChoice(
  llmConfig: string | undefined,
  llms: Record<string, ResolvedLlmConfig>,
  provenance: Record<string, SectionProvenance>,
  issues: PendingIssue[],
): string {
  if (llmConfig === undefined) return "llm";
  const name = parseLlmConfigName(llmConfig);
  if (!checkLlmName(name, Object.keys(llms), { file: "<cli -l>", path: [] }, null, null, issues))
    return "llm";
  const chosen = llms[name];
  const origin = provenance[name];
  if (chosen === undefined || origin === undefined) return "llm";
  llms.llm = chosen;
  provenance.llm = origin;
  return name;
}
