/**
 * The Anthropic Messages dialect at the edge, inbound: a `/v1/messages` body → the runtime's chat
 * shape. System text, content blocks (text, image, tool_use, tool_result with is_error), custom tools
 * with `input_schema`, `tool_choice`, and the sampling fields. What has no equivalent here (server
 * tools, documents) is a 400 naming the field; what only steers Anthropic's own service (metadata,
 * cache_control, thinking, service_tier) is accepted and left to the config.
 */
import type { ChatMessage, ContentPart, ToolCall, ToolChoice, ToolDefinition } from "../llm/index.ts";
import type { ChatCall, RequestParams } from "./chat-call.ts";
import { invalidRequest } from "./errors.ts";
import { isObject, type Json, optionalNumber } from "./json-fields.ts";

/** The prompt of a Messages body: its messages (system first) and tools, as `count_tokens` reads it too. */
export interface MessagesPrompt {
  model: string;
  messages: ChatMessage[];
  tools: ToolDefinition[] | undefined;
  toolChoice: ToolChoice | undefined;
}

/**
 * Reads the model, system, messages, tools and tool choice of a Messages body; throws a 400 naming
 * the field.
 */
export function toMessagesPrompt(json: Json): MessagesPrompt {
  if (typeof json.model !== "string" || json.model === "")
    throw invalidRequest("model: Field required: the name of a config (see GET /v1/models)", "model");
  if (!Array.isArray(json.messages) || json.messages.length === 0)
    throw invalidRequest("messages: must be a non-empty array of { role, content }", "messages");
  const messages: ChatMessage[] = [];
  const system = toSystemText(json.system);
  if (system !== undefined) messages.push({ role: "system", content: system });
  json.messages.forEach((message, index) => {
    messages.push(...toChatMessages(message, `messages[${index}]`));
  });
  return {
    model: json.model,
    messages,
    tools: json.tools === undefined || json.tools === null ? undefined : toTools(json.tools),
    toolChoice: toToolChoice(json.tool_choice),
  };
}

/**
 * Reads and checks a Messages body and converts it for the runtime; throws a 400 naming the field.
 * @example toMessagesCall({ model: "fast", max_tokens: 256, messages: [{ role: "user", content: "Hi" }] })
 */
export function toMessagesCall(json: Json): ChatCall {
  const prompt = toMessagesPrompt(json);
  const maxTokens = optionalNumber(json, "max_tokens", true, "max_tokens:");
  if (maxTokens === undefined)
    throw invalidRequest("max_tokens: Field required: the most tokens to generate", "max_tokens");
  if (maxTokens < 1) throw invalidRequest("max_tokens: must be at least 1", "max_tokens");
  if (json.stream !== undefined && json.stream !== null && typeof json.stream !== "boolean")
    throw invalidRequest("stream: must be a boolean", "stream");
  checkThinking(json.thinking);

  const params: RequestParams = { max_output_tokens: maxTokens };
  const temperature = optionalNumber(json, "temperature", false, "temperature:");
  if (temperature !== undefined) params.temperature = temperature;
  const topP = optionalNumber(json, "top_p", false, "top_p:");
  if (topP !== undefined) params.top_p = topP;
  const topK = optionalNumber(json, "top_k", true, "top_k:");
  if (topK !== undefined) params.top_k = topK;
  return {
    ...prompt,
    params,
    stream: json.stream === true,
    // Anthropic streams always carry usage (message_start and message_delta).
    includeUsage: true,
    stopSequences: toStopSequences(json.stop_sequences),
  };
}

function checkThinking(thinking: unknown): void {
  // Extended thinking is the config's business (reasoning_effort); the request's setting is accepted
  // so that clients which always send it (Claude Code) keep working, and ignored.
  if (thinking === undefined || thinking === null) return;
  if (!isObject(thinking) || !["enabled", "disabled", "adaptive"].includes(thinking.type as string))
    throw invalidRequest(
      'thinking: must be { type: "enabled", budget_tokens }, { type: "disabled" } or { type: "adaptive" }',
      "thinking",
    );
}

