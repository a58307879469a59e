/**
 * Runtime completions → AI SDK results: content, finish reason, usage, warnings, and the
 * `providerMetadata.llmconf` of every call (the config that answered, attempts, cost).
 */
import type {
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3Usage,
  SharedV3ProviderMetadata,
  SharedV3Warning,
} from "@ai-sdk/provider";
import type { Completion, Usage } from "../llm/index.ts";
import { toSdkFinishReason } from "../llm/response.ts";

/** What `providerMetadata.llmconf` holds for one call. */
export interface LlmconfCallMetadata {
  /** The config that answered: a fallback's name when the requested config failed. */
  config: string;
  /** Attempts over every config tried (retries and fallbacks). */
  attempts: number;
  /** The call's cost in US dollars, or null when the model's price is unknown. */
  cost: number | null;
}

/** The AI SDK finish reason of a runtime one; `raw` keeps the runtime's spelling. */
export const toFinishReason = toSdkFinishReason;

/** The AI SDK usage of a runtime one (whose input count includes cached tokens). */
export function toUsage(usage: Usage): LanguageModelV3Usage {
  const cached = usage.cache_read_tokens + usage.cache_write_tokens;
  return {
    inputTokens: {
      total: usage.input_tokens,
      noCache: Math.max(0, usage.input_tokens - cached),
      cacheRead: usage.cache_read_tokens,
      cacheWrite: usage.cache_write_tokens,
    },
    outputTokens: { total: usage.output_tokens, text: undefined, reasoning: undefined },
  };
}

/** `providerMetadata` of a call: `{ llmconf: { config, attempts, cost } }`. */
export function toProviderMetadata(completion: Completion): SharedV3ProviderMetadata {
  const llmconf: LlmconfCallMetadata = {
    config: completion.configName,
    attempts: completion.attempts,
    cost: completion.cost.usd,
  };
  return { llmconf: { ...llmconf } };
}

/** The runtime's notes (parameters dropped or ignored) as AI SDK warnings. */
export function toWarnings(notes: readonly string[]): SharedV3Warning[] {
  return notes.map((message) => ({ type: "other", message }));
}

/** A whole `doGenerate` result. */
export function toGenerateResult(
  completion: Completion,
  warnings: readonly SharedV3Warning[],
): LanguageModelV3GenerateResult {
  const content: LanguageModelV3Content[] = [];
  if (completion.text !== "") content.push({ type: "text", text: completion.text });
  for (const call of completion.toolCalls) {
    content.push({
      type: "tool-call",
      toolCallId: call.id,
      toolName: call.function.name,
      input: call.function.arguments,
    });
  }
  return {
    content,
    finishReason: toFinishReason(completion.finishReason),
    usage: toUsage(completion.usage),
    providerMetadata: toProviderMetadata(completion),
    response: { modelId: completion.model },
    warnings: [...warnings, ...toWarnings(completion.notes)],
  };
}
