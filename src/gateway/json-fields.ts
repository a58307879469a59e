/** Reading fields of a request body the same way in every dialect: what counts as an object, a number. */
import { invalidRequest } from "./errors.ts";

/** A JSON object as parsed from a request body. */
export type Json = Record<string, unknown>;

/** A JSON object (not null, not an array). */
export const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * `json[key]` when it is a finite number (an integer when asked), undefined when absent or null,
 * else a 400 naming the field; `label` is how the message names it (`"top_p"`, or Anthropic's `top_p:`).
 */
export function optionalNumber(
  json: Json,
  key: string,
  integer = false,
  label = `"${key}"`,
): number | undefined {
  const value = json[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value)))
    throw invalidRequest(`${label} must be ${integer ? "an integer" : "a number"}`, key);
  return value;
}
