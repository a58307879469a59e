/**
 * The view a condenser works on: the conversation's messages as events, in order, with the summary of
 * forgotten events (when there is one) as an event of its own. The system prompt is event 0, as in
 * OpenHands' history, so `keep_first` counts the same way. Cuts always fall between whole tool-call
 * units (an assistant message with its tool results), so a condensed list never holds a tool result
 * without its call, or a call without its result — which every provider rejects.
 */
import type { ChatMessage } from "../../llm/messages.ts";

/** The index the summary event carries: it is not a message of the conversation. */
export const SUMMARY_INDEX = -1;

/** One event of a view: a message of the conversation (by its index in the list), or the summary. */
export interface ViewEvent {
  /** Index in the conversation's message list; {@link SUMMARY_INDEX} for the summary. */
  readonly index: number;
  readonly message: ChatMessage;
  /** The summary's own text (the summary event only). */
  readonly summary?: string;
}

/** The events a model is shown, in order. */
export type View = readonly ViewEvent[];

/** Whether an event is the summary of forgotten events. */
export function isSummary(event: ViewEvent | undefined): boolean {
  return event?.index === SUMMARY_INDEX;
}

/** The summary as the model reads it: a user message, like OpenHands' condensation observation. */
export function toSummaryEvent(summary: string): ViewEvent {
  return {
    index: SUMMARY_INDEX,
    message: { role: "user", content: `Summary of the earlier part of this conversation:\n${summary}` },
    summary,
  };
}

/** The first position at or after `at` that starts an event outside a tool-call unit's results. */
export function toUnitBoundary(view: View, at: number): number {
  let position = Math.max(0, at);
  while (position < view.length && view[position]?.message.role === "tool") position += 1;
  return position;
}

/**
 * How many events at the head are never forgotten: `keepFirst` events, and always the system prompt
 * and the task (the first user message), extended to the end of a tool-call unit it would cut.
 */
export function headLength(view: View, keepFirst: number): number {
  let head = Math.max(0, keepFirst);
  const task = view.findIndex((event) => event.message.role === "user" && !isSummary(event));
  if (task >= 0) head = Math.max(head, task + 1);
  return toUnitBoundary(view, Math.min(head, view.length));
}

/**
 * The position of the tool-call unit each event belongs to: an assistant message's own position for it
 * and its tool results, the event's own position otherwise.
 */
export function unitStarts(view: View): number[] {
  const starts: number[] = [];
  let current = -1;
  view.forEach((event, position) => {
    if (event.message.role === "tool" && current >= 0) starts.push(current);
    else {
      current =
        event.message.role === "assistant" && (event.message.tool_calls?.length ?? 0) > 0 ? position : -1;
      starts.push(position);
    }
  });
  return starts;
}

/** Positions to keep, grown so that every kept event's whole tool-call unit is kept with it. */
export function closeOverUnits(view: View, keep: ReadonlySet<number>): Set<number> {
  const starts = unitStarts(view);
  const keptUnits = new Set([...keep].map((position) => starts[position] ?? position));
  const closed = new Set<number>();
  starts.forEach((start, position) => {
    if (keptUnits.has(start)) closed.add(position);
  });
  return closed;
}

/** The messages of a view, ready to send. */
export function toMessages(view: View): ChatMessage[] {
  return view.map((event) => event.message);
}

/**
 * What makes a message list unacceptable to a provider, or undefined when it is fine: every tool
 * result answers a call of the assistant message just before its run of results, and every call is
 * answered. (Used by tests, and to check a condenser's work before it is sent.)
 */
export function findPairingProblem(messages: readonly ChatMessage[]): string | undefined {
  let open = new Set<string>();
  for (const [position, message] of messages.entries()) {
    if (message.role === "tool") {
      if (!open.delete(message.tool_call_id))
        return `message ${position}: tool result ${message.tool_call_id} has no call before it`;
      continue;
    }
    if (open.size > 0) return `message ${position}: calls ${[...open].join(", ")} have no result`;
    open = new Set(message.role === "assistant" ? (message.tool_calls ?? []).map((call) => call.id) : []);
  }
  return open.size > 0 ? `the last calls ${[...open].join(", ")} have no result` : undefined;
}
