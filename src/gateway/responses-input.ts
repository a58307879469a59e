/**
 * The Responses dialect's request side: a `POST /v1/responses` body → the runtime's messages, tools
 * and parameters. Input items (messages with input_text / output_text parts, `function_call`,
 * `function_call_output`) become chat messages; consecutive function calls join one assistant turn,
 * as every provider expects parallel calls to arrive.
 */
import type { ChatMessage, ContentPart, ResponseFormat, ToolCall, ToolDefinition } from "../llm/index.ts";
import type { ChatCall, RequestParams } from "./chat-call.ts";
import { invalidRequest } from "./errors.ts";
import { isObject, type Json, optionalNumber } from "./json-fields.ts";

/** A Responses request read and checked: the call for the runtime, and what the answer echoes back. */
export interface ResponsesRequest {
  call: ChatCall;
  /** The turn's own messages (the input items), without the instructions. */
  input: ChatMessage[];
  instructions: string | null;
  previousResponseId: string | null;
  /** Whether the answer is kept for a later `previous_response_id`. @default true */
  store: boolean;
  /** Echoed back in the response object, as OpenAI does. */
  echo: {
    tools: Json[];
    tool_choice: unknown;
    text: Json;
    metadata: Json;
    parallel_tool_calls: boolean;
    max_output_tokens: number | null;
    temperature: number | null;
    top_p: number | null;
  };
}

// Fields of OpenAI's API that this gateway cannot honour: refused, so a client is not misled.
const unsupported: Record<string, string> = {
  background: "background responses are not supported; send the request and wait for it",
  conversation: 'conversations are not supported; use "previous_response_id" or send the whole input',
  prompt: "stored prompt templates are not supported; send the instructions and input",
};

/** Reads and checks a `POST /v1/responses` body. */
export function readResponsesRequest(json: Json): ResponsesRequest {
  if (typeof json.model !== "string" || json.model === "")
    throw invalidRequest('"model" is required: the name of a config (see GET /v1/models)', "model");
  for (const [key, reason] of Object.entries(unsupported))
    if (json[key] !== undefined && json[key] !== null && json[key] !== false)
      throw invalidRequest(`"${key}": ${reason}`, key);
  for (const key of ["stream", "store", "parallel_tool_calls"])
    if (json[key] !== undefined && json[key] !== null && typeof json[key] !== "boolean")
      throw invalidRequest(`"${key}" must be a boolean`, key);
  const instructions = json.instructions ?? null;
  if (instructions !== null && typeof instructions !== "string")
    throw invalidRequest('"instructions" must be a string', "instructions");
  const previous = json.previous_response_id ?? null;
  if (previous !== null && (typeof previous !== "string" || previous === ""))
    throw invalidRequest('"previous_response_id" must be a response id', "previous_response_id");
  const input = toInputMessages(json.input);
  const params = readParams(json);
  const tools = json.tools === undefined || json.tools === null ? [] : toTools(json.tools);
  const text = isObject(json.text) ? json.text : {};
  const metadata = isObject(json.metadata) ? json.metadata : {};
  const call: ChatCall = {
    model: json.model,
    // The earlier turns are laid in front of `input` once the previous response is found.
    messages: instructions === null ? input : [{ role: "system", content: instructions }, ...input],
    tools: tools.length === 0 ? undefined : tools,
    toolChoice: toToolChoice(json.tool_choice),
    params,
    responseFormat: toResponseFormat(text.format),
    stream: json.stream === true,
    includeUsage: true,
  };
  return {
    call,
    input,
    instructions,
    previousResponseId: previous,
    store: json.store !== false,
    echo: {
      tools: (Array.isArray(json.tools) ? json.tools : []) as Json[],
      tool_choice: json.tool_choice ?? "auto",
      text: { format: isObject(text.format) ? text.format : { type: "text" } },
      metadata,
      parallel_tool_calls: json.parallel_tool_calls !== false,
      max_output_tokens: params.max_output_tokens ?? null,
      temperature: params.temperature ?? null,
      top_p: params.top_p ?? null,
    },
  };
}

function readParams(json: Json): RequestParams {
  const params: RequestParams = {};
  const temperature = optionalNumber(json, "temperature");
  if (temperature !== undefined) params.temperature = temperature;
  const topP = optionalNumber(json, "top_p");
  if (topP !== undefined) params.top_p = topP;
  const maxTokens = optionalNumber(json, "max_output_tokens", true);
  if (maxTokens !== undefined) params.max_output_tokens = maxTokens;
  const reasoning = json.reasoning;
  if (reasoning !== undefined && reasoning !== null) {
    if (!isObject(reasoning)) throw invalidRequest('"reasoning" must be an object', "reasoning");
    const effort = reasoning.effort;
    if (effort !== undefined && effort !== null) {
      if (typeof effort !== "string")
        throw invalidRequest('"reasoning.effort" must be a string', "reasoning.effort");
      params.reasoning_effort = effort;
    }
  }
  return params;
}

/** The input items as chat messages: a string is one user message. */
export function toInputMessages(input: unknown): ChatMessage[] {
  if (typeof input === "string") return [{ role: "user", content: input }];
  if (!Array.isArray(input) || input.length === 0)
    throw invalidRequest('"input" must be a string or a non-empty array of input items', "input");
  const messages: ChatMessage[] = [];
  input.forEach((item, index) => {
    const param = `input[${index}]`;
    if (!isObject(item)) throw invalidRequest(`${param} must be an object`, param);
    const type = item.type ?? "message";
    if (type === "message") messages.push(toMessage(item, param));
    else if (type === "function_call") addFunctionCall(messages, item, param);
    else if (type === "function_call_output") {
      if (typeof item.call_id !== "string" || item.call_id === "")
        throw invalidRequest(`${param}.call_id is required for a function_call_output`, `${param}.call_id`);
      messages.push({ role: "tool", tool_call_id: item.call_id, content: outputText(item.output, param) });
    }
    // Reasoning items carry a provider's private state this gateway never produced: nothing to replay.
    else if (type === "reasoning") return;
    else
      throw invalidRequest(
        `${param}.type "${String(type)}" is not supported; use message, function_call or function_call_output items`,
        `${param}.type`,
      );
  });
  return messages;
}

