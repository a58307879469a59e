/**
 * OpenAI chat completions on the wire: request reading, JSON responses, `chat.completion.chunk` streams
 * and `{ error: { message, type, param, code } }` errors, matching what api.openai.com sends.
 */
import { type ContentPart, type FinishReason, textOf } from "../llm/messages.ts";
import { isJsonObject } from "../llm/replies/behaviours.ts";
import { renderOpenAiError } from "../llm/replies/openai-error.ts";
import {
  type Conversation,
  type ResolvedReply,
  splitArgumentsIntoPieces,
  splitTextIntoPieces,
} from "../llm/replies/replies.ts";
import { formatServerSentEvent, type ResponseIdentity, type Wire } from "./wire.ts";

const emptyUsage = { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 };

/** The OpenAI chat completions wire. */
export const openAiWire: Wire = {
  requestIdHeader: "x-request-id",
  toolCallIdPrefix: "call_",
  formatResponseId: (sequence) => `chatcmpl-fake${sequence}`,
  readRequest,
  renderReply,
  renderReplyEvents,
  renderEmpty: (identity) => ({
    ...formatHead(identity, "chat.completion"),
    choices: [],
    usage: formatUsage(emptyUsage),
  }),
  renderEmptyEvents: (identity, includeUsage) => [
    formatServerSentEvent({ ...formatHead(identity, "chat.completion.chunk"), choices: [], usage: null }),
    ...(includeUsage ? [formatServerSentEvent(formatUsageChunk(identity, emptyUsage))] : []),
    formatServerSentEvent("[DONE]"),
  ],
  renderError: renderOpenAiError,
  renderOpenTextStream: (identity) => {
    const chunk = (delta: Record<string, unknown>) =>
      formatServerSentEvent({
        ...formatHead(identity, "chat.completion.chunk"),
        choices: [{ index: 0, delta, logprobs: null, finish_reason: null }],
      });
    return {
      head: [chunk({ role: "assistant", content: "", refusal: null })],
      delta: (text) => chunk({ content: text }),
    };
  },
};

function readRequest(body: unknown) {
  if (!isJsonObject(body)) return "We could not parse the JSON body of your request.";
  if (typeof body.model !== "string") return "you must provide a model parameter";
  if (!Array.isArray(body.messages)) return "Missing required parameter: 'messages'.";
  const texts: string[] = [];
  let lastUserText = "";
  for (const message of body.messages as unknown[]) {
    if (!isJsonObject(message)) return "Invalid type for 'messages': expected an array of objects.";
    const content = message.content;
    const text =
      typeof content === "string" || Array.isArray(content) ? textOf(content as string | ContentPart[]) : "";
    texts.push(text);
    if (message.role === "user" && text !== "") lastUserText = text;
    for (const call of Array.isArray(message.tool_calls) ? message.tool_calls : []) {
      const toolFunction = isJsonObject(call) && isJsonObject(call.function) ? call.function : {};
      texts.push(`${toolFunction.name ?? ""}${toolFunction.arguments ?? ""}`);
    }
  }
  const conversation: Conversation = {
    model: body.model,
    lastUserText,
    promptText: texts.filter((text) => text !== "").join("\n"),
  };
  const streamOptions = isJsonObject(body.stream_options) ? body.stream_options : {};
  return { conversation, stream: body.stream === true, includeUsage: streamOptions.include_usage === true };
}

function formatHead(identity: ResponseIdentity, object: string) {
  return {
    id: openAiWire.formatResponseId(identity.sequence),
    object,
    created: identity.created,
    model: identity.model,
    system_fingerprint: "fp_fake",
  };
}

function formatUsage(usage: ResolvedReply["usage"]) {
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.input_tokens + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: usage.cache_read_tokens, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
  };
}

function formatFinishReason(reason: FinishReason): string {
  return reason === "error" || reason === "other" ? "stop" : reason;
}

function renderReply(reply: ResolvedReply, identity: ResponseIdentity) {
  const hasToolCalls = reply.toolCalls.length > 0;
  const toolCalls = reply.toolCalls.map((call) => ({
    id: call.id,
    type: "function",
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    ...formatHead(identity, "chat.completion"),
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: reply.text === "" && hasToolCalls ? null : reply.text,
          refusal: null,
          ...(hasToolCalls ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: formatFinishReason(reply.finishReason),
      },
    ],
    usage: formatUsage(reply.usage),
  };
}

function formatUsageChunk(identity: ResponseIdentity, usage: ResolvedReply["usage"]) {
  return { ...formatHead(identity, "chat.completion.chunk"), choices: [], usage: formatUsage(usage) };
}

function renderReplyEvents(
  reply: ResolvedReply,
  identity: ResponseIdentity,
  includeUsage: boolean,
): string[] {
  // OpenAI sends `usage: null` on every chunk only when the caller asked for usage.
  const usageField = includeUsage ? { usage: null } : {};
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) =>
    formatServerSentEvent({
      ...formatHead(identity, "chat.completion.chunk"),
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
      ...usageField,
    });
  const events = [chunk({ role: "assistant", content: "", refusal: null })];
  for (const piece of splitTextIntoPieces(reply.text)) events.push(chunk({ content: piece }));
  reply.toolCalls.forEach((call, index) => {
    events.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
      }),
    );
    for (const piece of splitArgumentsIntoPieces(call.arguments)) {
      events.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  events.push(chunk({}, formatFinishReason(reply.finishReason)));
  if (includeUsage) events.push(formatServerSentEvent(formatUsageChunk(identity, reply.usage)));
  events.push(formatServerSentEvent("[DONE]"));
  return events;
}
