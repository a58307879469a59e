/**
 * `llm` (OpenHands' LLMSummarizingCondenser): when the history grows past `max_size` events, the middle
 * is forgotten — the first `keep_first` events and the most recent ones stay, about `max_size / 2` in
 * all — and the condenser's own LLM (`llm_config`, typically a cheap config) writes a summary of the
 * forgotten events and the previous summary, which stands in for them right after the head.
 */
import { truncateMiddle } from "../../llm/truncate.ts";
import type { Condenser, CondenserConfigOf, CondenserLlm } from "./condenser.ts";
import { keepView } from "./condenser.ts";
import { formatEventBlock } from "./event-text.ts";
import { planForgetting, previousSummary } from "./forgetting.ts";
import type { ViewEvent } from "./view.ts";

/** The summariser's instructions (llmconf's own wording of what OpenHands asks for). */
const INSTRUCTIONS = `You keep the running notes of a software agent whose conversation has grown too long.
Below are the previous notes (empty at first) and the events that are about to be dropped from the
agent's context. Write new notes that replace both, so the agent can carry on without those events.

Keep, in short sections:
USER_CONTEXT: what the user asked for, requirements and clarifications.
TASK_TRACKING: tasks with their ids and statuses, exactly as written (only if the events track tasks).
COMPLETED: what is done, with results.
PENDING: what is left to do.
CURRENT_STATE: the state the next steps depend on.
For code: CODE_STATE (files, functions, data structures), TESTS (failing cases, errors), CHANGES
(edits made), DEPS (dependencies), VERSION_CONTROL_STATUS (branch, commits, pull requests).

Leave out what does not matter for the task. Answer with the notes only.`;

/** The summariser's prompt: instructions, the previous summary, the forgotten events. */
export function formatSummaryPrompt(
  previous: string,
  forgotten: readonly ViewEvent[],
  maxEventLength: number,
): string {
  const events = forgotten.map((event) => formatEventBlock(event, maxEventLength)).join("\n");
  return `${INSTRUCTIONS}\n\n<PREVIOUS SUMMARY>\n${truncateMiddle(previous, maxEventLength)}\n</PREVIOUS SUMMARY>\n\n${events}\n\nWrite the new notes now.`;
}

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
      const target = Math.floor(config.max_size / 2);
      // One place of the target goes to the summary itself.
      const plan = planForgetting(view, config.keep_first, (head) => target - head - 1, context.requested);
      if (plan === undefined) return keepView(view);
      const prompt = formatSummaryPrompt(
        previousSummary(view, plan.head),
        plan.forgotten,
        config.max_event_length,
      );
      const call = await summarizer.llm.complete({
        messages: [{ role: "user", content: prompt }],
        signal: context.signal,
      });
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
