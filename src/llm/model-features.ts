/**
 * Model capabilities decided by name patterns, with OpenHands' tables and matching rules (V0
 * `model_features.py`), so a config.toml behaves here as it does there.
 */

/** What the runtime may use with a model, decided from its name alone. */
export interface ModelFeatures {
  /** The model takes `tools` natively; otherwise tools go through the prompt-based converter. */
  nativeToolCalling: boolean;
  /** The model takes `reasoning_effort` (and rejects `temperature` / `top_p`). */
  reasoningEffort: boolean;
  /** The model honours Anthropic-style `cache_control` markers. */
  promptCache: boolean;
  /** The model accepts `stop` sequences. */
  stopWords: boolean;
}

const nativeToolCallingPatterns = [
  "claude-3-7-sonnet*",
  "claude-3.7-sonnet*",
  "claude-sonnet-3-7-latest",
  "claude-3-5-sonnet*",
  "claude-3.5-sonnet*",
  "claude-3.5-haiku*",
  "claude-3-5-haiku*",
  "claude-sonnet-4*",
  "claude-opus-4*",
  "gpt-4o*",
  "gpt-4.1",
  "gpt-5*",
  "o1-2024-12-17",
  "o3*",
  "o4-mini*",
  "gemini-2.5-pro*",
  "gemini-3*",
  "groq/*",
  "kimi-k2-0711-preview",
  "kimi-k2-instruct",
  "qwen3-coder*",
  "deepseek-chat",
  "grok-code-fast-1",
  "glm-4*",
];

const reasoningEffortPatterns = [
  "o1-2024-12-17",
  "o1",
  "o3",
  "o3-2025-04-16",
  "o3-mini-2025-01-31",
  "o3-mini",
  "o4-mini",
  "o4-mini-2025-04-16",
  "gemini-2.5-flash",
  "gemini-2.5-pro",
  "gpt-5*",
  "deepseek-r1-0528*",
  "claude-sonnet-4-5*",
  "claude-haiku-4-5*",
];

const promptCachePatterns = [
  "claude-3-7-sonnet*",
  "claude-3.7-sonnet*",
  "claude-sonnet-3-7-latest",
  "claude-3-5-sonnet*",
  "claude-3-5-haiku*",
  "claude-3.5-haiku*",
  "claude-3-haiku-20240307",
  "claude-3-opus-20240229",
  "claude-sonnet-4*",
  "claude-opus-4*",
];

const noStopWordsPatterns = ["o1*", "grok-4-0709", "grok-code-fast-1", "deepseek-r1-0528*", "azure/gpt-5*"];

// OpenHands drops temperature/top_p only for its reasoning-effort list; OpenAI's whole o-series
// rejects them too (o1-mini, o3-pro, ...), so those are added rather than left to fail upstream.
const noSamplingParameterPatterns = [...reasoningEffortPatterns, "o1*", "o3*", "o4*"];

const compiledGlobs = new Map<string, RegExp>();

/** Translates an fnmatch-style glob (`*`, `?`, `[...]`) into an anchored regular expression. */
function globToRegExp(pattern: string): RegExp {
  const cached = compiledGlobs.get(pattern);
  if (cached !== undefined) return cached;
  let source = "";
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern.charAt(index);
    if (character === "*") source += ".*";
    else if (character === "?") source += ".";
    else if (character === "[") {
      const close = pattern.indexOf("]", index + 1);
      if (close === -1) source += "\\[";
      else {
        const body = pattern.slice(index + 1, close);
        source += body.startsWith("!") ? `[^${body.slice(1)}]` : `[${body}]`;
        index = close;
      }
    } else source += character.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  const compiled = new RegExp(`^${source}$`, "s");
  compiledGlobs.set(pattern, compiled);
  return compiled;
}

/**
 * Reduces a model id to the name the patterns compare: lower-case, the part after the last `/`,
 * without an Ollama `:tag` (only when a provider prefix is present, as OpenHands does) and without
 * a trailing `-gguf`.
 */
export function normalizeModelName(model: string): string {
  const raw = model.trim().toLowerCase();
  let name = raw;
  if (raw.includes("/")) {
    name = raw.slice(raw.lastIndexOf("/") + 1);
    const colon = name.indexOf(":");
    if (colon !== -1) name = name.slice(0, colon);
  }
  return name.endsWith("-gguf") ? name.slice(0, -"-gguf".length) : name;
}

/** Whether a model matches one of the patterns: a pattern with `/` against the full id, others against the normalized name. */
export function matchesModelPattern(model: string, patterns: readonly string[]): boolean {
  const raw = model.trim().toLowerCase();
  const name = normalizeModelName(model);
  return patterns.some((pattern) => {
    const lowered = pattern.toLowerCase();
    return globToRegExp(lowered).test(lowered.includes("/") ? raw : name);
  });
}

/**
 * The capabilities OpenHands would assume for a model id.
 * @example getModelFeatures("anthropic/claude-sonnet-4-20250514").promptCache // true
 */
export function getModelFeatures(model: string): ModelFeatures {
  return {
    nativeToolCalling: matchesModelPattern(model, nativeToolCallingPatterns),
    reasoningEffort: matchesModelPattern(model, reasoningEffortPatterns),
    promptCache: matchesModelPattern(model, promptCachePatterns),
    stopWords: !matchesModelPattern(model, noStopWordsPatterns),
  };
}

/** Whether the model accepts `temperature` and `top_p`; reasoning models reject them, so the runtime drops both. */
export function acceptsSamplingParameters(model: string): boolean {
  return !matchesModelPattern(model, noSamplingParameterPatterns);
}
