/**
 * Lax coercions that OpenHands (pydantic lax mode) accepts, so existing files load unchanged (H2).
 * Each returns the coerced value, or the input untouched so that the schema reports the type error.
 */

const TRUE_WORDS = new Set(["1", "on", "t", "true", "y", "yes"]);
const FALSE_WORDS = new Set(["0", "off", "f", "false", "n", "no"]);
const INT_TEXT = /^[+-]?\d+(\.0*)?$/;
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Coerces `3.0`, `"3"`, `" +3 "` and booleans to an integer. */
export function toLaxInt(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "number" && Number.isInteger(value)) return value;
  if (typeof value === "string" && INT_TEXT.test(value.trim())) return Number.parseInt(value.trim(), 10);
  return value;
}

/** Coerces integers, numeric strings (`"0.5"`, `"1e-1"`) and booleans to a float. */
export function toLaxFloat(value: unknown): unknown {
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "string" && FLOAT_TEXT.test(value.trim())) return Number(value.trim());
  return value;
}

/** Coerces 0/1 and the words yes/no, on/off, t/f, y/n, true/false (any case) to a boolean. */
export function toLaxBool(value: unknown): unknown {
  if (value === 0 || value === 1) return value === 1;
  if (typeof value === "string") {
    const word = value.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  return value;
}

const ENV_TRUE = new Set(["true", "1", "yes"]);
const ENV_FALSE = new Set(["false", "0", "no"]);

/** Parses an environment boolean: true/false/1/0/yes/no in any case (H3); undefined when it is none. */
export function parseEnvBool(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if (ENV_TRUE.has(word)) return true;
  if (ENV_FALSE.has(word)) return false;
  return undefined;
}
