/**
 * A condenser at work on an agent's conversations: what it has forgotten so far (per message list, so
 * a caller that keeps one list across tasks keeps its condensation too), the view to send each step,
 * and a `condensation` event in the history whenever it forgets, hides or masks events.
 * Per step the work is proportional to the view (bounded by the condenser), plus the new messages.
 */
import { maskSecrets } from "../../config/secrets.ts";
import type { ChatMessage } from "../../llm/messages.ts";
import type { History } from "../events.ts";
import type { ConversationCondenser } from "../loop.ts";
import { completeCondensed } from "./condensed-call.ts";
import type { Condensation, Condenser } from "./condenser.ts";
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
interface ConversationState {
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
  /** Messages reported hidden or masked by a condenser that recomputes its view every step. */
  hidden: Set<number>;
  masked: Set<number>;
  ids: EventIdTracker;
}

/** How one step is condensed. */
export interface ViewRequest {
  history: History;
  /** The provider said the prompt is too long: condense now, if the condenser can. */
  requested: boolean;
  signal?: AbortSignal | undefined;
}

/** The messages to send, and whether this call forgot, hid or masked anything. */
export interface CondensedView {
  messages: ChatMessage[];
  changed: boolean;
}

/** A condenser bound to one agent instance: what the loop calls through. */
export interface AgentCondenser extends ConversationCondenser {
  readonly condenser: Condenser;
  /** The agent whose conversations it condenses. */
  readonly owner: ConversationOwner;
  /** The messages to send this step for a conversation (its full message list). */
  viewFor(messages: readonly ChatMessage[], request: ViewRequest): Promise<CondensedView>;
}

/**
 * What has been condensed, per conversation (its message list), whichever instance condenses it: a
 * chat that switches its agent's config (`/llm`) gets a new instance on the same conversation, and
 * what was forgotten stays forgotten. Weak, so a conversation dropped is state dropped.
 */
const states = new WeakMap<readonly ChatMessage[], ConversationState>();

/** Rounds of condensing per step: a pipeline of rolling condensers may condense more than once. */
const MAX_ROUNDS = 4;

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
 * Wraps a condenser for an agent instance.
 * @example const condensing = createAgentCondenser(createCondenser(config, llmFor), { name: "CodeActAgent", depth: 0 });
 */
export function createAgentCondenser(condenser: Condenser, owner: ConversationOwner): AgentCondenser {
  const stateOf = (messages: readonly ChatMessage[], request: ViewRequest): ConversationState => {
    let state = states.get(messages);
    if (state === undefined || messages.length < state.next) {
      // A new list, or one the caller cut back: start over.
      state = {
        kept: [],
        view: [],
        sent: [],
        next: 0,
        summary: null,
        summaryAfter: -1,
        hidden: new Set(),
        masked: new Set(),
        ids: createEventIdTracker(request.history, owner),
      };
      states.set(messages, state);
    }
    // New messages follow everything in the view (the summary included): a step costs its own size.
    for (; state.next < messages.length; state.next += 1) {
      const message = messages[state.next] as ChatMessage;
      state.kept.push(state.next);
      state.view.push({ index: state.next, message });
      state.sent.push(message);
    }
    state.ids.update(messages);
    return state;
  };

  const record = (
    request: ViewRequest,
    state: ConversationState,
    acted: Condenser,
    details: {
      forgotten: readonly ViewEvent[];
      masked: readonly ViewEvent[];
      before: number;
      after: number;
      call?: Condensation["call"];
    },
  ) => {
    const idsOf = (events: readonly ViewEvent[]) =>
      events.flatMap((event) => {
        const id = event.index === SUMMARY_INDEX ? null : state.ids.idOf(event.index);
        return id === null ? [] : [id];
      });
    const { call } = details;
    request.history.append({
      type: "condensation",
      agent: owner.name,
      depth: owner.depth,
      condenser: acted.type,
      config: maskSecrets({ ...acted.config }, ["condenser"]) as Record<string, unknown>,
      reason: request.requested ? "context_window_exceeded" : "size",
      forgotten_event_ids: idsOf(details.forgotten),
      forgotten: details.forgotten.filter((event) => !isSummary(event)).length,
      masked_event_ids: idsOf(details.masked),
      summary: state.summary,
      events_before: details.before,
      events_after: details.after,
      llm_config: call?.configName ?? null,
      model: call?.model ?? null,
      usage: call?.usage ?? null,
      cost: call?.cost.usd ?? null,
    });
  };

  const agentCondenser: AgentCondenser = {
    condenser,
    owner,
    complete: (messages, run, call) =>
      completeCondensed(
        (requested) =>
          agentCondenser.viewFor(messages, { history: run.history, requested, signal: run.signal }),
        owner,
        condenser.type,
        call,
      ),
    async viewFor(messages, request) {
      // Nothing to keep track of: the conversation is sent as it is, at no cost per step.
      if (condenser.type === "noop") return { messages: messages as ChatMessage[], changed: false };
      const state = stateOf(messages, request);
      let requested = request.requested;
      let changed = false;
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const view = state.view;
        const result = await condenser.condense(view, { requested, signal: request.signal });
        if (result.kind === "condensation") {
          const forgotten = new Set(result.forgotten.map((event) => event.index));
          state.kept = state.kept.filter((index) => !forgotten.has(index));
          if (forgotten.has(SUMMARY_INDEX)) state.summary = null;
          if (result.summary !== undefined) {
            state.summary = result.summary;
            state.summaryAfter = anchorOf(view, result.summaryOffset ?? 0);
          }
          state.view = buildView(state, messages);
          state.sent = state.view.map((event) => event.message);
          const after = state.kept.length + (state.summary === null ? 0 : 1);
          record({ ...request, requested }, state, result.condenser, {
            forgotten: result.forgotten,
            masked: [],
            before: view.length,
            after,
            call: result.call,
          });
          changed = true;
          requested = false;
          continue;
        }
        const shown = result.view;
        if (shown !== view) {
          // A view-only condenser (recent, observation_masking): report what it newly hides or masks.
          const present = new Set(shown.map((event) => event.index));
          const hidden = view.filter((event) => !present.has(event.index) && !state.hidden.has(event.index));
          const masked = shown.filter(
            (event) =>
              event.index >= 0 && event.message !== messages[event.index] && !state.masked.has(event.index),
          );
          for (const event of hidden) state.hidden.add(event.index);
          for (const event of masked) state.masked.add(event.index);
          if (hidden.length > 0 || masked.length > 0) {
            record({ ...request, requested }, state, condenser, {
              forgotten: hidden,
              masked,
              before: view.length,
              after: shown.length,
            });
            changed = true;
          }
        }
        // A copy: the caller may keep it while the conversation grows (a slice, not a rebuild).
        return {
          messages: shown === view ? state.sent.slice() : shown.map((event) => event.message),
          changed,
        };
      }
      return { messages: state.sent.slice(), changed };
    },
  };
  return agentCondenser;
}
