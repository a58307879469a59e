/**
 * What a condenser has done to one conversation (its message list): the messages still in the view,
 * the summary and where it goes, what a view-only condenser hid or masked, and the view itself,
 * appended to step by step and rebuilt only after a condensation. Per step the work is proportional
 * to the new messages.
 */
import type { ChatMessage } from "../../llm/messages.ts";
import type { History } from "../events.ts";
import type { Condensation } from "./condenser.ts";
import { type ConversationOwner, createEventIdTracker, type EventIdTracker } from "./event-ids.ts";
import {
  isSummary,
  SUMMARY_INDEX,
  toSummaryEvent,
  toUnitBoundary,
  type View,
  type ViewEvent,
} from "./view.ts";

/** What the driver keeps of one conversation. */
export interface ConversationState {
  /** Indices of the messages still in the view, in order. */
  kept: number[];
  /** The view and its messages, appended to step by step and rebuilt only after a condensation. */
  view: ViewEvent[];
  sent: ChatMessage[];
  /** The first message not yet added to the view. */
  next: number;
  summary: string | null;
  /** The index of the message the summary follows. */
  summaryAfter: number;
  /** Messages hidden or masked by a condenser that recomputes its view every step (each counted once). */
  hidden: Set<number>;
  masked: Set<number>;
  /** Of those, the ones no condensation event has reported yet (see {@link isMaterial}). */
  unreported: { hidden: ViewEvent[]; masked: ViewEvent[] };
  /** Whether a view-only condenser's hiding or masking has been reported in this conversation. */
  reported: boolean;
  /** The last step's view, before and after a view-only condenser, for a report at the task's end. */
  lastShown: { before: number; after: number };
  ids: EventIdTracker;
}

/**
 * What has been condensed, per conversation (its message list), whichever instance condenses it: a
 * chat that switches its agent's config (`/llm`) gets a new instance on the same conversation, and
 * what was forgotten stays forgotten. Weak, so a conversation dropped is state dropped.
 */
const states = new WeakMap<readonly ChatMessage[], ConversationState>();

function buildView(state: ConversationState, messages: readonly ChatMessage[]): ViewEvent[] {
  const view: ViewEvent[] = state.kept.map((index) => ({ index, message: messages[index] as ChatMessage }));
  if (state.summary === null) return view;
  // Right after the event it followed (the head's last), and never between a call and its results.
  let position = 0;
  while (position < view.length && (view[position] as ViewEvent).index <= state.summaryAfter) position += 1;
  view.splice(toUnitBoundary(view, position), 0, toSummaryEvent(state.summary));
  return view;
}

/** The message the summary follows: the last event before `offset` in the condenser's view. */
function anchorOf(view: View, offset: number): number {
  for (let position = Math.min(offset, view.length) - 1; position >= 0; position -= 1) {
    const event = view[position] as ViewEvent;
    if (!isSummary(event)) return event.index;
  }
  return -1;
}

/**
 * The state of a conversation brought up to date with its messages: a new list, or one the caller cut
 * back, starts over; new messages follow everything in the view (the summary included).
 */
export function conversationStateOf(
  messages: readonly ChatMessage[],
  history: History,
  owner: ConversationOwner,
): ConversationState {
  let state = states.get(messages);
  if (state === undefined || messages.length < state.next) {
    state = {
      kept: [],
      view: [],
      sent: [],
      next: 0,
      summary: null,
      summaryAfter: -1,
      hidden: new Set(),
      masked: new Set(),
      unreported: { hidden: [], masked: [] },
      reported: false,
      lastShown: { before: 0, after: 0 },
      ids: createEventIdTracker(history, owner),
    };
    states.set(messages, state);
  }
  // A step costs its own size: only the messages added since the last one are looked at.
  for (; state.next < messages.length; state.next += 1) {
    const message = messages[state.next] as ChatMessage;
    state.kept.push(state.next);
    state.view.push({ index: state.next, message });
    state.sent.push(message);
  }
  state.ids.update(messages);
  return state;
}

/** The state of a conversation a condenser has seen, if any (no new messages are taken in). */
export function existingStateOf(messages: readonly ChatMessage[]): ConversationState | undefined {
  return states.get(messages);
}

/** Forgets what a condensation forgot (the old summary too, when it did), keeps its summary, and rebuilds the view. */
export function applyCondensation(
  state: ConversationState,
  view: View,
  result: Condensation,
  messages: readonly ChatMessage[],
): void {
  const forgotten = new Set(result.forgotten.map((event) => event.index));
  state.kept = state.kept.filter((index) => !forgotten.has(index));
  if (forgotten.has(SUMMARY_INDEX)) state.summary = null;
  if (result.summary !== undefined) {
    state.summary = result.summary;
    state.summaryAfter = anchorOf(view, result.summaryOffset ?? 0);
  }
  state.view = buildView(state, messages);
  state.sent = state.view.map((event) => event.message);
}

/**
 * What a view-only condenser (recent, observation_masking) newly hides or masks in `shown` compared
 * with `view`; each is counted once, so they are remembered in the state (and added to `unreported`).
 */
export function newlyHiddenOrMasked(
  state: ConversationState,
  view: View,
  shown: View,
  messages: readonly ChatMessage[],
): { hidden: ViewEvent[]; masked: ViewEvent[] } {
  const present = new Set(shown.map((event) => event.index));
  const hidden = view.filter((event) => !present.has(event.index) && !state.hidden.has(event.index));
  const masked = shown.filter(
    (event) => event.index >= 0 && event.message !== messages[event.index] && !state.masked.has(event.index),
  );
  state.lastShown = { before: view.length, after: shown.length };
  for (const event of hidden) state.hidden.add(event.index);
  for (const event of masked) state.masked.add(event.index);
  state.unreported.hidden.push(...hidden);
  state.unreported.masked.push(...masked);
  return { hidden, masked };
}

/**
 * Whether what a view-only condenser has hidden or masked since its last report is worth a condensation
 * event: the first time, or once it is half as many events as the model still sees in full. A sliding
 * window hides an event or two every step; OpenHands records no event for these condensers at all, and
 * one line per step would bury a long run's progress, while the ids reported still add up to all but the
 * last few hidden.
 */
export function isMaterial(state: ConversationState, shown: View): boolean {
  const { hidden, masked } = state.unreported;
  const pending = hidden.length + masked.length;
  if (pending === 0) return false;
  if (!state.reported) return true;
  const inFull = shown.filter((event) => !state.masked.has(event.index)).length;
  return pending >= Math.max(1, Math.ceil(inFull / 2));
}

/** Takes what is unreported, for a condensation event that reports it. */
export function takeUnreported(state: ConversationState): { hidden: ViewEvent[]; masked: ViewEvent[] } {
  const taken = state.unreported;
  state.unreported = { hidden: [], masked: [] };
  state.reported = true;
  return taken;
}
