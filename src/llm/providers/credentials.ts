/**
 * Which API key a config sends, and where. A key written in the config (`api_key`, directly or as
 * `${VAR}`) goes wherever `base_url` points. A key the runtime takes on its own from the provider's
 * standard variable (`OPENAI_API_KEY`, …) goes only to that provider's own host: a `config.toml` in a
 * cloned repository must not be able to point `base_url` at its own server and collect the key.
 */
import type { ResolvedLlmConfig } from "../../config/schema.ts";
import { LlmError } from "../errors.ts";
import type { ProviderName } from "./infer.ts";

/** The environment variables each family reads its key from when `api_key` is unset (as LiteLLM does). */
export const API_KEY_VARIABLES: Readonly<Partial<Record<ProviderName, readonly string[]>>> = {
  openai: ["OPENAI_API_KEY"],
  anthropic: ["ANTHROPIC_API_KEY"],
  azure: ["AZURE_API_KEY", "AZURE_OPENAI_API_KEY"],
  gemini: ["GEMINI_API_KEY", "GOOGLE_GENERATIVE_AI_API_KEY"],
  mistral: ["MISTRAL_API_KEY"],
  groq: ["GROQ_API_KEY"],
  deepseek: ["DEEPSEEK_API_KEY"],
  xai: ["XAI_API_KEY"],
  openrouter: ["OPENROUTER_API_KEY"],
};

/**
 * The hosts each family's own API is served from, over https; a leading dot matches any subdomain
 * (an Azure resource, a Bedrock region).
 */
export const PROVIDER_HOSTS: Readonly<Partial<Record<ProviderName, readonly string[]>>> = {
  openai: ["api.openai.com"],
  anthropic: ["api.anthropic.com"],
  azure: [".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"],
  bedrock: [".amazonaws.com"],
  gemini: ["generativelanguage.googleapis.com", ".googleapis.com"],
  mistral: ["api.mistral.ai"],
  groq: ["api.groq.com"],
  deepseek: ["api.deepseek.com"],
  xai: ["api.x.ai"],
  openrouter: ["openrouter.ai"],
};

/** Whether a base URL is the provider's own host over https (an unset base URL is the provider's default). */
export function isProviderHost(provider: ProviderName, baseUrl: string | null): boolean {
  if (!baseUrl) return true;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return false;
  }
  if (url.protocol !== "https:") return false;
  const host = url.hostname.toLowerCase();
  return (PROVIDER_HOSTS[provider] ?? []).some((own) =>
    own.startsWith(".") ? host.endsWith(own) && host.length > own.length : host === own,
  );
}

/** What choosing a key needs: the config, its name, its provider and the environment. */
export interface KeySetup {
  config: Readonly<ResolvedLlmConfig>;
  configName: string;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The key a config sends: its own `api_key`, else the provider's standard variable when `base_url` is
 * the provider's own host, else undefined. Throws `missing_api_key`, before any request, when the
 * variable is set but `base_url` points elsewhere: the key must then be named in the config.
 */
export function findApiKey(setup: KeySetup, provider: ProviderName): string | undefined {
  const { config, configName, env } = setup;
  if (config.api_key) return config.api_key;
  for (const variable of API_KEY_VARIABLES[provider] ?? []) {
    if (!env[variable]) continue;
    if (isProviderHost(provider, config.base_url)) return env[variable];
    throw new LlmError({
      detail: `not sending ${variable} to ${describeHost(config.base_url)}: a key taken from the environment goes only to ${provider}'s own host (${(PROVIDER_HOSTS[provider] ?? []).join(", ")}); to send it to this base_url, name it in ${sectionOf(configName)}: api_key = "\${${variable}}"${provider === "openai" ? ' (a server that needs no key takes any placeholder, such as api_key = "none")' : ""}`,
      kind: "missing_api_key",
      configName,
      model: config.model,
    });
  }
  return undefined;
}

/** The key a provider cannot work without: `findApiKey`, or a `missing_api_key` error saying where to set it. */
export function requireApiKey(setup: KeySetup, provider: ProviderName): string {
  const key = findApiKey(setup, provider);
  if (key !== undefined) return key;
  const variables = API_KEY_VARIABLES[provider] ?? [];
  throw new LlmError({
    detail: `no api_key; set api_key in ${sectionOf(setup.configName)}${variables.length > 0 ? ` or the ${variables.join(" / ")} environment variable` : ""}`,
    kind: "missing_api_key",
    configName: setup.configName,
    model: setup.config.model,
  });
}

/**
 * Bedrock signs with AWS credentials from the environment when the config names none: only towards
 * AWS's own hosts. Throws `missing_api_key` when `base_url` points elsewhere without explicit keys.
 */
export function checkAwsCredentials(setup: KeySetup): void {
  const { config, configName } = setup;
  if (config.aws_access_key_id || isProviderHost("bedrock", config.base_url)) return;
  throw new LlmError({
    detail: `not signing with AWS credentials from the environment for ${describeHost(config.base_url)}: they go only to AWS hosts (*.amazonaws.com); to use them there, name them in ${sectionOf(configName)}: aws_access_key_id = "\${AWS_ACCESS_KEY_ID}" and aws_secret_access_key = "\${AWS_SECRET_ACCESS_KEY}"`,
    kind: "missing_api_key",
    configName,
    model: config.model,
  });
}

function describeHost(baseUrl: string | null): string {
  try {
    const url = new URL(baseUrl ?? "");
    return url.protocol === "https:" ? url.host : `${url.protocol}//${url.host}`;
  } catch {
    return "a base_url that is not a URL";
  }
}

function sectionOf(configName: string): string {
  return configName === "llm" ? "[llm]" : `[llm.${configName}]`;
}
