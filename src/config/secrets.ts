/** Secret masking (H8): secret values never leave the process in any output. */
import { SECRET_FIELDS } from "./schema.ts";

/** What every set secret prints as. */
export const MASK = "**********";

/** A deep copy with every secret-named key masked at any depth; `null` and an empty `""` stay as they are. */
export function maskSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item)) as T;
  if (typeof value !== "object" || value === null) return value;
  const masked: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    masked[key] = SECRET_FIELDS.has(key) && isSetSecret(item) ? MASK : maskSecrets(item);
  }
  return masked as T;
}

/** Whether a secret field's value is set: an empty key must never look set (H8), so `""` is not. */
export function isSetSecret(value: unknown): boolean {
  return value !== null && value !== undefined && value !== "";
}

/** Replaces every occurrence of a secret value in a text (an error message, a log) with the mask. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) {
    // Very short values would mask ordinary words; no real key is that short.
    if (secret.length >= 4) result = result.split(secret).join(MASK);
  }
  return result;
}
