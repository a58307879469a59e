/**
 * Which LLM configs name a model no provider of llmconf can call. A warning, not an error: OpenHands
 * passes any LiteLLM model id on, so such a file is still a valid OpenHands file and must load.
 */
import type { ConfigIssue } from "../config/issues.ts";
import type { Config } from "../config/load.ts";
import { inferProvider, PROVIDER_NAMES } from "../llm/providers/infer.ts";

/** One `unsupported_provider` warning per LLM config whose model llmconf cannot route, located at `model`. */
export async function checkProviders(config: Config): Promise<ConfigIssue[]> {
  const warnings: ConfigIssue[] = [];
  for (const [name, llm] of Object.entries(config.llms)) {
    // Under -l, `llm` is the chosen config itself: report it once, under its own name.
    if (name === "llm" && config.defaultLlmName !== "llm") continue;
    const choice = inferProvider(llm.model, llm.custom_llm_provider);
    if (choice.ok) continue;
    const field = llm.custom_llm_provider ? "custom_llm_provider" : "model";
    const source = config.provenance.llms[name]?.[field]?.source ?? { kind: "default" as const };
    const position = await config.locate(source);
    const section = name === "llm" ? "llm" : `llm.${name}`;
    warnings.push({
      severity: "warning",
      code: "unsupported_provider",
      message: `[${section}] ${choice.reason}; llmconf calls ${PROVIDER_NAMES.join(", ")} (OpenHands may still reach it through LiteLLM)`,
      file:
        source.kind === "file" ? source.file : source.kind === "env" ? `<env ${source.env}>` : "<defaults>",
      line: position?.line ?? 0,
      column: position?.column ?? 0,
      section,
      key: field,
      suggestion: null,
    });
  }
  return warnings;
}
