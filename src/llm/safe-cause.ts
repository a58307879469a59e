/**
 * What an `LlmError` keeps of the error it wraps. A provider's error holds the raw response (a body
 * that may echo the API key, request and response headers, the request body), and `console.error`,
 * `util.inspect` and loggers print a whole `cause` chain; so the chain is rebuilt from a few facts,
 * with every known secret redacted, and the raw error is not kept.
 */
import { maskSecrets, redactSecrets } from "../config/secrets.ts";

/** How many links of a cause chain are kept; deeper ones are dropped (their facts are in the message). */
const MAX_DEPTH = 5;
/** How much of a response body is kept, for debugging. */
const MAX_BODY = 1000;

/** A redacted stand-in for an error a provider or the network threw. */
export class ProviderErrorCause extends Error {
  /** The HTTP status of the response, when there was one. */
  readonly statusCode?: number;
  /** A network error code (`ECONNRESET`) or a provider's error code. */
  readonly code?: string;
  /** The URL called, its credentials masked. */
  readonly url?: string;
  /** The start of the response body, secrets redacted. */
  readonly responseBody?: string;

  constructor(message: string, facts: Omit<ProviderErrorCause, keyof Error>, name: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    // Own, non-enumerable, as on a native error: JSON.stringify shows only the facts below.
    Object.defineProperty(this, "name", {
      value: name,
      enumerable: false,
      writable: true,
      configurable: true,
    });
    if (facts.statusCode !== undefined) this.statusCode = facts.statusCode;
    if (facts.code !== undefined) this.code = facts.code;
    if (facts.url !== undefined) this.url = facts.url;
    if (facts.responseBody !== undefined) this.responseBody = facts.responseBody;
  }
}

/**
 * A cause safe to keep: an error of ours (already safe) as it is, anything else rebuilt as a
 * `ProviderErrorCause` with `secrets` redacted from its message, stack, URL, body and its own causes.
 */
export function toSafeCause(
  value: unknown,
  secrets: readonly string[],
  isSafe: (value: unknown) => boolean,
  depth = 0,
): unknown {
  if (value === undefined || isSafe(value)) return value;
  if (depth >= MAX_DEPTH) return undefined;
  const clean = (text: string) => redactSecrets(text, secrets);
  if (typeof value !== "object" || value === null) {
    return new ProviderErrorCause(clean(String(value)), {}, "Error");
  }
  const raw = value as Record<string, unknown>;
  const name = typeof raw.name === "string" ? raw.name : "Error";
  const message = typeof raw.message === "string" ? raw.message : String(value);
  const body = typeof raw.responseBody === "string" ? clean(raw.responseBody) : undefined;
  const cause = toSafeCause(raw.cause, secrets, isSafe, depth + 1);
  const safe = new ProviderErrorCause(
    clean(message),
    {
      ...(typeof raw.statusCode === "number" ? { statusCode: raw.statusCode } : {}),
      ...(typeof raw.status === "number" && typeof raw.statusCode !== "number"
        ? { statusCode: raw.status }
        : {}),
      ...(typeof raw.code === "string" ? { code: clean(raw.code) } : {}),
      ...(typeof raw.url === "string" ? { url: maskSecrets(clean(raw.url)) } : {}),
      ...(body === undefined ? {} : { responseBody: body.slice(0, MAX_BODY) }),
    },
    name,
    cause,
  );
  // Keep where it was thrown (for debugging), without the message line it starts with.
  if (typeof raw.stack === "string") {
    const frames = raw.stack.split("\n").filter((line) => /^\s+at /.test(line));
    safe.stack = [`${name}: ${safe.message}`, ...frames.map(clean)].join("\n");
  }
  return safe;
}
