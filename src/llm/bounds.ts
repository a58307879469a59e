/**
 * The bounds every call runs under, whatever the config says: how long one attempt (or one silence in a
 * stream) may last, and how much text a stream may deliver before it is cut off.
 */
import { DEFAULT_LLM_TIMEOUT_SECONDS, MAX_WAIT_SECONDS, type ResolvedLlmConfig } from "../config/schema.ts";
import type { ModelInfo } from "./model-info.ts";

/** The bound of one attempt in seconds, and whether it is the default standing in for an unset `timeout`. */
export interface AttemptTimeout {
  seconds: number;
  isDefault: boolean;
}

/**
 * The timeout of one attempt: `timeout`, or {@link DEFAULT_LLM_TIMEOUT_SECONDS} when it is unset or 0
 * (OpenHands' template for unset), never above {@link MAX_WAIT_SECONDS} so the timer cannot overflow.
 * @example attemptTimeout({ timeout: null }).seconds // 600
 */
export function attemptTimeout(config: Pick<ResolvedLlmConfig, "timeout">): AttemptTimeout {
  const set = config.timeout;
  if (set === null || !Number.isFinite(set) || set <= 0) {
    return { seconds: DEFAULT_LLM_TIMEOUT_SECONDS, isDefault: true };
  }
  return { seconds: Math.min(set, MAX_WAIT_SECONDS), isDefault: false };
}

/** Output tokens allowed when neither the config nor the model table knows the model's limit. */
export const UNKNOWN_MODEL_OUTPUT_TOKENS = 262_144;

// A token is a few characters on average; 8 per token leaves room for whitespace-heavy code, and the
// constant for a short limit. Past this, the upstream is not honouring the limit it was sent.
const charactersPerToken = 8;
const slackCharacters = 16_384;

/** How much a stream may deliver (text, tool arguments and reasoning, in characters), and from which limit. */
export interface OutputBound {
  characters: number;
  /** Names the limit in messages: `max_output_tokens = 100`, `the model's 8192 output tokens`, … */
  describe: string;
}

/**
 * The most a stream may deliver before it is cut off: the config's `max_output_tokens`, else the
 * model's known output limit, else {@link UNKNOWN_MODEL_OUTPUT_TOKENS}; with a wide margin, since
 * only an upstream that ignores the limit goes past it.
 */
export function streamOutputBound(
  config: Pick<ResolvedLlmConfig, "max_output_tokens">,
  info: ModelInfo | undefined,
): OutputBound {
  const own = config.max_output_tokens;
  const [tokens, describe] =
    own !== null && own > 0
      ? [own, `max_output_tokens = ${own}`]
      : info?.maxOutputTokens !== undefined
        ? [info.maxOutputTokens, `the model's limit of ${info.maxOutputTokens} output tokens`]
        : [
            UNKNOWN_MODEL_OUTPUT_TOKENS,
            `${UNKNOWN_MODEL_OUTPUT_TOKENS} output tokens (the model's limit is unknown)`,
          ];
  return { characters: tokens * charactersPerToken + slackCharacters, describe };
}
