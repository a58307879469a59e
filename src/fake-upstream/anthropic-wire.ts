/**
 * Anthropic Messages on the wire: request reading, `type: "message"` responses, named SSE events
 * (`message_start` … `message_stop`) and `{ type: "error", error: { type, message } }` errors.
 */
import type { FinishReason, Usage } from "../llm/messages.ts";
import { type HttpErrorBehaviour, isJsonObject } from "../llm/replies/behaviours.ts";
import {
  type Conversation,
  type ResolvedReply,
  splitArgumentsIntoPieces,
  splitTextIntoPieces,
} from "../llm/replies/replies.ts";
import { formatServerSentEvent, type ResponseIdentity, type Wire } from "./wire.ts";

const errorTypes: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  529: "overloaded_error",
};

const stopReasons: Record<FinishReason, string> = {
  stop: "end_turn",
  length: "max_tokens",
  tool_calls: "tool_use",
  content_filter: "refusal",
  error: "end_turn",
  other: "end_turn",
};

/** The Anthropic Messages wire. */
export const anthropicWire: Wire = {
  requestIdHeader: "request-id",
  toolCallIdPrefix: "toolu_",
  formatResponseId: (sequence) => `msg_fake${sequence}`,
  readRequest,
  renderReply: (reply, identity) => ({
    ...formatMessageHead(identity, reply.usage),
    content: [
      ...(reply.text === "" && reply.toolCalls.length > 0 ? [] : [{ type: "text", text: reply.text }]),
      ...reply.toolCalls.map((call) => ({
        type: "tool_use",
        id: call.id,
        name: call.name,
        input: parseInput(call.arguments),
      })),
    ],
    ...formatStop(reply),
  }),
  renderReplyEvents,
  renderEmpty: (identity) => ({ ...formatMessageHead(identity, emptyUsage), stop_reason: "end_turn" }),
  renderEmptyEvents: (identity) => [
    formatServerSentEvent(
      { type: "message_start", message: formatMessageHead(identity, emptyUsage) },
      "message_start",
    ),
    formatMessageDelta({ stop_reason: "end_turn", stop_sequence: null }, 0),
    formatServerSentEvent({ type: "message_stop" }, "message_stop"),
  ],
  renderError: (error, conversation) => ({
    type: "error",
    error: {
      type: errorTypes[error.status] ?? (error.status >= 500 ? "api_error" : "invalid_request_error"),
      message:
        error.message ??
        (error.code === "context_length_exceeded"
          ? `prompt is too long: ${200_001 + (conversation?.promptText.length ?? 0)} tokens > 200000 maximum`
          : formatDefaultMessage(error)),
    },
  }),
  renderOpenTextStream: (identity) => ({
    head: [
      formatServerSentEvent(
        { type: "message_start", message: formatMessageHead(identity, emptyUsage) },
        "message_start",
      ),
      formatServerSentEvent(
        { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
        "content_block_start",
      ),
    ],
    delta: (text) =>
      formatServerSentEvent(
        { type: "content_block_delta", index: 0, delta: { type: "text_delta", text } },
        "content_block_delta",
      ),
  }),
};

const emptyUsage: Usage = { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 };

function formatDefaultMessage(error: HttpErrorBehaviour): string {
  if (error.status === 401) return "invalid x-api-key";
  if (error.status === 429) return "Number of request tokens has exceeded your per-minute rate limit";
  if (error.status === 529) return "Overloaded";
  return error.status >= 500 ? "Internal server error" : "Invalid request";
}

function readRequest(body: unknown) {
  if (!isJsonObject(body)) return "The request body is not valid JSON.";
  if (typeof body.model !== "string") return "model: Field required";
  if (typeof body.max_tokens !== "number") return "max_tokens: Field required";
  if (!Array.isArray(body.messages)) return "messages: Field required";
  const texts = [textOfBlocks(body.system)];
  let lastUserText = "";
  for (const message of body.messages as unknown[]) {
    if (!isJsonObject(message)) return "messages: Input should be a valid list of objects";
    const text = textOfBlocks(message.content);
    texts.push(text, textOfOtherBlocks(message.content));
    if (message.role === "user" && text !== "") lastUserText = text;
  }
  const conversation: Conversation = {
    model: body.model,
    lastUserText,
    promptText: texts.filter((text) => text !== "").join("\n"),
  };
  return { conversation, stream: body.stream === true, includeUsage: true };
}

/** The text blocks of a content value (a string or a block list); tool blocks are not user text. */
function textOfBlocks(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((block) => (isJsonObject(block) && block.type === "text" ? String(block.text) : ""))
    .join("");
}

function textOfOtherBlocks(content: unknown): string {
  if (!Array.isArray(content)) return "";
  return content
    .map((block) => {
      if (!isJsonObject(block)) return "";
      if (block.type === "tool_use") return `${block.name}${JSON.stringify(block.input)}`;
      if (block.type === "tool_result") return textOfBlocks(block.content);
      return "";
    })
    .join("");
}

function parseInput(argumentsText: string): unknown {
  // Anthropic can only carry an object; invalid scripted JSON becomes {} (the stream keeps the raw text).
  try {
    const input: unknown = JSON.parse(argumentsText);
    return isJsonObject(input) ? input : {};
  } catch {
    return {};
  }
}

function formatUsage(usage: Usage) {
  return {
    input_tokens: Math.max(0, usage.input_tokens - usage.cache_read_tokens - usage.cache_write_tokens),
    cache_creation_input_tokens: usage.cache_write_tokens,
    cache_read_input_tokens: usage.cache_read_tokens,
    output_tokens: usage.output_tokens,
  };
}

function formatMessageHead(identity: ResponseIdentity, usage: Usage) {
  return {
    id: anthropicWire.formatResponseId(identity.sequence),
    type: "message",
    role: "assistant",
    model: identity.model,
    content: [] as unknown[],
    stop_reason: null as string | null,
    stop_sequence: null,
    usage: formatUsage(usage),
  };
}

/** The reply's `stop_reason` and `stop_sequence` (set when a request's stop sequence ended it). */
function formatStop(reply: ResolvedReply) {
  if (reply.stopSequence !== undefined && reply.finishReason === "stop")
    return { stop_reason: "stop_sequence", stop_sequence: reply.stopSequence };
  return { stop_reason: stopReasons[reply.finishReason], stop_sequence: null };
}

function formatMessageDelta(
  stop: { stop_reason: string; stop_sequence: string | null },
  outputTokens: number,
): string {
  return formatServerSentEvent(
    {
      type: "message_delta",
      delta: stop,
      usage: { output_tokens: outputTokens },
    },
    "message_delta",
  );
}

function renderReplyEvents(reply: ResolvedReply, identity: ResponseIdentity): string[] {
  // Like the real API, message_start reports input usage and a token of output; message_delta the total.
  const startUsage = { ...reply.usage, output_tokens: Math.min(1, reply.usage.output_tokens) };
  const events = [
    formatServerSentEvent(
      { type: "message_start", message: formatMessageHead(identity, startUsage) },
      "message_start",
    ),
  ];
  const event = (data: Record<string, unknown>) =>
    events.push(formatServerSentEvent(data, String(data.type)));
  let index = 0;
  if (reply.text !== "" || reply.toolCalls.length === 0) {
    event({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
    events.push(formatServerSentEvent({ type: "ping" }, "ping"));
    for (const piece of splitTextIntoPieces(reply.text)) {
      event({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } });
    }
    event({ type: "content_block_stop", index });
    index += 1;
  }
  for (const call of reply.toolCalls) {
    event({
      type: "content_block_start",
      index,
      content_block: { type: "tool_use", id: call.id, name: call.name, input: {} },
    });
    for (const piece of splitArgumentsIntoPieces(call.arguments)) {
      event({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: piece } });
    }
    event({ type: "content_block_stop", index });
    index += 1;
  }
  events.push(formatMessageDelta(formatStop(reply), reply.usage.output_tokens));
  events.push(formatServerSentEvent({ type: "message_stop" }, "message_stop"));
  return events;
}
