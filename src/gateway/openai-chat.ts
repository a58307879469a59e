/**
 * The OpenAI chat-completions dialect at the edge: request JSON → `ChatCall`, and the runtime's
 * `Completion` / stream deltas → `chat.completion` JSON and `chat.completion.chunk` events.
 */
import type { ChatMessage, Completion, StreamDelta, ToolDefinition, Usage } from "../llm/index.ts";
import type { ChatCall, RequestParams } from "./chat-call.ts";
import type { Dialect } from "./dialect.ts";
import { type GatewayError, invalidRequest, toOpenAiErrorBody } from "./errors.ts";
import { isObject, type Json, optionalNumber } from "./json-fields.ts";

/** Parses a request body as a JSON object, or throws a 400. */
export function parseJsonBody(body: Buffer): Json {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch (error) {
    throw invalidRequest(`the request body is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw invalidRequest("the request body must be a JSON object");
  return value;
}

/** What routing needs of a chat request, checked without converting the messages (the fast path). */
export interface ChatHead {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  params: RequestParams;
}

/** Reads and checks the routing fields and parameters of a chat-completions body. */
export function readChatHead(json: Json): ChatHead {
  if (typeof json.model !== "string" || json.model === "")
    throw invalidRequest('"model" is required: the name of a config (see GET /v1/models)', "model");
  if (!Array.isArray(json.messages) || json.messages.length === 0)
    throw invalidRequest('"messages" must be a non-empty array', "messages");
  if (json.stream !== undefined && json.stream !== null && typeof json.stream !== "boolean")
    throw invalidRequest('"stream" must be a boolean', "stream");
  const n = optionalNumber(json, "n", true);
  if (n !== undefined && n !== 1) throw invalidRequest('"n" other than 1 is not supported', "n");
  const options = json.stream_options;
  if (options !== undefined && options !== null && !isObject(options))
    throw invalidRequest('"stream_options" must be an object', "stream_options");
  const params: RequestParams = {};
  const temperature = optionalNumber(json, "temperature");
  if (temperature !== undefined) params.temperature = temperature;
  const topP = optionalNumber(json, "top_p");
  if (topP !== undefined) params.top_p = topP;
  const maxTokens =
    optionalNumber(json, "max_completion_tokens", true) ?? optionalNumber(json, "max_tokens", true);
  if (maxTokens !== undefined) params.max_output_tokens = maxTokens;
  const seed = optionalNumber(json, "seed", true);
  if (seed !== undefined) params.seed = seed;
  if (json.reasoning_effort !== undefined && json.reasoning_effort !== null) {
    if (typeof json.reasoning_effort !== "string")
      throw invalidRequest('"reasoning_effort" must be a string', "reasoning_effort");
    params.reasoning_effort = json.reasoning_effort;
  }
  return {
    model: json.model,
    stream: json.stream === true,
    includeUsage: isObject(options) && options.include_usage === true,
    params,
  };
}

/** Converts a whole chat-completions body for the runtime (the translated path). */
export function toChatCall(json: Json, head: ChatHead = readChatHead(json)): ChatCall {
  const messages = (json.messages as unknown[]).map(toMessage);
  const tools = json.tools === undefined || json.tools === null ? undefined : toTools(json.tools);
  const choice = json.tool_choice;
  if (
    choice !== undefined &&
    choice !== null &&
    !["auto", "none", "required"].includes(choice as string) &&
    !(isObject(choice) && isObject(choice.function) && typeof choice.function.name === "string")
  )
    throw invalidRequest('"tool_choice" must be "auto", "none", "required" or a function', "tool_choice");
  return {
    ...head,
    messages,
    tools,
    toolChoice: (choice ?? undefined) as ChatCall["toolChoice"],
    stopSequences: toStopSequences(json.stop),
  };
}

/** OpenAI's `stop`: one sequence or several; none when absent. */
function toStopSequences(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return [value];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string"))
    throw invalidRequest('"stop" must be a string or an array of strings', "stop");
  return value;
}

function toMessage(value: unknown, index: number): ChatMessage {
  const param = `messages[${index}]`;
  if (!isObject(value)) throw invalidRequest(`${param} must be an object`, param);
  const content = value.content;
  const textual = typeof content === "string" || Array.isArray(content);
  switch (value.role) {
    case "system":
    case "developer":
      if (!textual) throw invalidRequest(`${param}.content must be a string or an array of parts`, param);
      return { role: "system", content: content as string };
    case "user":
      if (!textual) throw invalidRequest(`${param}.content must be a string or an array of parts`, param);
      return {
        role: "user",
        content: content as string,
        ...(typeof value.name === "string" ? { name: value.name } : {}),
      };
    case "assistant": {
      const calls = value.tool_calls;
      if (calls !== undefined && calls !== null && !Array.isArray(calls))
        throw invalidRequest(`${param}.tool_calls must be an array`, param);
      const text = typeof content === "string" ? content : Array.isArray(content) ? partsText(content) : null;
      return {
        role: "assistant",
        content: text,
        ...(Array.isArray(calls) && calls.length > 0
          ? {
              tool_calls: calls.map((call, position) => toToolCall(call, `${param}.tool_calls[${position}]`)),
            }
          : {}),
      };
    }
    case "tool":
      if (typeof value.tool_call_id !== "string")
        throw invalidRequest(`${param}.tool_call_id is required for a tool message`, param);
      return {
        role: "tool",
        tool_call_id: value.tool_call_id,
        content: typeof content === "string" ? content : Array.isArray(content) ? partsText(content) : "",
      };
    default:
      throw invalidRequest(
        `${param}.role must be one of system, developer, user, assistant, tool`,
        `${param}.role`,
      );
  }
}

function partsText(parts: unknown[]): string {
  return parts.map((part) => (isObject(part) && typeof part.text === "string" ? part.text : "")).join("");
}

function toToolCall(value: unknown, param: string) {
  const fn = isObject(value) ? value.function : undefined;
  if (!isObject(value) || typeof value.id !== "string" || !isObject(fn) || typeof fn.name !== "string")
    throw invalidRequest(`${param} must be { id, type: "function", function: { name, arguments } }`, param);
  const args = typeof fn.arguments === "string" ? fn.arguments : JSON.stringify(fn.arguments ?? {});
  return { id: value.id, type: "function" as const, function: { name: fn.name, arguments: args } };
}

function toTools(value: unknown): ToolDefinition[] {
  if (!Array.isArray(value)) throw invalidRequest('"tools" must be an array', "tools");
  return value.map((tool, index) => {
    const fn = isObject(tool) ? tool.function : undefined;
    if (!isObject(tool) || tool.type !== "function" || !isObject(fn) || typeof fn.name !== "string")
      throw invalidRequest(
        `tools[${index}] must be { type: "function", function: { name, parameters } }`,
        `tools[${index}]`,
      );
    return {
      type: "function",
      function: {
        name: fn.name,
        ...(typeof fn.description === "string" ? { description: fn.description } : {}),
        ...(isObject(fn.parameters) ? { parameters: fn.parameters } : {}),
      },
    };
  });
}

/** OpenAI's usage object for a runtime usage. */
export function toOpenAiUsage(usage: Usage) {
  return {
    prompt_tokens: usage.input_tokens,
    completion_tokens: usage.output_tokens,
    total_tokens: usage.input_tokens + usage.output_tokens,
    prompt_tokens_details: { cached_tokens: usage.cache_read_tokens },
  };
}

/** Identity of one response: its id and creation time (Unix seconds). */
export interface ResponseIdentity {
  id: string;
  created: number;
}

/** A `chat.completion` object for a runtime completion. */
export function renderChatCompletion(completion: Completion, identity: ResponseIdentity): unknown {
  return {
    id: identity.id,
    object: "chat.completion",
    created: identity.created,
    model: completion.model,
    choices: [
      {
        index: 0,
        message: { ...completion.message, refusal: null },
        logprobs: null,
        finish_reason: toOpenAiFinishReason(completion.finishReason, completion.toolCalls.length > 0),
      },
    ],
    usage: toOpenAiUsage(completion.usage),
  };
}

function toOpenAiFinishReason(reason: Completion["finishReason"], calledTools: boolean): string {
  if (reason === "tool_calls" || (calledTools && reason === "stop")) return "tool_calls";
  if (reason === "length" || reason === "content_filter") return reason;
  return "stop";
}

const sse = (value: unknown) => `data: ${JSON.stringify(value)}\n\n`;

/** Renders a runtime stream as `chat.completion.chunk` server-sent events. */
export function createChunkRenderer(identity: ResponseIdentity, model: string) {
  const head = { id: identity.id, object: "chat.completion.chunk", created: identity.created, model };
  const chunk = (delta: unknown, finish: string | null = null) =>
    sse({ ...head, choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }] });
  const started = new Set<number>();
  return {
    /** The first chunk, carrying the role. */
    start: () => chunk({ role: "assistant", content: "" }),
    delta(delta: StreamDelta): string {
      if (delta.type === "text-delta") return chunk({ content: delta.text });
      const first = !started.has(delta.index);
      started.add(delta.index);
      return chunk({
        tool_calls: [
          {
            index: delta.index,
            ...(first ? { id: delta.id, type: "function" } : {}),
            function: { ...(first ? { name: delta.name } : {}), arguments: delta.argumentsDelta },
          },
        ],
      });
    },
    /** The finish chunk, the usage chunk when asked for, and `[DONE]`. */
    end(completion: Completion, includeUsage: boolean): string {
      let text = chunk({}, toOpenAiFinishReason(completion.finishReason, completion.toolCalls.length > 0));
      if (includeUsage) text += sse({ ...head, choices: [], usage: toOpenAiUsage(completion.usage) });
      return `${text}data: [DONE]\n\n`;
    },
    /** An error after the stream began: the SDKs raise it from the `error` field of an event. */
    error: (error: GatewayError) => sse(toOpenAiErrorBody(error)),
  };
}

/** The chat-completions dialect of one answer: a `chat.completion` or its chunks. */
export function createChatDialect(identity: ResponseIdentity, includeUsage: boolean): Dialect {
  return {
    renderCompletion: (completion) => renderChatCompletion(completion, identity),
    createStreamRenderer(model) {
      const renderer = createChunkRenderer(identity, model);
      return { ...renderer, end: (completion) => renderer.end(completion, includeUsage) };
    },
  };
}
