/**
 * Events as a summariser reads them: one block per event, named by its place in the conversation, its
 * text cut in the middle at `max_event_length` characters (as OpenHands cuts long observations).
 */
import { textOf } from "../../llm/messages.ts";
import { truncateMiddle } from "../../llm/truncate.ts";
import type { ViewEvent } from "./view.ts";

/** One event as plain text: who said or did what. */
export function describeEvent(event: ViewEvent): string {
  const { message } = event;
  switch (message.role) {
    case "system":
      return `System prompt:\n${textOf(message.content)}`;
    case "user":
      return `User:\n${textOf(message.content)}`;
    case "tool":
      return `Tool result (${message.tool_call_id}):\n${message.content}`;
    case "assistant": {
      const calls = (message.tool_calls ?? []).map(
        (call) => `Called ${call.function.name} (${call.id}) with ${call.function.arguments || "{}"}`,
      );
      return [`Agent:`, ...(message.content ? [message.content] : []), ...calls].join("\n");
    }
  }
}

/** An event as a tagged block of at most `maxLength` characters of content. */
export function formatEventBlock(event: ViewEvent, maxLength: number): string {
  return `<EVENT id=${event.index}>\n${truncateMiddle(describeEvent(event), maxLength)}\n</EVENT>`;
}
