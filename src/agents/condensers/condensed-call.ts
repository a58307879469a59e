/**
 * The agent loop's one hook into condensing: before each call the agent's condenser turns the
 * conversation into the view to send; when the provider answers that the prompt is too long, the
 * condenser is asked to condense and the call is retried once — never more, so a history that will not
 * fit ends the run with one clear line instead of a loop.
 */
import type { Completion } from "../../llm/client.ts";
import { LlmError, rewrapLlmError } from "../../llm/errors.ts";
import type { ChatMessage } from "../../llm/messages.ts";
import type { ConversationOwner } from "./event-ids.ts";

/** Whether an error says the prompt does not fit the model's context (the provider's or our own count). */
export function isContextTooLong(error: unknown): error is LlmError {
  return (
    error instanceof LlmError && (error.kind === "context_window_exceeded" || error.kind === "token_limit")
  );
}

function tooLong(error: LlmError, owner: ConversationOwner, detail: string): LlmError {
  return rewrapLlmError(error, {
    message: `${owner.name}: the prompt is too long for config "${error.configName}" (model ${error.model}) ${detail}`,
    kind: "context_window_exceeded",
    retryable: false,
    retryAfterMs: undefined,
  });
}

/** The condenser's side of a call: the view to send, condensed now when `requested`. */
export type ViewSource = (requested: boolean) => Promise<{ messages: ChatMessage[]; changed: boolean }>;

/**
 * Makes `call` on the view `viewOf` gives; a context-too-long answer asks for a condensed view and
 * retries once. `type` names the condenser in the error when that is not enough.
 * @example const completion = await completeCondensed(viewOf, owner, "llm", (view) => llm.complete({ messages: view }));
 */
export async function completeCondensed(
  viewOf: ViewSource,
  owner: ConversationOwner,
  type: string,
  call: (view: ChatMessage[]) => Promise<Completion>,
): Promise<Completion> {
  const first = await viewOf(false);
  try {
    return await call(first.messages);
  } catch (error) {
    if (!isContextTooLong(error)) throw error;
    const again = await viewOf(true);
    if (!again.changed) {
      throw tooLong(
        error,
        owner,
        `and its condenser (${type}) cannot shorten the history; set one that forgets events, e.g. [condenser] type = "llm" with a cheap llm_config`,
      );
    }
    try {
      return await call(again.messages);
    } catch (retried) {
      if (!isContextTooLong(retried)) throw retried;
      throw tooLong(
        retried,
        owner,
        `even after its condenser (${type}) condensed the history once; lower the condenser's max_size or keep_first, or use a config with a larger context window`,
      );
    }
  }
}
