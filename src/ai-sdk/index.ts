/**
 * `llmconf/ai-sdk`: the named configs of `config.toml` as AI SDK language models.
 * @example
 * import { generateText } from "ai";
 * import { createConfigProvider } from "llmconf/ai-sdk";
 * const llmconf = createConfigProvider();
 * const { text } = await generateText({ model: llmconf("cheap"), prompt: "Hello" });
 */
export { ConfigError, type ConfigIssue } from "../config/issues.ts";
export type { Config, LoadConfigOptions } from "../config/load.ts";
export {
  type ConfigMetrics,
  LlmError,
  type LlmErrorKind,
  type LlmEvent,
  type LlmMetrics,
  RetriesExhaustedError,
  TokenLimitError,
} from "../llm/index.ts";
export { createConfigLanguageModel, PROVIDER_ID } from "./language-model.ts";
export { type ConfigProvider, type ConfigProviderOptions, createConfigProvider } from "./provider.ts";
export type { LlmconfCallMetadata } from "./to-result.ts";
