/**
 * The LLM runtime's public surface: clients per named config, their errors, metrics and message types.
 * @example
 * import { createLlmFromConfig } from "./llm/index.ts";
 * const llm = createLlmFromConfig(await loadConfig(), "fast");
 * const { text } = await llm.complete({ messages: [{ role: "user", content: "Hello" }] });
 */
export {
  type CallParameters,
  type CompleteRequest,
  type Completion,
  type CompletionRequest,
  type CreateLlmOptions,
  createLlm,
  createLlmFromConfig,
  type Llm,
  type LlmEvent,
  type LlmStream,
  type ResponseFormat,
  type StreamDelta,
} from "./client.ts";
export { type CompletionLogRecord, writeCompletionLog } from "./completion-log.ts";
export { type CostResult, computeCost } from "./cost.ts";
export {
  type AttemptFailure,
  isRetryableKind,
  LlmError,
  type LlmErrorKind,
  RetriesExhaustedError,
  rewrapLlmError,
  TokenLimitError,
  toLlmError,
} from "./errors.ts";
export { FallbacksFailedError } from "./fallbacks.ts";
export type {
  ChatMessage,
  ContentPart,
  FinishReason,
  ToolCall,
  ToolChoice,
  ToolDefinition,
  Usage,
} from "./messages.ts";
export { type ConfigMetrics, createMetrics, type LlmMetrics } from "./metrics.ts";
export { inferProvider, PROVIDER_NAMES, type ProviderName } from "./providers/infer.ts";
export { computeBackoffMs, type RetryPolicy, runWithRetries, type Sleep } from "./retry.ts";
export { parseRetryAfter } from "./retry-after.ts";
export { countPromptTokens, type TokenCount } from "./tokens.ts";
