/**
 * How long a server asks us to wait before retrying: `retry-after-ms` (OpenAI, Anthropic) first, then
 * `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3).
 */

/** A header bag in any of the shapes providers hand back. */
export type HeaderBag = Readonly<Record<string, string | undefined>> | Headers;

function readHeader(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/**
 * The wait the server asked for in milliseconds, or undefined when it asked for none (or nonsense).
 * @example parseRetryAfter({ "retry-after": "2" }) // 2000
 */
export function parseRetryAfter(headers: HeaderBag, now: () => number = Date.now): number | undefined {
  const milliseconds = readHeader(headers, "retry-after-ms")?.trim();
  if (milliseconds !== undefined && /^\d+(\.\d+)?$/.test(milliseconds)) return Number(milliseconds);
  const value = readHeader(headers, "retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  // An HTTP date always names a day or month; bare numbers like "-5" would parse as years.
  if (!/[a-z]/i.test(value)) return undefined;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now());
}
