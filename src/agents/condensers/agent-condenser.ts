/**
 * A condenser at work on an agent's conversations: what it has forgotten so far (per message list, so
 * a caller that keeps one list across tasks keeps its condensation too: conversation-state.ts), the
 * view to send each step, and a `condensation` event in the history whenever it forgets events, and when
 * what a view-only condenser hides or masks has grown materially since its last report. Per step the work is proportional to the view (bounded by the condenser), plus the new messages.
 */
import { maskSecrets } from "../../config/secrets.ts";
import type { ChatMessage } from "../../llm/messages.ts";
import type { History } from "../events.ts";
import type { ConversationCondenser } from "../loop.ts";
import { completeCondensed } from "./condensed-call.ts";
import type { Condensation, Condenser } from "./condenser.ts";
import {
  applyCondensation,
  type ConversationState,
  conversationStateOf,
  existingStateOf,
  isMaterial,
  newlyHiddenOrMasked,
  takeUnreported,
} from "./conversation-state.ts";
import type { ConversationOwner } from "./event-ids.ts";
import { isSummary, SUMMARY_INDEX, type ViewEvent } from "./view.ts";

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

/** Rounds of condensing per step: a pipeline of rolling condensers may condense more than once. */
const MAX_ROUNDS = 4;

/** What a condensation event reports besides the condenser and its state. */
interface CondensationReport {
  forgotten: readonly ViewEvent[];
  masked: readonly ViewEvent[];
  before: number;
  after: number;
  call?: Condensation["call"];
}

/** Appends the `condensation` event: what `acted` forgot or masked, by event id, and its summariser's call. */
function recordCondensation(
  request: ViewRequest,
  owner: ConversationOwner,
  state: ConversationState,
  acted: Condenser,
  details: CondensationReport,
): void {
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
}

/**
 * Condenses a conversation's view for one step: rounds of condensations (each applied and recorded),
 * until the condenser returns a view, whose newly hidden or masked events are recorded too.
 */
async function condenseView(
  condenser: Condenser,
  owner: ConversationOwner,
  messages: readonly ChatMessage[],
  request: ViewRequest,
): Promise<CondensedView> {
  const state = conversationStateOf(messages, request.history, owner);
  let requested = request.requested;
  let changed = false;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const view = state.view;
    const result = await condenser.condense(view, { requested, signal: request.signal });
    if (result.kind === "condensation") {
      applyCondensation(state, view, result, messages);
      const after = state.kept.length + (state.summary === null ? 0 : 1);
      recordCondensation({ ...request, requested }, owner, state, result.condenser, {
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
      const { hidden, masked } = newlyHiddenOrMasked(state, view, shown, messages);
      if (hidden.length > 0 || masked.length > 0) changed = true;
      // Asked (the prompt was too long), the change is always reported; else once it is material.
      if ((requested && changed) || isMaterial(state, shown)) {
        const unreported = takeUnreported(state);
        recordCondensation({ ...request, requested }, owner, state, condenser, {
          forgotten: unreported.hidden,
          masked: unreported.masked,
          before: view.length,
          after: shown.length,
        });
      }
    }
    // A copy: the caller may keep it while the conversation grows (a slice, not a rebuild).
    return {
      messages: shown === view ? state.sent.slice() : shown.map((event) => event.message),
      changed,
    };
  }
  return { messages: state.sent.slice(), changed };
}

/**
 * At a task's end, reports what a view-only condenser hid or masked since its last event (if anything),
 * so the trajectory lists every event the model stopped seeing, the last few included.
 */
function reportUnreported(
  condenser: Condenser,
  owner: ConversationOwner,
  messages: readonly ChatMessage[],
  history: History,
): void {
  const state = existingStateOf(messages);
  if (state === undefined || state.unreported.hidden.length + state.unreported.masked.length === 0) return;
  const unreported = takeUnreported(state);
  recordCondensation({ history, requested: false }, owner, state, condenser, {
    forgotten: unreported.hidden,
    masked: unreported.masked,
    ...state.lastShown,
  });
}

/**
 * Wraps a condenser for an agent instance.
 * @example const condensing = createAgentCondenser(createCondenser(config, llmFor), { name: "CodeActAgent", depth: 0 });
 */
export function createAgentCondenser(condenser: Condenser, owner: ConversationOwner): AgentCondenser {
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
    finish: (messages, run) => reportUnreported(condenser, owner, messages, run.history),
    async viewFor(messages, request) {
      // Nothing to keep track of: the conversation is sent as it is, at no cost per step.
      if (condenser.type === "noop") return { messages: messages as ChatMessage[], changed: false };
      return condenseView(condenser, owner, messages, request);
    },
  };
  return agentCondenser;
}
