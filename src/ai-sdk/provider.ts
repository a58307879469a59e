/**
 * `createConfigProvider`: an AI SDK provider whose models are the named configs of `config.toml`.
 */
import { type LanguageModelV3, NoSuchModelError, type ProviderV3 } from "@ai-sdk/provider";
import type { Config, LoadConfigOptions } from "../config/load.ts";
import { loadConfigSync } from "../config/load-sync.ts";
import { type CreateLlmOptions, createLlmFromConfig, createMetrics, type LlmMetrics } from "../llm/index.ts";
import { createConfigLanguageModel } from "./language-model.ts";

/** Options of `createConfigProvider`: where the configuration comes from, and how calls are made. */
export interface ConfigProviderOptions extends LoadConfigOptions {
  /** An already loaded configuration; the files are then not read. @default loaded from the options */
  config?: Config | undefined;
  /** The fetch every provider sends with. @default globalThis.fetch */
  fetch?: typeof globalThis.fetch | undefined;
  /** Hears every request, retry, fallback, response and error of every config (never a secret). */
  onEvent?: CreateLlmOptions["onEvent"];
  /** Waits between retry attempts. @default real timers, cancelled by the call's abort signal */
  sleep?: CreateLlmOptions["sleep"];
  /** Where usage and costs are recorded; share one to add these calls to other clients' totals. @default a new store */
  metrics?: LlmMetrics | undefined;
}

/** An AI SDK provider of named configs: `provider("cheap")` is the `[llm.cheap]` config as a language model. */
export interface ConfigProvider extends ProviderV3 {
  /** The named config as a language model; without a name, the default config. Throws on an unknown name. */
  (name?: string): LanguageModelV3;
  /** The named config as a language model; throws a `ConfigError` with a did-you-mean on an unknown name. */
  languageModel(name: string): LanguageModelV3;
  /** The loaded configuration the models come from. */
  readonly config: Config;
  /** Calls, usage, cost and latency per config name, over every call made through this provider. */
  readonly metrics: LlmMetrics;
}

/**
 * Creates an AI SDK provider whose models are the named configs. The configuration is read now (the
 * same files, environment and `${VAR}` rules as `loadConfig`), so a broken file throws here, once,
 * with every problem located; pass an already loaded `Config` to skip reading.
 * @example
 * import { generateText } from "ai";
 * import { createConfigProvider } from "llmconf/ai-sdk";
 * const llmconf = createConfigProvider();
 * const { text } = await generateText({ model: llmconf("cheap"), prompt: "Hello" });
 */
export function createConfigProvider(options: ConfigProviderOptions | Config = {}): ConfigProvider {
  const settings: ConfigProviderOptions = isLoadedConfig(options) ? { config: options } : options;
  const config = settings.config ?? loadConfigSync(settings);
  const metrics = settings.metrics ?? createMetrics();
  const models = new Map<string, LanguageModelV3>();

  const languageModel = (name: string = config.defaultLlmName): LanguageModelV3 => {
    let model = models.get(name);
    if (model === undefined) {
      // Throws the loader's ConfigError for a bad name (`unknown LLM config "x"; did you mean "y"?`)
      // or a config that needs an unset ${VAR}, before any call.
      const llm = createLlmFromConfig(config, name, {
        metrics,
        ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
        ...(settings.env === undefined ? {} : { env: settings.env }),
        ...(settings.onEvent === undefined ? {} : { onEvent: settings.onEvent }),
        ...(settings.sleep === undefined ? {} : { sleep: settings.sleep }),
      });
      model = createConfigLanguageModel(llm);
      models.set(name, model);
    }
    return model;
  };
  const notChat = (kind: "embeddingModel" | "imageModel") => (modelId: string) => {
    throw new NoSuchModelError({
      modelId,
      modelType: kind,
      message: `llmconf configs are chat models; "${modelId}" cannot be used as ${kind === "imageModel" ? "an image" : "an embedding"} model`,
    });
  };
  const provider = (name?: string) => languageModel(name);
  return Object.assign(provider, {
    specificationVersion: "v3" as const,
    languageModel: (name: string) => languageModel(name),
    embeddingModel: notChat("embeddingModel"),
    imageModel: notChat("imageModel"),
    config,
    metrics,
  }) as ConfigProvider;
}

function isLoadedConfig(value: ConfigProviderOptions | Config): value is Config {
  return typeof (value as Config).getLlmConfig === "function";
}
