/**
 * The Responses dialect's objects: a `response` in any status, its output items (a message, a
 * function call) and its usage, shared by the whole answer and the streamed events.
 */
import type { Completion, Usage } from "../llm/index.ts";
import type { ResponsesRequest } from "./responses-input.ts";

type Json = Record<string, unknown>;

/** A fresh id in OpenAI's style: a prefix and 32 hex digits. */
export const newResponseId = (prefix: "resp" | "msg" | "fc") =>
  `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;

/** Who a response is and what its request said, for every response object it is rendered as. */
export interface ResponseIdentity {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  request: ResponsesRequest;
  /** Called with the final completion, before it is rendered (to keep the response). */
  onCompleted?: (completion: Completion) => void;
}

/** OpenAI's usage object of a response. */
export function toResponsesUsage(usage: Usage) {
  return {
    input_tokens: usage.input_tokens,
    input_tokens_details: { cached_tokens: usage.cache_read_tokens },
    output_tokens: usage.output_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.input_tokens + usage.output_tokens,
  };
}

/** Why a completion's response is incomplete, or null when it completed. */
export function incompleteReason(completion: Completion): string | null {
  if (completion.finishReason === "length") return "max_output_tokens";
  if (completion.finishReason === "content_filter") return "content_filter";
  return null;
}

/** The status of a response object. */
export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

/** A `response` object: the request's settings echoed, no output yet unless `extra` gives it. */
export function responseObject(
  identity: ResponseIdentity,
  model: string,
  status: ResponseStatus,
  extra: Json = {},
): Json {
  const { request } = identity;
  return {
    id: identity.id,
    object: "response",
    created_at: identity.createdAt,
    status,
    error: null,
    incomplete_details: null,
    instructions: request.instructions,
    model,
    output: [],
    parallel_tool_calls: request.echo.parallel_tool_calls,
    previous_response_id: request.previousResponseId,
    reasoning: { effort: request.call.params.reasoning_effort ?? null, summary: null },
    store: request.store,
    temperature: request.echo.temperature,
    text: request.echo.text,
    tool_choice: request.echo.tool_choice,
    tools: request.echo.tools,
    top_p: request.echo.top_p,
    max_output_tokens: request.echo.max_output_tokens,
    truncation: "disabled",
    metadata: request.echo.metadata,
    usage: null,
    ...extra,
  };
}

/** An assistant message output item with one output_text part. */
export const messageItem = (id: string, text: string, status: string) => ({
  id,
  type: "message",
  status,
  role: "assistant",
  content: [{ type: "output_text", text, annotations: [] }],
});

/** A function_call output item. */
export const callItem = (
  id: string,
  call: { id: string; name: string; arguments: string },
  status: string,
) => ({
  id,
  type: "function_call",
  status,
  call_id: call.id,
  name: call.name,
  arguments: call.arguments,
});

/** The final `response` object of a completion: completed or incomplete, with its output and usage. */
export function finishedResponse(identity: ResponseIdentity, completion: Completion, output: Json[]): Json {
  const reason = incompleteReason(completion);
  return responseObject(identity, completion.model, reason === null ? "completed" : "incomplete", {
    completed_at: Math.max(identity.createdAt, Math.floor(Date.now() / 1000)),
    incomplete_details: reason === null ? null : { reason },
    output,
    usage: toResponsesUsage(completion.usage),
  });
}
