/**
 * One named config as an AI SDK `LanguageModelV3`: every call goes through the llmconf runtime client,
 * so the config's provider, credentials, defaults, retries, fallbacks, token limit, costs and logs apply.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamResult,
} from "@ai-sdk/provider";
import type { Llm } from "../llm/index.ts";
import { fromCallOptions } from "./from-call-options.ts";
import { toGenerateResult } from "./to-result.ts";
import { toStreamResult } from "./to-stream.ts";

/** The `provider` string of every llmconf model, as the AI SDK reports it. */
export const PROVIDER_ID = "llmconf";

/**
 * Wraps a runtime client as a `LanguageModelV3` whose `modelId` is the config's name. Errors are the
 * runtime's `LlmError`s, never `APICallError`s, so the AI SDK's own retry loop does not repeat calls
 * the runtime has already retried.
 */
export function createConfigLanguageModel(llm: Llm): LanguageModelV3 {
  return {
    specificationVersion: "v3",
    provider: PROVIDER_ID,
    modelId: llm.name,
    // No URL is passed through: the AI SDK downloads files, and the runtime sends them as data.
    supportedUrls: {},
    async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
      const { request, warnings } = fromCallOptions(options);
      return toGenerateResult(await llm.complete(request), warnings);
    },
    async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
      const { request, warnings } = fromCallOptions(options);
      const stopped = new AbortController();
      const signal =
        request.signal === undefined ? stopped.signal : AbortSignal.any([request.signal, stopped.signal]);
      const stream = llm.stream({ ...request, signal });
      return toStreamResult(stream, warnings, () => stopped.abort());
    },
  };
}
