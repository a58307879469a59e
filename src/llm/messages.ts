/**
 * Messages and tools in the OpenAI chat-completions shape: the one shape the runtime, the agents and
 * the gateway share. Providers convert from it; nothing else needs to know a provider's wire format.
 */

/** A part of a multi-part message: text or an image (dropped when vision is off). */
export type ContentPart =
  | { type: "text"; text: string }
  | { type: "image_url"; image_url: { url: string; detail?: "auto" | "low" | "high" } };

/** A tool call made by the assistant. `arguments` is the JSON text the model produced. */
export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/** One chat message. */
export type ChatMessage =
  | { role: "system"; content: string | ContentPart[] }
  | { role: "user"; content: string | ContentPart[]; name?: string }
  | { role: "assistant"; content: string | null; tool_calls?: ToolCall[] }
  /** `is_error`: the tool failed, and `content` says how (Anthropic's tool_result flag; others see the text). */
  | { role: "tool"; content: string; tool_call_id: string; is_error?: boolean };

/** A tool the model may call, described by a JSON Schema of its parameters. */
export interface ToolDefinition {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

/** Whether and which tool the model must call. */
export type ToolChoice = "auto" | "none" | "required" | { type: "function"; function: { name: string } };

/** Token usage of one completion. Cache counts are 0 when the provider reports none. */
export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
}

/** Why the model stopped. */
export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "error" | "other";

/** The text of a message's content, images left out. */
export function textOf(content: string | ContentPart[] | null): string {
  if (content === null) return "";
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : "")).join("");
}
