/**
 * What the summarising condensers (`llm`, `structured`) share: the rolling cut that leaves about
 * `max_size / 2` events (one place for the summary), the summariser's prompt — its instructions, the
 * previous summary and the forgotten events — and the summariser's call. Each condenser reads the
 * answer its own way.
 */
import type { Completion, CompletionRequest } from "../../llm/completion.ts";
import { truncateMiddle } from "../../llm/truncate.ts";
import type { CondenseContext, CondenserConfigOf, CondenserLlm } from "./condenser.ts";
import { formatEventBlock } from "./event-text.ts";
import { type ForgettingPlan, planForgetting, previousSummary } from "./forgetting.ts";
import type { View, ViewEvent } from "./view.ts";

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

/** The settings of a summarising condenser that shape its cut and its prompt. */
export type SummarizingSettings = Pick<
  CondenserConfigOf<"llm" | "structured">,
  "keep_first" | "max_size" | "max_event_length"
>;

/** What a summarising condenser forgets, and its summariser's answer about it. */
export interface ForgottenSummary {
  plan: ForgettingPlan;
  call: Completion;
}

/** The summariser's prompt: instructions, the previous summary, the forgotten events. */
export function formatSummaryPrompt(
  previous: string,
  forgotten: readonly ViewEvent[],
  maxEventLength: number,
): string {
  const events = forgotten.map((event) => formatEventBlock(event, maxEventLength)).join("\n");
  return `${INSTRUCTIONS}\n\n<PREVIOUS SUMMARY>\n${truncateMiddle(previous, maxEventLength)}\n</PREVIOUS SUMMARY>\n\n${events}\n\nWrite the new notes now.`;
}

/**
 * Plans the cut and asks the summariser about what it forgets (with `request`'s tools, when the
 * condenser wants the answer as a call); undefined when nothing can be forgotten.
 */
export async function summarizeForgotten(
  view: View,
  context: CondenseContext,
  settings: SummarizingSettings,
  summarizer: CondenserLlm,
  request: Pick<CompletionRequest, "tools" | "toolChoice"> = {},
): Promise<ForgottenSummary | undefined> {
  const target = Math.floor(settings.max_size / 2);
  // One place of the target goes to the summary itself.
  const plan = planForgetting(view, settings.keep_first, (head) => target - head - 1, context.requested);
  if (plan === undefined) return undefined;
  const prompt = formatSummaryPrompt(
    previousSummary(view, plan.head),
    plan.forgotten,
    settings.max_event_length,
  );
  const call = await summarizer.llm.complete({
    messages: [{ role: "user", content: prompt }],
    ...request,
    signal: context.signal,
  });
  return { plan, call };
}
