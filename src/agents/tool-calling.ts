/**
 * How tools reach the model and calls come back: the seam between the loop and the model's abilities.
 * `nativeToolCalling` sends the tools as the provider's function-calling tools. A prompt-based mode (for
 * models without native tool calling) implements the same interface: it describes the tools in the
 * prompt and parses the calls out of the text, reporting a reply it cannot parse as `error`.
 */
import type { ResolvedLlmConfig } from "../config/schema.ts";
import type { Completion, CompletionRequest } from "../llm/client.ts";
import type { ChatMessage, ToolCall, ToolDefinition } from "../llm/messages.ts";
import { getModelInfo } from "../llm/model-info.ts";
import { createPromptToolCalling } from "./prompt-tool-calling.ts";

/** What the loop keeps of one answer: the assistant message for the history and the calls to run. */
export type ParsedAnswer =
  | { message: Extract<ChatMessage, { role: "assistant" }>; calls: ToolCall[] }
  /** The answer could not be read as tool calls; `error` is fed back to the model as an observation. */
  | { message: Extract<ChatMessage, { role: "assistant" }>; calls: []; error: string };

/** A way of offering tools to a model. */
export interface ToolCallingMode {
  readonly name: string;
  /** Whether the model's text is its answer as a person reads it, so it may be shown as it streams. */
  readonly showsText: boolean;
  /** The request of one step, from the conversation so far and the agent's tools. */
  toRequest(messages: ChatMessage[], tools: ToolDefinition[]): Pick<CompletionRequest, "messages" | "tools">;
  /** The calls in an answer. */
  parse(completion: Completion): ParsedAnswer;
}

/** The provider's own function calling: tools travel as tools, calls come back as tool calls. */
export const nativeToolCalling: ToolCallingMode = {
  name: "native",
  showsText: true,
  toRequest: (messages, tools) => ({ messages, tools: tools.length > 0 ? tools : undefined }),
  parse: (completion) => ({ message: completion.message, calls: completion.toolCalls }),
};

/**
 * Chooses how an agent on this LLM config is offered its tools: in the prompt when the config says
 * `native_tool_calling = false`, or leaves it unset for a model known to lack tool calling; natively
 * otherwise (a model nothing is known about keeps native calling, as OpenHands does).
 */
export function chooseToolCalling(config: Readonly<ResolvedLlmConfig>): ToolCallingMode {
  const native = config.native_tool_calling ?? getModelInfo(config.model)?.supportsToolCalling ?? true;
  return native ? nativeToolCalling : createPromptToolCalling();
}