function toStopSequences(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string"))
    throw invalidRequest("stop_sequences: must be an array of strings", "stop_sequences");
  return value;
}

function toSystemText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value === "" ? undefined : value;
  if (!Array.isArray(value))
    throw invalidRequest("system: must be a string or an array of text blocks", "system");
  const texts = value.map((block, index) => {
    if (!isObject(block) || block.type !== "text" || typeof block.text !== "string")
      throw invalidRequest(`system[${index}]: must be { type: "text", text }`, `system[${index}]`);
    return block.text;
  });
  // Separate blocks are separate paragraphs (Claude Code sends its identity and its instructions apart).
  return texts.length === 0 ? undefined : texts.join("\n\n");
}

function toChatMessages(value: unknown, param: string): ChatMessage[] {
  if (!isObject(value)) throw invalidRequest(`${param}: must be { role, content }`, param);
  const { role, content } = value;
  if (typeof content !== "string" && !Array.isArray(content))
    throw invalidRequest(
      `${param}.content: must be a string or an array of content blocks`,
      `${param}.content`,
    );
  if (role === "assistant") return [toAssistantMessage(content, param)];
  if (role === "system")
    return [{ role: "system", content: typeof content === "string" ? content : blocksText(content, param) }];
  if (role !== "user") throw invalidRequest(`${param}.role: must be "user" or "assistant"`, `${param}.role`);
  if (typeof content === "string") return [{ role: "user", content }];
  return toUserMessages(content, param);
}

function blocksText(blocks: unknown[], param: string): string {
  return blocks
    .map((block, index) => {
      if (!isObject(block) || block.type !== "text" || typeof block.text !== "string")
        throw invalidRequest(
          `${param}.content[${index}]: must be { type: "text", text }`,
          `${param}.content[${index}]`,
        );
      return block.text;
    })
    .join("");
}

/** Visits each content block of a message as an object with its `messages[i].content[j]` path, or throws a 400. */
function forEachBlock(blocks: unknown[], param: string, visit: (block: Json, where: string) => void): void {
  blocks.forEach((block, index) => {
    const where = `${param}.content[${index}]`;
    if (!isObject(block)) throw invalidRequest(`${where}: must be a content block object`, where);
    visit(block, where);
  });
}

/** The text of a `text` block, or a 400 naming its `text` field. */
function textOf(block: Json, where: string): string {
  if (typeof block.text !== "string")
    throw invalidRequest(`${where}.text: must be a string`, `${where}.text`);
  return block.text;
}

/**
 * A user turn: its tool results first (the chat shape wants them right after the assistant's calls),
 * then its text and images as one user message. Images inside tool results follow as user content,
 * since a tool message carries text only.
 */
function toUserMessages(blocks: unknown[], param: string): ChatMessage[] {
  const results: ChatMessage[] = [];
  const parts: ContentPart[] = [];
  forEachBlock(blocks, param, (block, where) => {
    switch (block.type) {
      case "text":
        parts.push({ type: "text", text: textOf(block, where) });
        break;
      case "image":
        parts.push(toImagePart(block, where));
        break;
      case "tool_result": {
        if (typeof block.tool_use_id !== "string" || block.tool_use_id === "")
          throw invalidRequest(`${where}.tool_use_id: Field required`, `${where}.tool_use_id`);
        const { text, images } = toToolResultContent(block.content, where);
        results.push({
          role: "tool",
          tool_call_id: block.tool_use_id,
          content: text,
          ...(block.is_error === true ? { is_error: true } : {}),
        });
        parts.push(...images);
        break;
      }
      default:
        throw unsupportedBlock(block.type, where);
    }
  });
  if (parts.length === 0) return results;
  const onlyText = parts.every((part) => part.type === "text");
  const content = onlyText ? parts.map((part) => (part as { text: string }).text).join("") : parts;
  return [...results, { role: "user", content }];
}

