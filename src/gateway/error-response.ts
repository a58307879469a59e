/**
 * The app's own refusals (unknown route, wrong method, too many requests in flight, an unexpected
 * failure) and how any `GatewayError` becomes a response in a route's error shape.
 */
import type { AccessRecord } from "./access-log.ts";
import type { ErrorBodyRenderer } from "./dialect.ts";
import { GatewayError, toOpenAiErrorBody } from "./errors.ts";
import { type GatewayResponse, jsonResponse } from "./http.ts";

/** A 405 naming the method the path takes. */
export function methodNotAllowed(method: string, path: string, allowed: string): GatewayError {
  return new GatewayError(`${method} ${path} is not allowed; use ${allowed}`, {
    status: 405,
    type: "invalid_request_error",
    code: "method_not_allowed",
    headers: { allow: allowed },
  });
}

/** A 404 listing what this gateway serves. */
export function unknownRoute(method: string, path: string, served: string): GatewayError {
  return new GatewayError(
    `unknown route ${method} ${path}; this gateway serves ${served}, GET /v1/models, /health and /metrics`,
    {
      status: 404,
      type: "invalid_request_error",
      code: "unknown_url",
    },
  );
}

/** A 429 for a request over `max_concurrent_requests`. */
export function concurrencyLimited(limit: number): GatewayError {
  return new GatewayError(`too many requests in flight (max_concurrent_requests = ${limit}); retry shortly`, {
    status: 429,
    type: "rate_limit_error",
    code: "concurrency_limit",
    headers: { "retry-after": "1" },
  });
}

/** The `GatewayError` that answers anything a route threw. */
export function toGatewayError(thrown: unknown): GatewayError {
  if (thrown instanceof GatewayError) return thrown;
  // An unexpected failure is a bug: answer 500 without its details (they may hold anything).
  return new GatewayError("internal gateway error", {
    status: 500,
    type: "server_error",
    code: "internal_error",
  });
}

/** An error as a JSON response with the x-llmconf-* facts known so far, noted in the access record. */
export function errorResponse(
  error: GatewayError,
  record: AccessRecord,
  errorBody: ErrorBodyRenderer = toOpenAiErrorBody,
): GatewayResponse {
  record.error = error.code ?? error.type;
  const headers: Record<string, string> = { ...error.headers };
  if (record.config !== undefined) headers["x-llmconf-config"] = record.config;
  if (record.attempts !== undefined) headers["x-llmconf-attempts"] = String(record.attempts);
  return jsonResponse(error.status, errorBody(error), headers);
}
