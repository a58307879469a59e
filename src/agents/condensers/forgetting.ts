/**
 * The cut every rolling condenser makes (OpenHands' `llm`, `amortized`, `structured`): keep the head,
 * keep the most recent events, forget what lies between — with the cut on a tool-call unit's edge, so
 * a call and its results are kept or forgotten together.
 */
import { headLength, isSummary, toUnitBoundary, type View, type ViewEvent } from "./view.ts";

/** Which events a rolling condenser forgets. */
export interface ForgettingPlan {
  /** Events at the head, kept (the summary goes right after them). */
  head: number;
  /** The events forgotten (never the summary: a new one replaces it). */
  forgotten: ViewEvent[];
}

/**
 * Plans a cut: `tailLength(head)` is how many recent events to keep. When the provider asked for a
 * condensation (`requested`), at most half of the events after the head are kept, so a history already
 * below the size threshold still shrinks (OpenHands would forget nothing there and fail again).
 * Returns undefined when nothing can be forgotten.
 */
export function planForgetting(
  view: View,
  keepFirst: number,
  tailLength: (head: number) => number,
  requested: boolean,
): ForgettingPlan | undefined {
  const head = headLength(view, keepFirst);
  let keep = Math.max(0, tailLength(head));
  if (requested) keep = Math.min(keep, Math.floor((view.length - head) / 2));
  // The kept tail starts at a whole tool-call unit: moved back to the call (keeping the agent's latest
  // step whole), or, when that leaves nothing to forget on a provider's request, forward past it.
  let tailStart = Math.max(head, view.length - keep);
  let back = tailStart;
  while (back > head && view[back]?.message.role === "tool") back -= 1;
  tailStart = back > head || !requested ? back : toUnitBoundary(view, tailStart);
  const forgotten = view.slice(head, tailStart).filter((event) => !isSummary(event));
  return forgotten.length > 0 ? { head, forgotten } : undefined;
}

/** The text of the summary in a view (right after the head), or "" when there is none yet. */
export function previousSummary(view: View, head: number): string {
  const event = view[head];
  return isSummary(event) ? (event?.summary ?? "") : "";
}
