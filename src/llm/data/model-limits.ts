/**
 * The fallback behind the models.dev catalog (`model-catalog.ts`): output limits and input modalities
 * for models newer than the catalog's snapshot (Claude 4.5, GPT-5.x, …), hand-kept from the vendors'
 * model pages. The catalog wins field by field wherever it knows a model. Patterns are fnmatch globs
 * over the normalized model name; the first match wins, so specific patterns come before their family.
 */

/** One family's limits; an absent field means "not known", never "not supported". */
export interface ModelLimits {
  /** Glob over the normalized model name (see `normalizeModelName`). */
  pattern: string;
  maxOutputTokens?: number;
  supportsVision?: boolean;
  supportsToolCalling?: boolean;
  supportsReasoning?: boolean;
}

/** Known output limits and capabilities by model family, most specific first. */
export const modelLimits: readonly ModelLimits[] = [
  // Anthropic: every Claude 3+ model takes images and tools.
  { pattern: "claude-3-haiku*", maxOutputTokens: 4096, supportsVision: true, supportsToolCalling: true },
  { pattern: "claude-3-opus*", maxOutputTokens: 4096, supportsVision: true, supportsToolCalling: true },
  { pattern: "claude-3-sonnet*", maxOutputTokens: 4096, supportsVision: true, supportsToolCalling: true },
  { pattern: "claude-3[-.]5-haiku*", maxOutputTokens: 8192, supportsToolCalling: true },
  {
    pattern: "claude-3[-.]5-sonnet*",
    maxOutputTokens: 8192,
    supportsVision: true,
    supportsToolCalling: true,
  },
  {
    pattern: "claude-3[-.]7-sonnet*",
    maxOutputTokens: 64000,
    supportsVision: true,
    supportsToolCalling: true,
    supportsReasoning: true,
  },
  {
    pattern: "claude-sonnet-3-7-latest",
    maxOutputTokens: 64000,
    supportsVision: true,
    supportsToolCalling: true,
    supportsReasoning: true,
  },
  {
    pattern: "claude-sonnet-4*",
    maxOutputTokens: 64000,
    supportsVision: true,
    supportsToolCalling: true,
    supportsReasoning: true,
  },
  {
    pattern: "claude-haiku-4[-.]5*",
    maxOutputTokens: 64000,
    supportsVision: true,
    supportsToolCalling: true,
    supportsReasoning: true,
  },
  {
    pattern: "claude-opus-4[-.]5*",
    maxOutputTokens: 64000,
    supportsVision: true,
    supportsToolCalling: true,
    supportsReasoning: true,
  },
  {
    pattern: "claude-opus-4-[01]*",
    maxOutputTokens: 32000,
    supportsVision: true,
    supportsToolCalling: true,
    supportsReasoning: true,
  },
  {
    pattern: "claude-opus-4-2025*",
    maxOutputTokens: 32000,
    supportsVision: true,
    supportsToolCalling: true,
    supportsReasoning: true,
  },
  { pattern: "claude-*", supportsVision: true, supportsToolCalling: true },
  // OpenAI.
  { pattern: "gpt-4o*", maxOutputTokens: 16384, supportsVision: true, supportsToolCalling: true },
  { pattern: "chatgpt-4o*", maxOutputTokens: 16384, supportsVision: true },
  { pattern: "gpt-4.1*", maxOutputTokens: 32768, supportsVision: true, supportsToolCalling: true },
  { pattern: "gpt-4-turbo*", maxOutputTokens: 4096, supportsVision: true, supportsToolCalling: true },
  { pattern: "gpt-4", maxOutputTokens: 8192, supportsVision: false, supportsToolCalling: true },
  { pattern: "gpt-4-0613", maxOutputTokens: 8192, supportsVision: false, supportsToolCalling: true },
  { pattern: "gpt-3.5-turbo*", maxOutputTokens: 4096, supportsVision: false, supportsToolCalling: true },
  { pattern: "gpt-5-chat*", maxOutputTokens: 16384, supportsVision: true },
  {
    pattern: "gpt-5*",
    maxOutputTokens: 128000,
    supportsVision: true,
    supportsToolCalling: true,
    supportsReasoning: true,
  },
  { pattern: "o1-mini*", maxOutputTokens: 65536, supportsVision: false, supportsReasoning: true },
  { pattern: "o1-preview*", maxOutputTokens: 32768, supportsVision: false, supportsReasoning: true },
  {
    pattern: "o1*",
    maxOutputTokens: 100000,
    supportsVision: true,
    supportsToolCalling: true,
    supportsReasoning: true,
  },
  {
    pattern: "o3-mini*",
    maxOutputTokens: 100000,
    supportsVision: false,
    supportsToolCalling: true,
    supportsReasoning: true,
  },
  {
    pattern: "o[34]*",
    maxOutputTokens: 100000,
    supportsVision: true,
    supportsToolCalling: true,
    supportsReasoning: true,
  },
  // Google.
  {
    pattern: "gemini-2.5-*",
    maxOutputTokens: 65536,
    supportsVision: true,
    supportsToolCalling: true,
    supportsReasoning: true,
  },
  { pattern: "gemini-2.0-flash*", maxOutputTokens: 8192, supportsVision: true, supportsToolCalling: true },
  { pattern: "gemini-1.5-*", maxOutputTokens: 8192, supportsVision: true, supportsToolCalling: true },
  { pattern: "gemini-*", supportsVision: true, supportsToolCalling: true },
  // DeepSeek.
  { pattern: "deepseek-chat", maxOutputTokens: 8192, supportsVision: false, supportsToolCalling: true },
  { pattern: "deepseek-reasoner", supportsVision: false, supportsReasoning: true },
];