function toMessage(item: Json, param: string): ChatMessage {
  const content = item.content;
  if (typeof content !== "string" && !Array.isArray(content))
    throw invalidRequest(
      `${param}.content must be a string or an array of content parts`,
      `${param}.content`,
    );
  switch (item.role) {
    case "user":
      return { role: "user", content: typeof content === "string" ? content : toParts(content, param) };
    case "system":
    case "developer":
      return { role: "system", content: typeof content === "string" ? content : textOfParts(content, param) };
    case "assistant":
      return {
        role: "assistant",
        content: typeof content === "string" ? content : textOfParts(content, param),
      };
    default:
      throw invalidRequest(
        `${param}.role must be one of user, system, developer, assistant`,
        `${param}.role`,
      );
  }
}

const textTypes = new Set(["input_text", "output_text", "text"]);

function toParts(parts: unknown[], param: string): ContentPart[] {
  return parts.map((part, index): ContentPart => {
    const where = `${param}.content[${index}]`;
    if (isObject(part) && textTypes.has(part.type as string) && typeof part.text === "string")
      return { type: "text", text: part.text };
    if (isObject(part) && part.type === "input_image" && typeof part.image_url === "string") {
      const detail = part.detail === "low" || part.detail === "high" ? part.detail : "auto";
      return { type: "image_url", image_url: { url: part.image_url, detail } };
    }
    throw invalidRequest(
      `${where} must be { type: "input_text", text } or { type: "input_image", image_url } (files and image file ids are not supported)`,
      where,
    );
  });
}

function textOfParts(parts: unknown[], param: string): string {
  return parts
    .map((part, index) => {
      if (isObject(part) && part.type === "refusal" && typeof part.refusal === "string") return part.refusal;
      if (isObject(part) && textTypes.has(part.type as string) && typeof part.text === "string")
        return part.text;
      const where = `${param}.content[${index}]`;
      throw invalidRequest(
        `${where} must be a text part ({ type: "input_text" | "output_text", text })`,
        where,
      );
    })
    .join("");
}

function outputText(output: unknown, param: string): string {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) return textOfParts(output, `${param}.output`);
  throw invalidRequest(`${param}.output must be a string or an array of text parts`, `${param}.output`);
}

/** A function call joins the assistant turn just before it, or starts one. */
function addFunctionCall(messages: ChatMessage[], item: Json, param: string): void {
  if (typeof item.call_id !== "string" || item.call_id === "" || typeof item.name !== "string")
    throw invalidRequest(`${param} must be { type: "function_call", call_id, name, arguments }`, param);
  const call: ToolCall = {
    id: item.call_id,
    type: "function",
    function: {
      name: item.name,
      arguments: typeof item.arguments === "string" ? item.arguments : JSON.stringify(item.arguments ?? {}),
    },
  };
  const last = messages.at(-1);
  if (last?.role === "assistant") last.tool_calls = [...(last.tool_calls ?? []), call];
  else messages.push({ role: "assistant", content: null, tool_calls: [call] });
}

function toTools(value: unknown): ToolDefinition[] {
  if (!Array.isArray(value)) throw invalidRequest('"tools" must be an array', "tools");
  return value.map((tool, index) => {
    const param = `tools[${index}]`;
    if (!isObject(tool) || tool.type !== "function" || typeof tool.name !== "string")
      throw invalidRequest(
        `${param} must be { type: "function", name, parameters }; ${isObject(tool) && typeof tool.type === "string" && tool.type !== "function" ? `hosted tools ("${tool.type}") are not supported by this gateway` : "only function tools are supported"}`,
        param,
      );
    return {
      type: "function",
      function: {
        name: tool.name,
        ...(typeof tool.description === "string" ? { description: tool.description } : {}),
        ...(isObject(tool.parameters) ? { parameters: tool.parameters } : {}),
      },
    };
  });
}

function toToolChoice(choice: unknown): ChatCall["toolChoice"] {
  if (choice === undefined || choice === null) return undefined;
  if (choice === "auto" || choice === "none" || choice === "required") return choice;
  if (isObject(choice) && choice.type === "function" && typeof choice.name === "string")
    return { type: "function", function: { name: choice.name } };
  throw invalidRequest(
    '"tool_choice" must be "auto", "none", "required" or { type: "function", name }',
    "tool_choice",
  );
}

function toResponseFormat(format: unknown): ResponseFormat | undefined {
  if (format === undefined || format === null) return undefined;
  if (!isObject(format)) throw invalidRequest('"text.format" must be an object', "text.format");
  if (format.type === "text") return { type: "text" };
  if (format.type === "json_object") return { type: "json" };
  if (format.type === "json_schema") {
    if (!isObject(format.schema) || typeof format.name !== "string")
      throw invalidRequest(
        '"text.format" of type json_schema needs a "name" and a "schema" object',
        "text.format",
      );
    return {
      type: "json",
      schema: format.schema,
      name: format.name,
      ...(typeof format.description === "string" ? { description: format.description } : {}),
    };
  }
  throw invalidRequest(
    '"text.format.type" must be "text", "json_object" or "json_schema"',
    "text.format.type",
  );
}
