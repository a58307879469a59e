/** An LLM config's `fallbacks`: every name must exist, and no config may reach itself through them. */
import type { CollectedConfig } from "./collect.ts";
import { checkLlmName } from "./llm-names.ts";
import type { ResolvedLlmConfig } from "./schema.ts";
import { issueOrigin, type PendingIssue, pendingIssue, type ValueSource } from "./sources.ts";

/**
 * Checks every config's `fallbacks` (explicit self-references and cycles are errors) and drops an
 * inherited self-reference: a config that merely inherits a list naming itself does not fall back to itself.
 */
export function checkFallbacks(
  collected: CollectedConfig,
  llms: Record<string, ResolvedLlmConfig>,
  issues: PendingIssue[],
) {
  const names = Object.keys(llms);
  const assignmentsOf = (name: string) =>
    name === "llm" ? collected.llm : collected.llms.get(name)?.assignments;
  for (const [name, config] of Object.entries(llms)) {
    const ownSource = assignmentsOf(name)?.get("fallbacks");
    const section = name === "llm" ? "llm" : `llm.${name}`;
    config.fallbacks = config.fallbacks.filter((fallback) => fallback !== name || ownSource !== undefined);
    for (const fallback of config.fallbacks) {
      if (!ownSource) continue;
      checkLlmName(fallback, names, issueOrigin(ownSource.source), section, "fallbacks", issues);
    }
  }
  const sourceOf = (name: string): ValueSource =>
    assignmentsOf(name)?.get("fallbacks")?.source ??
    collected.llm.get("fallbacks")?.source ?? { kind: "default" };
  for (const cycle of findCycles(names, llms)) {
    const start = cycle[0] as string;
    const section = start === "llm" ? "llm" : `llm.${start}`;
    issues.push(
      pendingIssue(
        { code: "fallback_cycle", cycle, section, key: "fallbacks" },
        issueOrigin(sourceOf(start)),
      ),
    );
  }
}

/** Each cycle through the fallback graph, found depth-first, as the chain of names that closes it. */
function findCycles(names: readonly string[], llms: Record<string, ResolvedLlmConfig>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, chain: string[]) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "visiting") {
      cycles.push([...chain.slice(chain.indexOf(name)), name]);
      return;
    }
    state.set(name, "visiting");
    for (const next of llms[name]?.fallbacks ?? []) if (llms[next]) visit(next, [...chain, name]);
    state.set(name, "done");
  };
  for (const name of names) visit(name, []);
  return cycles;
}
