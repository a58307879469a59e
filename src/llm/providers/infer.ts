/**
 * Which provider serves a LiteLLM-style model id (`gpt-4o`, `anthropic/claude-…`, `ollama/llama3`).
 * Light on purpose: `config show` uses it without loading any provider package.
 */

/** Provider families llmconf can call. */
export const PROVIDER_NAMES = [
  "openai",
  "anthropic",
  "azure",
  "bedrock",
  "gemini",
  "mistral",
  "groq",
  "deepseek",
  "xai",
  "openrouter",
  "ollama",
  "mock",
] as const;

/** A provider family. */
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** Aliases LiteLLM accepts for a provider prefix. */
const PREFIX_ALIASES: Readonly<Record<string, ProviderName>> = {
  vertex_ai: "gemini",
  google: "gemini",
  ollama_chat: "ollama",
  azure_ai: "azure",
  "openai-compatible": "openai",
  litellm_proxy: "openai",
  hosted_vllm: "openai",
  lm_studio: "openai",
};

/** Bare model names whose provider LiteLLM infers without a prefix. */
const BARE_PATTERNS: readonly [RegExp, ProviderName][] = [
  [/^(gpt-|o1|o3|o4|chatgpt-|text-|davinci|babbage|codex-)/, "openai"],
  [/^claude-/, "anthropic"],
  [/^gemini-/, "gemini"],
  [/^(mistral-|codestral-|open-mistral|magistral-|devstral-)/, "mistral"],
  [/^deepseek-/, "deepseek"],
  [/^grok-/, "xai"],
];

/** The result of inferring a provider: the family and the model id to send, or why none fits. */
export type ProviderChoice =
  | { ok: true; provider: ProviderName; modelId: string }
  | { ok: false; reason: string };

/**
 * Infers the provider of a model id; `custom_llm_provider` overrides the inference.
 * @example inferProvider("anthropic/claude-3-5-sonnet-20241022") // { ok: true, provider: "anthropic", modelId: "claude-3-5-sonnet-20241022" }
 */
export function inferProvider(model: string, customProvider?: string | null): ProviderChoice {
  const slash = model.indexOf("/");
  const prefix = slash > 0 ? model.slice(0, slash) : "";
  const rest = slash > 0 ? model.slice(slash + 1) : model;
  const known = (name: string): ProviderName | undefined =>
    (PROVIDER_NAMES as readonly string[]).includes(name) ? (name as ProviderName) : PREFIX_ALIASES[name];
  if (customProvider) {
    const provider = known(customProvider);
    if (!provider) return { ok: false, reason: `unknown custom_llm_provider "${customProvider}"` };
    return { ok: true, provider, modelId: known(prefix) === provider ? rest : model };
  }
  if (prefix) {
    const provider = known(prefix);
    if (provider) return { ok: true, provider, modelId: rest };
  }
  for (const [pattern, provider] of BARE_PATTERNS) {
    if (pattern.test(model)) return { ok: true, provider, modelId: model };
  }
  return {
    ok: false,
    reason: prefix
      ? `unknown provider "${prefix}" in model "${model}"`
      : `cannot tell the provider of model "${model}"; write it as <provider>/${model}`,
  };
}
