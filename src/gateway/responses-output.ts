/**
 * The Responses dialect's answer side: the runtime's `Completion` → a `response` object
 * (responses-object.ts), and its stream → typed events (responses-events.ts).
 */
import type { Dialect } from "./dialect.ts";
import { createEventRenderer } from "./responses-events.ts";
import {
  callItem,
  finishedResponse,
  incompleteReason,
  messageItem,
  newResponseId,
  type ResponseIdentity,
} from "./responses-object.ts";

/** The Responses dialect of one answer. */
export function createResponsesDialect(identity: ResponseIdentity): Dialect {
  return {
    renderCompletion(completion) {
      identity.onCompleted?.(completion);
      const status = incompleteReason(completion) === null ? "completed" : "incomplete";
      const output: Record<string, unknown>[] = [];
      if (completion.text !== "") output.push(messageItem(newResponseId("msg"), completion.text, status));
      for (const call of completion.toolCalls)
        output.push(callItem(newResponseId("fc"), { id: call.id, ...call.function }, "completed"));
      return finishedResponse(identity, completion, output);
    },
    createStreamRenderer: (model) => createEventRenderer(identity, model),
  };
}
