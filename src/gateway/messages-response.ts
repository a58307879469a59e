/**
 * The Anthropic Messages dialect at the edge, outbound: a runtime `Completion` → a `type: "message"`
 * object, and gateway errors → `{ type: "error", error: { type, message } }` with the status that
 * makes `@anthropic-ai/sdk` raise the matching class (BadRequestError, AuthenticationError, ...).
 */
import type { Completion, FinishReason, Usage } from "../llm/index.ts";
import type { GatewayError } from "./errors.ts";

/** Identity of one message: its `msg_` id and the model it names. */
export interface MessageIdentity {
  id: string;
  model: string;
}

/** A new `msg_…` id (Anthropic's ids are `msg_` and 24 base-62 characters; any unique text works for clients). */
export function createMessageId(): string {
  return `msg_llmconf_${crypto.randomUUID().replaceAll("-", "")}`;
}

/**
 * Anthropic's usage: its `input_tokens` leaves out what was read from or written to the prompt cache,
 * which the runtime counts in.
 */
export function toAnthropicUsage(usage: Usage) {
  return {
    input_tokens: Math.max(0, usage.input_tokens - usage.cache_read_tokens - usage.cache_write_tokens),
    cache_creation_input_tokens: usage.cache_write_tokens,
    cache_read_input_tokens: usage.cache_read_tokens,
    output_tokens: usage.output_tokens,
  };
}

/**
 * Anthropic's `stop_reason` for a runtime finish reason; a call that made tool calls stopped for them,
 * one ended by a stop sequence the upstream named (`completion.stopSequence`) stopped on it.
 */
export function toStopReason(reason: FinishReason, calledTools: boolean, stopSequence?: string): string {
  if (reason === "tool_calls" || (calledTools && reason === "stop")) return "tool_use";
  if (reason === "stop" && stopSequence !== undefined) return "stop_sequence";
  if (reason === "length") return "max_tokens";
  if (reason === "content_filter") return "refusal";
  return "end_turn";
}

/**
 * The `stop_reason` and `stop_sequence` of a completion. An OpenAI-wire upstream never says which stop
 * sequence matched (nor strips it visibly: the answer just ends), so its answers stay `end_turn`.
 */
export function toStop(completion: Completion) {
  const { finishReason, toolCalls, stopSequence } = completion;
  const stopReason = toStopReason(finishReason, toolCalls.length > 0, stopSequence);
  return {
    stop_reason: stopReason,
    stop_sequence: stopReason === "stop_sequence" ? (stopSequence ?? null) : null,
  };
}

/** A tool call's arguments as the object Anthropic's `input` must be; text that is not one becomes `{}`. */
export function parseToolInput(argumentsText: string): Record<string, unknown> {
  try {
    const input: unknown = JSON.parse(argumentsText === "" ? "{}" : argumentsText);
    if (typeof input === "object" && input !== null && !Array.isArray(input))
      return input as Record<string, unknown>;
  } catch {
    // Malformed arguments from the model: Anthropic's shape has no place for them.
  }
  return {};
}

/** The `type: "message"` object of a runtime completion. */
export function renderMessage(completion: Completion, identity: MessageIdentity) {
  const content: unknown[] = [];
  if (completion.text !== "") content.push({ type: "text", text: completion.text });
  for (const call of completion.toolCalls)
    content.push({
      type: "tool_use",
      id: call.id,
      name: call.function.name,
      input: parseToolInput(call.function.arguments),
    });
  return {
    id: identity.id,
    type: "message",
    role: "assistant",
    model: identity.model,
    content,
    ...toStop(completion),
    usage: toAnthropicUsage(completion.usage),
  };
}

const typeByStatus: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  503: "overloaded_error",
  529: "overloaded_error",
};

/** The Anthropic error type of a gateway error, chosen by its status as Anthropic's API does. */
export function toAnthropicErrorType(status: number): string {
  return typeByStatus[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

/** The Anthropic error body of a gateway error. */
export function toAnthropicErrorBody(error: GatewayError) {
  return { type: "error", error: { type: toAnthropicErrorType(error.status), message: error.message } };
}
