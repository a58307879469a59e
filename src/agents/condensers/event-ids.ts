/**
 * Which history event each message of an agent's conversation came from, so a condensation can name
 * the events it forgot by their ids in the trajectory. The loop appends a message and its event
 * together; this follows both lists forward, each event looked at once (no rescans of the history).
 */
import type { ChatMessage } from "../../llm/messages.ts";
import type { History, RunEvent } from "../events.ts";

/** The agent whose conversation it is. */
export interface ConversationOwner {
  readonly name: string;
  readonly depth: number;
}

/** Follows a conversation's messages to their history events. */
export interface EventIdTracker {
  /** Brings the ids up to date with the messages, and returns the id of message `index` (or null). */
  idOf(index: number): number | null;
  update(messages: readonly ChatMessage[]): void;
}

type AgentEvent = Extract<RunEvent, { type: "agent_start" | "llm_response" | "observation" }>;

function isOwnEvent(event: RunEvent, owner: ConversationOwner): event is AgentEvent {
  return (
    (event.type === "agent_start" || event.type === "llm_response" || event.type === "observation") &&
    event.agent === owner.name &&
    event.depth === owner.depth
  );
}

/** Whether a message is the one an event recorded. */
function isEventOf(message: ChatMessage, event: AgentEvent): boolean {
  switch (message.role) {
    case "user":
      return event.type === "agent_start" || (event.type === "observation" && event.tool_call_id === "");
    case "assistant":
      return event.type === "llm_response";
    case "tool":
      return event.type === "observation" && event.tool_call_id === message.tool_call_id;
    default:
      return false;
  }
}

/** Creates a tracker for the conversation of `owner`, starting at its latest `agent_start`. */
export function createEventIdTracker(history: History, owner: ConversationOwner): EventIdTracker {
  const ids: (number | null)[] = [];
  const pending: AgentEvent[] = [];
  // The conversation began at this agent's latest start: earlier instances of it are other conversations.
  let scanned = history.events.length;
  for (let position = history.events.length - 1; position >= 0; position -= 1) {
    const event = history.events[position];
    if (event?.type === "agent_start" && event.agent === owner.name && event.depth === owner.depth) {
      scanned = position;
      break;
    }
  }
  return {
    idOf: (index) => ids[index] ?? null,
    update(messages) {
      for (; scanned < history.events.length; scanned += 1) {
        const event = history.events[scanned];
        if (event !== undefined && isOwnEvent(event, owner)) pending.push(event);
      }
      // Events no message claimed (another caller's list) must not make every lookup slower.
      if (pending.length > 64) pending.splice(0, pending.length - 64);
      if (messages.length < ids.length) ids.length = messages.length;
      for (let index = ids.length; index < messages.length; index += 1) {
        const message = messages[index] as ChatMessage;
        const at = pending.findIndex((event) => isEventOf(message, event));
        if (at < 0) {
          ids.push(null);
          continue;
        }
        ids.push((pending[at] as AgentEvent).id);
        pending.splice(0, at + 1);
      }
    },
  };
}
