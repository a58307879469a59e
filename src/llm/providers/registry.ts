/**
 * Provider families → AI SDK 6 language models. Each package is imported only when a config of that
 * family makes its first call, so commands that never call a model do not pay for loading them.
 * groq, deepseek, xai, openrouter and ollama speak the OpenAI wire format, so they go through
 * `@ai-sdk/openai-compatible` with their known base URLs and headers.
 */
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { DEFAULT_AZURE_API_VERSION, type ResolvedLlmConfig } from "../../config/schema.ts";
import { LlmError } from "../errors.ts";
import { API_KEY_VARIABLES, checkAwsCredentials, findApiKey, requireApiKey } from "./credentials.ts";
import { inferProvider, PROVIDER_NAMES, type ProviderName } from "./infer.ts";

export { API_KEY_VARIABLES };

/** What building a model needs: the config, its name, the fetch to send with and the environment. */
export interface ProviderSetup {
  config: Readonly<ResolvedLlmConfig>;
  configName: string;
  fetch: typeof globalThis.fetch;
  env: Readonly<Record<string, string | undefined>>;
}

/** A ready model and the facts the request builder needs about it. */
export interface ProviderModel {
  model: LanguageModelV3;
  provider: ProviderName;
  /** The model id sent to the provider (prefix removed). */
  modelId: string;
  /** The `providerOptions` key this model reads. */
  optionsKey: string;
  /** Whether the model speaks through `@ai-sdk/openai-compatible` (raw extra body keys pass through). */
  openAiCompatible: boolean;
}

/** The base URL, API key variable and extra headers of an OpenAI-compatible host. */
interface CompatibleHost {
  baseUrl: string;
  keyVariable?: string;
}

const compatibleHosts: Partial<Record<ProviderName, CompatibleHost>> = {
  groq: { baseUrl: "https://api.groq.com/openai/v1", keyVariable: "GROQ_API_KEY" },
  deepseek: { baseUrl: "https://api.deepseek.com/v1", keyVariable: "DEEPSEEK_API_KEY" },
  xai: { baseUrl: "https://api.x.ai/v1", keyVariable: "XAI_API_KEY" },
  openrouter: { baseUrl: "https://openrouter.ai/api/v1", keyVariable: "OPENROUTER_API_KEY" },
  ollama: { baseUrl: "http://localhost:11434" },
};

