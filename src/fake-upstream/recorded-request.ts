/**
 * What the fake upstream remembers of each request, so tests can assert the exact shape a client sent
 * without ever holding a secret.
 */
import type { IncomingHttpHeaders } from "node:http";

/** The headers whose values are replaced by `"[redacted]"` in recordings. */
export const redactedHeaders: ReadonlySet<string> = new Set(["authorization", "x-api-key", "api-key"]);

/** One request as the fake upstream received it. */
export interface RecordedRequest {
  method: string;
  /** The path without the query string, such as `/v1/chat/completions`. */
  path: string;
  /** Query parameters, such as Azure's `api-version`. */
  query: Record<string, string>;
  /** Lower-case header names; credential values are `"[redacted]"`. */
  headers: Record<string, string>;
  /** Whether an `authorization` header was sent. */
  hasAuthorization: boolean;
  /** Whether an `x-api-key` (Anthropic) or `api-key` (Azure) header was sent. */
  hasApiKey: boolean;
  /** The parsed JSON body; the raw text when it was not JSON; undefined when empty. */
  body: unknown;
}

/** Builds the recording of one request, redacting credentials. */
export function recordRequest(
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  body: unknown,
): RecordedRequest {
  const recordedHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    recordedHeaders[name] = redactedHeaders.has(name)
      ? "[redacted]"
      : Array.isArray(value)
        ? value.join(", ")
        : value;
  }
  return {
    method,
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: recordedHeaders,
    hasAuthorization: headers.authorization !== undefined,
    hasApiKey: headers["x-api-key"] !== undefined || headers["api-key"] !== undefined,
    body,
  };
}

/** Parses a request body as JSON, keeping the raw text when it is not JSON. */
export function parseRequestBody(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