function toToolResultContent(content: unknown, where: string): { text: string; images: ContentPart[] } {
  if (content === undefined || content === null) return { text: "", images: [] };
  if (typeof content === "string") return { text: content, images: [] };
  if (!Array.isArray(content))
    throw invalidRequest(
      `${where}.content: must be a string or an array of text and image blocks`,
      `${where}.content`,
    );
  const texts: string[] = [];
  const images: ContentPart[] = [];
  content.forEach((block, index) => {
    const inner = `${where}.content[${index}]`;
    if (isObject(block) && block.type === "text" && typeof block.text === "string") texts.push(block.text);
    else if (isObject(block) && block.type === "image") images.push(toImagePart(block, inner));
    else throw invalidRequest(`${inner}: a tool result holds text and image blocks only`, inner);
  });
  return { text: texts.join("\n"), images };
}

function toImagePart(block: Json, where: string): ContentPart {
  const source = block.source;
  if (
    isObject(source) &&
    source.type === "base64" &&
    typeof source.data === "string" &&
    typeof source.media_type === "string"
  )
    return { type: "image_url", image_url: { url: `data:${source.media_type};base64,${source.data}` } };
  if (isObject(source) && source.type === "url" && typeof source.url === "string")
    return { type: "image_url", image_url: { url: source.url } };
  throw invalidRequest(
    `${where}.source: must be { type: "base64", media_type, data } or { type: "url", url }`,
    `${where}.source`,
  );
}

function toAssistantMessage(content: string | unknown[], param: string): ChatMessage {
  if (typeof content === "string") return { role: "assistant", content };
  let text = "";
  const calls: ToolCall[] = [];
  forEachBlock(content, param, (block, where) => {
    switch (block.type) {
      case "text":
        text += textOf(block, where);
        break;
      case "tool_use":
        if (typeof block.id !== "string" || typeof block.name !== "string")
          throw invalidRequest(`${where}: a tool_use block needs id, name and input`, where);
        calls.push({
          id: block.id,
          type: "function",
          function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
        });
        break;
      // Thinking is signed for Anthropic's own service; no other upstream can take it back.
      case "thinking":
      case "redacted_thinking":
        break;
      default:
        throw unsupportedBlock(block.type, where);
    }
  });
  return {
    role: "assistant",
    content: text === "" && calls.length > 0 ? null : text,
    ...(calls.length > 0 ? { tool_calls: calls } : {}),
  };
}

function unsupportedBlock(type: unknown, where: string) {
  const what = typeof type === "string" ? `"${type}" blocks are` : "a block without a type is";
  return invalidRequest(
    `${where}.type: ${what} not supported by this gateway; use text, image, tool_use or tool_result`,
    `${where}.type`,
  );
}

function toTools(value: unknown): ToolDefinition[] {
  if (!Array.isArray(value)) throw invalidRequest("tools: must be an array", "tools");
  return value.map((tool, index) => {
    const where = `tools[${index}]`;
    if (!isObject(tool)) throw invalidRequest(`${where}: must be { name, description, input_schema }`, where);
    if (tool.type !== undefined && tool.type !== null && tool.type !== "custom")
      throw invalidRequest(
        `${where}.type: "${String(tool.type)}" is one of Anthropic's server tools, which only Anthropic runs; this gateway takes custom tools ({ name, description, input_schema })`,
        `${where}.type`,
      );
    if (typeof tool.name !== "string" || tool.name === "")
      throw invalidRequest(`${where}.name: Field required`, `${where}.name`);
    if (!isObject(tool.input_schema))
      throw invalidRequest(
        `${where}.input_schema: Field required (a JSON Schema object)`,
        `${where}.input_schema`,
      );
    return {
      type: "function",
      function: {
        name: tool.name,
        ...(typeof tool.description === "string" ? { description: tool.description } : {}),
        parameters: tool.input_schema,
      },
    };
  });
}

function toToolChoice(value: unknown): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (isObject(value)) {
    if (value.type === "auto") return "auto";
    if (value.type === "any") return "required";
    if (value.type === "none") return "none";
    if (value.type === "tool" && typeof value.name === "string")
      return { type: "function", function: { name: value.name } };
  }
  throw invalidRequest(
    'tool_choice: must be { type: "auto" }, { type: "any" }, { type: "none" } or { type: "tool", name }',
    "tool_choice",
  );
}
