/**
 * The shapes of a call and its answer: what a caller sends (`CompletionRequest`), what it gets back
 * (`Completion`), the client's interface (`Llm`) and what a client reports as it works (`LlmEvent`).
 * Types (and the one pure function that builds a `Completion`), so the client, the stream adapter and
 * the fallback chain share them without a cycle.
 */
import type { ResolvedLlmConfig } from "../config/schema.ts";
import type { LlmErrorKind } from "./errors.ts";
import type { ChatMessage, ToolChoice, ToolDefinition, Usage } from "./messages.ts";
import type { LlmMetrics } from "./metrics.ts";
import type { Answer, StreamDelta } from "./response.ts";

/**
 * Sampling and length values for one call. Each one given replaces the config's default for this call
 * only; the model's rules still apply (a reasoning model takes no temperature, OpenAI has no top_k).
 */
export interface CallParameters {
  temperature?: number | undefined;
  topP?: number | undefined;
  topK?: number | undefined;
  maxOutputTokens?: number | undefined;
  seed?: number | undefined;
  stopSequences?: string[] | undefined;
  presencePenalty?: number | undefined;
  frequencyPenalty?: number | undefined;
}

/**
 * The shape of the answer: free text (the default), or JSON, checked against `schema` by providers
 * that take one (OpenAI structured outputs, Anthropic output formats); others are asked for JSON only.
 */
export type ResponseFormat =
  | { type: "text" }
  | { type: "json"; schema?: Record<string, unknown>; name?: string; description?: string };

/** One completion request, in the OpenAI chat shape. */
export interface CompletionRequest {
  messages: ChatMessage[];
  tools?: ToolDefinition[] | undefined;
  toolChoice?: ToolChoice | undefined;
  /** Values that override the config's defaults for this call. */
  parameters?: CallParameters | undefined;
  /** @default { type: "text" } */
  responseFormat?: ResponseFormat | undefined;
  signal?: AbortSignal | undefined;
}

/** A request to `complete`; `stream: true` streams from the provider and reports deltas to `onDelta`. */
export interface CompleteRequest extends CompletionRequest {
  stream?: boolean;
  onDelta?: (delta: StreamDelta) => void;
}

/** The answer of one call. */
export interface Completion {
  text: string;
  toolCalls: Answer["toolCalls"];
  finishReason: Answer["finishReason"];
  /**
   * The request's stop sequence that ended the answer, when the provider says which: Anthropic does;
   * OpenAI's wire never does (its `finish_reason` is `stop` either way), so there it stays undefined.
   */
  stopSequence?: string | undefined;
  usage: Usage;
  /** USD; `usd` is null when the price is unknown (never a silent 0). */
  cost: { usd: number | null; source: string };
  /** Wall time of the whole call: every attempt, wait and fallback. */
  latencyMs: number;
  /** Attempts made over every config tried. */
  attempts: number;
  /** The config that answered (a fallback's name when one was used). */
  configName: string;
  /** The config the call was made with. */
  requestedConfig: string;
  model: string;
  /** Parameters dropped or ignored, and why. */
  notes: string[];
  /** The answer as an assistant message, ready to append to the conversation. */
  message: Extract<ChatMessage, { role: "assistant" }>;
}

/** A streaming call: iterate the deltas; `completion` settles when the stream ends. */
export interface LlmStream extends AsyncIterable<StreamDelta> {
  completion: Promise<Completion>;
}

/** A client for one named config (and its fallbacks). */
export interface Llm {
  readonly name: string;
  readonly config: Readonly<ResolvedLlmConfig>;
  readonly metrics: LlmMetrics;
  complete(request: CompleteRequest): Promise<Completion>;
  stream(request: CompletionRequest): LlmStream;
}

/** What a client reports as it works; never carries a secret. */
export type LlmEvent =
  | { type: "request"; configName: string; model: string; attempt: number }
  | {
      type: "retry";
      configName: string;
      model: string;
      attempt: number;
      attempts: number;
      kind: LlmErrorKind;
      status: number | undefined;
      waitMs: number;
      /** True when the wait is the server's Retry-After rather than the backoff formula. */
      fromRetryAfter: boolean;
      message: string;
    }
  | { type: "fallback"; from: string; to: string; kind: LlmErrorKind; message: string }
  | {
      type: "response";
      configName: string;
      model: string;
      attempts: number;
      latencyMs: number;
      usage: Usage;
      costUsd: number | null;
    }
  | {
      type: "error";
      configName: string;
      model: string;
      kind: LlmErrorKind;
      status: number | undefined;
      message: string;
    }
  | { type: "log"; configName: string; file: string }
  /** A completion log could not be written: reported once per folder and client, not per call. */
  | { type: "log-failed"; configName: string; folder: string; message: string };

/** The facts of a call that a completion holds besides the answer. */
export type CompletionFacts = Omit<
  Completion,
  "text" | "toolCalls" | "finishReason" | "stopSequence" | "usage" | "message"
>;

/**
 * The completion of an answer: its fields, the call's facts, and the answer as an assistant message
 * (content null when it is only tool calls, as the OpenAI API sends it).
 * @example const completion = toCompletion(answer, { cost, latencyMs, attempts, configName, requestedConfig, model, notes });
 */
export function toCompletion(answer: Answer, facts: CompletionFacts): Completion {
  return {
    text: answer.text,
    toolCalls: answer.toolCalls,
    finishReason: answer.finishReason,
    ...(answer.stopSequence === undefined ? {} : { stopSequence: answer.stopSequence }),
    usage: answer.usage,
    cost: facts.cost,
    latencyMs: facts.latencyMs,
    attempts: facts.attempts,
    configName: facts.configName,
    requestedConfig: facts.requestedConfig,
    model: facts.model,
    notes: facts.notes,
    message: {
      role: "assistant",
      content: answer.text === "" && answer.toolCalls.length > 0 ? null : answer.text,
      ...(answer.toolCalls.length > 0 ? { tool_calls: answer.toolCalls } : {}),
    },
  };
}
