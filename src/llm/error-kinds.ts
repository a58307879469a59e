/**
 * What kind an LLM failure is, from the facts alone: an HTTP status (and the body's words about the
 * context window), or a network error code somewhere in a cause chain. Imports nothing of ours, so the
 * error factory and anything else that classifies a failure agree.
 */

/** What went wrong, in one word; the retry policy and the CLI branch on it. */
export type LlmErrorKind =
  | "rate_limit"
  | "authentication"
  | "permission"
  | "bad_request"
  | "not_found"
  | "request_timeout"
  | "conflict"
  | "context_window_exceeded"
  | "server"
  | "timeout"
  | "connection"
  | "empty_response"
  | "invalid_response"
  | "aborted"
  | "token_limit"
  | "missing_api_key"
  | "provider_setup"
  | "retry_after_too_long"
  | "retries_exhausted";

const contextTooLong =
  /context[_ ]length|context window|maximum context|prompt is too long|too many tokens|reduce the length|input is too long|exceeds the (?:maximum|max)/i;

const networkCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_CLOSED",
]);

/** The kind an HTTP error status means; a 400 about the context window is its own kind. */
export function kindOfStatus(status: number, text = ""): LlmErrorKind {
  if (status === 429) return "rate_limit";
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 408) return "request_timeout";
  if (status === 409) return "conflict";
  if (status === 413 || ((status === 400 || status === 422) && contextTooLong.test(text))) {
    return "context_window_exceeded";
  }
  if (status >= 500) return "server";
  return "bad_request";
}

/** Whether errors of this kind are retried: connection errors, timeouts, 408, 409, 429, 5xx, empty answers. */
export function isRetryableKind(kind: LlmErrorKind): boolean {
  return (
    kind === "rate_limit" ||
    kind === "request_timeout" ||
    kind === "conflict" ||
    kind === "server" ||
    kind === "timeout" ||
    kind === "connection" ||
    kind === "empty_response"
  );
}

/** A kind in words, for messages (`rate_limit` → "rate limit"). */
export function describeKind(kind: LlmErrorKind): string {
  return kind.replaceAll("_", " ");
}

/** A network error code (`ECONNRESET`, or "connection closed" for a cut stream) found in a cause chain. */
export function findNetworkCode(value: unknown): string | undefined {
  let current = value;
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && networkCodes.has(code)) return code;
    const message = (current as { message?: unknown }).message;
    if (message === "terminated" || message === "fetch failed" || message === "other side closed") {
      return typeof code === "string" ? code : "connection closed";
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