/** Whether a config's calls go through `@ai-sdk/openai-compatible` (its options carry raw body keys). */
export function isOpenAiCompatible(provider: ProviderName, config: Readonly<ResolvedLlmConfig>): boolean {
  return provider in compatibleHosts || (provider === "openai" && Boolean(config.base_url));
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** The provider family and model id of a config, or a `provider_setup` error naming the supported list. */
export function chooseProvider(
  config: Readonly<ResolvedLlmConfig>,
  configName: string,
): { provider: ProviderName; modelId: string } {
  const choice = inferProvider(config.model, config.custom_llm_provider);
  if (choice.ok) return choice;
  throw new LlmError(
    `config "${configName}": ${choice.reason}; supported providers: ${PROVIDER_NAMES.join(", ")}`,
    { kind: "provider_setup", configName, model: config.model },
  );
}

/** What a builder is given: the setup, and the provider, model id and trimmed `base_url` chosen from it. */
interface ModelChoice {
  provider: ProviderName;
  modelId: string;
  baseURL: string | undefined;
}

/** Builds one provider family's model, importing its package. */
type ModelBuilder = (setup: ProviderSetup, choice: ModelChoice) => Promise<ProviderModel>;

function ready(choice: ModelChoice, model: LanguageModelV3, optionsKey: string): ProviderModel {
  return { model, provider: choice.provider, modelId: choice.modelId, optionsKey, openAiCompatible: false };
}

const buildOpenAi: ModelBuilder = async (setup, choice) => {
  const { provider, modelId, baseURL } = choice;
  if (baseURL !== undefined) {
    // Any OpenAI-compatible server (vLLM, LM Studio, llama.cpp, a LiteLLM proxy): the compatible
    // client sends `max_tokens` and passes unknown parameters through, as those servers expect.
    return createCompatible(setup, "openai", modelId, baseURL, findApiKey(setup, provider));
  }
  const { createOpenAI } = await import("@ai-sdk/openai");
  const openai = createOpenAI({ apiKey: requireApiKey(setup, provider), fetch: setup.fetch });
  return ready(choice, openai.chat(modelId), "openai");
};

const buildAnthropic: ModelBuilder = async (setup, choice) => {
  const { createAnthropic } = await import("@ai-sdk/anthropic");
  const apiKey = requireApiKey(setup, choice.provider);
  const { baseURL } = choice;
  // LiteLLM's api_base for Anthropic has no /v1; the AI SDK's baseURL includes it.
  const anthropicBase = baseURL === undefined || baseURL.endsWith("/v1") ? baseURL : `${baseURL}/v1`;
  const anthropic = createAnthropic({
    apiKey,
    fetch: setup.fetch,
    ...(anthropicBase === undefined ? {} : { baseURL: anthropicBase }),
  });
  return ready(choice, anthropic.languageModel(choice.modelId), "anthropic");
};

const buildAzure: ModelBuilder = async (setup, choice) => {
  const { config } = setup;
  const { createAzure } = await import("@ai-sdk/azure");
  const { baseURL } = choice;
  if (baseURL === undefined) {
    throw new LlmError({
      detail: "azure models need base_url (https://<resource>.openai.azure.com)",
      kind: "provider_setup",
      configName: setup.configName,
      model: config.model,
    });
  }
  const azure = createAzure({
    apiKey: requireApiKey(setup, choice.provider),
    baseURL: baseURL.endsWith("/openai") ? baseURL : `${baseURL}/openai`,
    apiVersion: config.api_version ?? DEFAULT_AZURE_API_VERSION,
    useDeploymentBasedUrls: true,
    fetch: setup.fetch,
  });
  return ready(choice, azure.chat(choice.modelId), "azure");
};

const buildBedrock: ModelBuilder = async (setup, choice) => {
  const { config } = setup;
  checkAwsCredentials(setup);
  const { createAmazonBedrock } = await import("@ai-sdk/amazon-bedrock");
  const region = config.aws_region_name ?? setup.env.AWS_REGION_NAME ?? setup.env.AWS_REGION;
  const bedrock = createAmazonBedrock({
    fetch: setup.fetch,
    ...(region ? { region } : {}),
    ...(config.aws_access_key_id ? { accessKeyId: config.aws_access_key_id } : {}),
    ...(config.aws_secret_access_key ? { secretAccessKey: config.aws_secret_access_key } : {}),
    ...(choice.baseURL === undefined ? {} : { baseURL: choice.baseURL }),
  });
  return ready(choice, bedrock.languageModel(choice.modelId), "bedrock");
};

const buildGemini: ModelBuilder = async (setup, choice) => {
  const { createGoogleGenerativeAI } = await import("@ai-sdk/google");
  const google = createGoogleGenerativeAI({
    apiKey: requireApiKey(setup, choice.provider),
    fetch: setup.fetch,
    ...(choice.baseURL === undefined ? {} : { baseURL: choice.baseURL }),
  });
  return ready(choice, google.languageModel(choice.modelId), "google");
};

const buildMistral: ModelBuilder = async (setup, choice) => {
  const { createMistral } = await import("@ai-sdk/mistral");
  const mistral = createMistral({
    apiKey: requireApiKey(setup, choice.provider),
    fetch: setup.fetch,
    ...(choice.baseURL === undefined ? {} : { baseURL: choice.baseURL }),
  });
  return ready(choice, mistral.languageModel(choice.modelId), "mistral");
};

/** groq, deepseek, xai, openrouter: their known host unless `base_url` says otherwise, and a key. */
const buildCompatibleHost: ModelBuilder = (setup, { provider, modelId, baseURL }) => {
  const host = compatibleHosts[provider] as CompatibleHost;
  return createCompatible(setup, provider, modelId, baseURL ?? host.baseUrl, requireApiKey(setup, provider));
};

const buildOllama: ModelBuilder = (setup, { modelId, baseURL }) => {
  const root = trimSlash(
    setup.config.ollama_base_url ?? baseURL ?? (compatibleHosts.ollama as CompatibleHost).baseUrl,
  );
  // Ollama serves the OpenAI wire format under /v1; it needs no key.
  return createCompatible(setup, "ollama", modelId, root.endsWith("/v1") ? root : `${root}/v1`, undefined);
};

const buildMock: ModelBuilder = async (setup, choice) => {
  const { createMockLanguageModel } = await import("./mock.ts");
  const script = setup.config.completion_kwargs?.reply_script;
  const model = createMockLanguageModel(
    setup.config.model,
    typeof script === "string" ? { scriptFile: script } : {},
  );
  return ready(choice, model, "mock");
};

// Every provider family has its builder: the Record type fails to compile when one is missing.
const builders: Record<ProviderName, ModelBuilder> = {
  openai: buildOpenAi,
  anthropic: buildAnthropic,
  azure: buildAzure,
  bedrock: buildBedrock,
  gemini: buildGemini,
  mistral: buildMistral,
  groq: buildCompatibleHost,
  deepseek: buildCompatibleHost,
  xai: buildCompatibleHost,
  openrouter: buildCompatibleHost,
  ollama: buildOllama,
  mock: buildMock,
};

/**
 * Builds the AI SDK model for a config, importing its provider package on first use.
 * @example const { model } = await createProviderModel({ config, configName: "llm", fetch, env: process.env });
 */
export async function createProviderModel(setup: ProviderSetup): Promise<ProviderModel> {
  const { config } = setup;
  const { provider, modelId } = chooseProvider(config, setup.configName);
  const baseURL = config.base_url ? trimSlash(config.base_url) : undefined;
  return builders[provider](setup, { provider, modelId, baseURL });
}

async function createCompatible(
  setup: ProviderSetup,
  provider: ProviderName,
  modelId: string,
  baseURL: string,
  apiKey: string | undefined,
): Promise<ProviderModel> {
  const { createOpenAICompatible } = await import("@ai-sdk/openai-compatible");
  const headers: Record<string, string> = {};
  if (provider === "openrouter") {
    // OpenRouter's attribution headers (what LiteLLM sends from OR_SITE_URL / OR_APP_NAME).
    headers["HTTP-Referer"] = setup.config.openrouter_site_url;
    headers["X-Title"] = setup.config.openrouter_app_name;
  }
  const compatible = createOpenAICompatible({
    name: provider,
    baseURL,
    fetch: setup.fetch,
    includeUsage: true,
    headers,
    ...(apiKey === undefined ? {} : { apiKey }),
  });
  return {
    model: compatible.chatModel(modelId),
    provider,
    modelId,
    optionsKey: provider,
    openAiCompatible: true,
  };
}

/** Where an OpenAI-wire config sends its chat completions, and with which credentials. */
export interface OpenAiEndpoint {
  /** The chat-completions URL. */
  url: string;
  /** The model id the upstream expects (prefix removed). */
  modelId: string;
  /** Headers to send: authorization and attribution; they carry the key, so never log them. */
  headers: Record<string, string>;
  /** Whether the host is api.openai.com (it takes `max_completion_tokens`). */
  official: boolean;
}

/**
 * The chat-completions endpoint of a config whose upstream speaks the OpenAI wire format itself
 * (OpenAI, a `base_url` OpenAI-compatible server, groq, deepseek, xai, openrouter, ollama); undefined
 * for every other provider. Throws a `missing_api_key` error when a key the host needs is missing.
 * @example findOpenAiEndpoint(config, "gpt3", process.env)?.url // "https://api.openai.com/v1/chat/completions"
 */
export function findOpenAiEndpoint(
  config: Readonly<ResolvedLlmConfig>,
  configName: string,
  env: Readonly<Record<string, string | undefined>>,
): OpenAiEndpoint | undefined {
  const choice = inferProvider(config.model, config.custom_llm_provider);
  if (!choice.ok) return undefined;
  const { provider, modelId } = choice;
  const setup: ProviderSetup = { config, configName, fetch: globalThis.fetch, env };
  const baseURL = config.base_url ? trimSlash(config.base_url) : undefined;
  let base: string;
  let apiKey: string | undefined;
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (provider === "openai") {
    base = baseURL ?? "https://api.openai.com/v1";
    apiKey = baseURL === undefined ? requireApiKey(setup, provider) : findApiKey(setup, provider);
  } else if (provider === "ollama") {
    const root = trimSlash(
      config.ollama_base_url ?? baseURL ?? (compatibleHosts.ollama as CompatibleHost).baseUrl,
    );
    base = root.endsWith("/v1") ? root : `${root}/v1`;
  } else if (provider in compatibleHosts) {
    base = baseURL ?? (compatibleHosts[provider] as CompatibleHost).baseUrl;
    apiKey = requireApiKey(setup, provider);
    if (provider === "openrouter") {
      headers["http-referer"] = config.openrouter_site_url;
      headers["x-title"] = config.openrouter_app_name;
    }
  } else {
    return undefined;
  }
  if (apiKey !== undefined) headers.authorization = `Bearer ${apiKey}`;
  return {
    url: `${base}/chat/completions`,
    modelId,
    headers,
    official: baseURL === undefined && provider === "openai",
  };
}
