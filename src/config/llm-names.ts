/** Names of LLM configs written elsewhere (an agent's `llm_config`, `fallbacks`, `[gateway]` keys) must exist. */
import type { CollectedConfig } from "./collect.ts";
import type { IssueFact } from "./issues.ts";
import { type IssueOrigin, issueOrigin, type PendingIssue, pendingIssue } from "./sources.ts";
import { didYouMean } from "./suggest.ts";

/** Whether `name` is a defined LLM config; when it is not, an issue with a did-you-mean says so. */
export function checkLlmName(
  name: string,
  known: readonly string[],
  origin: IssueOrigin,
  section: string | null,
  key: string | null,
  issues: PendingIssue[],
): boolean {
  if (known.includes(name)) return true;
  const suggestion = didYouMean(name, known) ?? null;
  const fact: IssueFact = {
    code: "unknown_llm_config",
    kind: "LLM",
    name,
    defined: known,
    section,
    key,
    suggestion,
  };
  issues.push(pendingIssue(fact, origin));
  return false;
}

/** Every config a `[gateway]` key names must exist (`*` stands for all of them). */
export function checkGatewayKeys(
  collected: CollectedConfig,
  llmNames: readonly string[],
  issues: PendingIssue[],
) {
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
