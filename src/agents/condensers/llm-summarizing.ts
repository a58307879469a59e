/**
 * `llm` (OpenHands' LLMSummarizingCondenser): when the history grows past `max_size` events, the middle
 * is forgotten — the first `keep_first` events and the most recent ones stay, about `max_size / 2` in
 * all — and the condenser's own LLM (`llm_config`, typically a cheap config) writes a summary of the
 * forgotten events and the previous summary, which stands in for them right after the head.
 */
import type { Condenser, CondenserConfigOf, CondenserLlm } from "./condenser.ts";
import { keepView } from "./condenser.ts";
import { summarizeForgotten } from "./summarize-forgotten.ts";

/** Creates an `llm` condenser summarising with `summarizer`. */
export function createLlmSummarizingCondenser(
  config: CondenserConfigOf<"llm">,
  summarizer: CondenserLlm,
): Condenser {
  const condenser: Condenser = {
    type: "llm",
    config,
    answersRequests: true,
    async condense(view, context) {
      if (view.length <= config.max_size && !context.requested) return keepView(view);
      const summarized = await summarizeForgotten(view, context, config, summarizer);
      if (summarized === undefined) return keepView(view);
      const { plan, call } = summarized;
      return {
        kind: "condensation",
        condenser,
        forgotten: plan.forgotten,
        summary: call.text,
        summaryOffset: plan.head,
        call,
      };
    },
  };
  return condenser;
}
