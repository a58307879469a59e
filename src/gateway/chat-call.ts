/**
 * The dialect-independent shape of one chat request: what every wire format (OpenAI chat, and later
 * Responses and Anthropic Messages) is translated to before the gateway routes, authorizes and runs it.
 */
import type { ChatMessage, ResponseFormat, ToolChoice, ToolDefinition } from "../llm/index.ts";

/** The request parameters a client may set over a config's defaults (unless the config pins them). */
export interface RequestParams {
  temperature?: number;
  top_p?: number;
  max_output_tokens?: number;
  /** Anthropic's `top_k` (Messages); never pinned. */
  top_k?: number;
  seed?: number;
  reasoning_effort?: string;
}

/** One chat request, whatever dialect it arrived in. */
export interface ChatCall {
  /** The named config asked for (`llm` and `default` mean the base config). */
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[] | undefined;
  toolChoice?: ToolChoice | undefined;
  params: RequestParams;
  /** Plain text, or a JSON answer (to a schema when given). @default { type: "text" } */
  responseFormat?: ResponseFormat | undefined;
  stream: boolean;
  /** Sequences that end the answer (Anthropic's `stop_sequences`); none when undefined. */
  stopSequences?: string[] | undefined;
  /** Whether a stream should end with a usage chunk. */
  includeUsage: boolean;
}
