/**
 * Checks made before a run sends anything: the agent exists, and every budget can be enforced (a
 * budget over a model without a price could never stop the run, so it is refused up front).
 */
import type { Config } from "../config/load.ts";
import { computeCost } from "../llm/cost.ts";
import { loadModelCatalog } from "../llm/model-catalog.ts";
import { RunSetupError } from "./instance.ts";
import type { AgentRegistry } from "./registry.ts";

const probeUsage = { input_tokens: 1000, output_tokens: 1000, cache_read_tokens: 0, cache_write_tokens: 0 };

/** Every LLM config a call on `start` may end up on: it, then its fallbacks (depth-first). */
function configsFrom(config: Config, start: string): string[] {
  const found: string[] = [];
  const visit = (name: string) => {
    if (found.includes(name) || config.llms[name] === undefined) return;
    found.push(name);
    for (const fallback of config.getLlmConfig(name).fallbacks) visit(fallback);
  };
  visit(start);
  return found;
}

/** A config a budget cannot be enforced on: its model has no known price. */
export interface UnpricedConfig {
  llmConfig: string;
  model: string;
  /** Where its price goes: `[llm]` or `[llm.<name>]`. */
  section: string;
}

/** The config among `names` whose model has no known price, if any. */
function firstUnpriced(config: Config, names: readonly string[]): UnpricedConfig | undefined {
  for (const llmConfig of names) {
    const resolved = config.getLlmConfig(llmConfig);
    if (computeCost(resolved.model, probeUsage, resolved).usd !== null) continue;
    const section = llmConfig === "llm" ? "[llm]" : `[llm.${llmConfig}]`;
    return { llmConfig, model: resolved.model, section };
  }
  return undefined;
}

/**
 * When a budget or a per-agent cap is set, the config `llmConfig` (or one of its fallbacks) that has
 * no known price, so it cannot be switched to (chat's `/llm`); undefined when the switch is fine.
 */
export function unpricedUnderBudget(
  config: Config,
  registry: AgentRegistry,
  llmConfig: string,
): UnpricedConfig | undefined {
  if (config.core.max_budget_per_task === null && Object.keys(agentCapsOf(config, registry)).length === 0)
    return undefined;
  return firstUnpriced(config, configsFrom(config, llmConfig));
}

/** The per-agent caps (`[agent.<Name>] max_budget_per_task`, or `[agent]`'s for agents without a section). */
export function agentCapsOf(config: Config, registry: AgentRegistry): Record<string, number> {
  const caps: Record<string, number> = {};
  for (const name of registry.names()) {
    const cap = config.getAgentConfig(name).max_budget_per_task;
    if (cap !== null) caps[name] = cap;
  }
  return caps;
}

/** Throws a `RunSetupError` naming the problem when the run cannot start as configured. */
export function checkRunSetup(config: Config, registry: AgentRegistry, agent: string): void {
  if (registry.get(agent) === undefined) {
    throw new RunSetupError(`unknown agent "${agent}"; known agents: ${registry.names().join(", ")}`);
  }
  // The run's agent must be able to call its config before anything starts (unset ${VAR} → ConfigError).
  config.usableLlmConfig(config.llmConfigNameForAgent(agent).name);
  const budget = config.core.max_budget_per_task;
  const caps = agentCapsOf(config, registry);
  if (budget === null && Object.keys(caps).length === 0) return;
  const checked = new Set<string>();
  for (const name of registry.names()) {
    const unchecked = configsFrom(config, config.llmConfigNameForAgent(name).name).filter(
      (llmConfig) => !checked.has(llmConfig),
    );
    for (const llmConfig of unchecked) checked.add(llmConfig);
    const unpriced = firstUnpriced(config, unchecked);
    if (unpriced === undefined) continue;
    const limit =
      budget !== null ? `a budget of $${budget} (max_budget_per_task / -b)` : "a per-agent budget cap";
    throw new RunSetupError(
      `${limit} cannot be enforced: config "${unpriced.llmConfig}" (model ${unpriced.model}, used by ${name}) has no known price; set input_cost_per_token and output_cost_per_token in ${unpriced.section}, or run without a budget`,
    );
  }
}

/**
 * Loads what the model catalog knows about every named config's model before any agent is built, so
 * the choice between native and prompt-based tool calling is the same for the run's agent and for a
 * delegate built after the first call (the catalog is otherwise loaded on a call's first use).
 */
export async function loadModelInfoFor(config: Config): Promise<void> {
  await Promise.all(Object.values(config.llms).map((llm) => loadModelCatalog(llm.model)));
}
