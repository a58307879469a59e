/**
 * A condenser config (`[condenser]`, an agent's `condenser`, a pipeline's entries) → the condenser of
 * its type. Types that summarise or rank get their own LLM through `llmFor`, built from their
 * `llm_config` by the run (so their calls are billed under that config).
 */
import type { ResolvedCondenserConfig } from "../../config/schema.ts";
import { createAmortizedCondenser } from "./amortized.ts";
import type { Condenser, CondenserLlm } from "./condenser.ts";
import { createConversationWindowCondenser } from "./conversation-window.ts";
import { createLlmAttentionCondenser } from "./llm-attention.ts";
import { createLlmSummarizingCondenser } from "./llm-summarizing.ts";
import { createNoopCondenser } from "./noop.ts";
import { createObservationMaskingCondenser } from "./observation-masking.ts";
import { createPipelineCondenser } from "./pipeline.ts";
import { createRecentCondenser } from "./recent.ts";
import { createStructuredSummaryCondenser } from "./structured-summary.ts";

/** Builds the LLM of a condenser from its `llm_config`: a config name, or an inline LLM table. */
export type CondenserLlmFactory = (llmConfig: string | Readonly<Record<string, unknown>>) => CondenserLlm;

/** A condenser type llmconf does not run; the config loader rejects it with a located error. */
export class UnsupportedCondenserError extends Error {
  override name = "UnsupportedCondenserError";
}

/**
 * Creates the condenser a config describes.
 * @example const condenser = createCondenser({ type: "recent", keep_first: 1, max_events: 50 }, llmFor);
 */
export function createCondenser(
  config: Readonly<ResolvedCondenserConfig>,
  llmFor: CondenserLlmFactory,
): Condenser {
  switch (config.type) {
    case "noop":
      return createNoopCondenser(config);
    case "recent":
      return createRecentCondenser(config);
    case "observation_masking":
      return createObservationMaskingCondenser(config);
    case "conversation_window":
      return createConversationWindowCondenser(config);
    case "amortized":
      return createAmortizedCondenser(config);
    case "llm":
      return createLlmSummarizingCondenser(config, llmFor(config.llm_config));
    case "structured":
      return createStructuredSummaryCondenser(config, llmFor(config.llm_config));
    case "llm_attention":
      return createLlmAttentionCondenser(config, llmFor(config.llm_config));
    case "pipeline":
      return createPipelineCondenser(
        config,
        config.condensers.map((member) => createCondenser(member, llmFor)),
      );
    case "browser_output_masking":
      throw new UnsupportedCondenserError(
        'condenser type "browser_output_masking" is not supported: llmconf agents have no browser',
      );
  }
}
