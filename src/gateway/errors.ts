/**
 * Gateway errors as data, rendered in OpenAI's shape `{ error: { message, type, param, code } }` with
 * the status that makes the official SDKs raise the matching class. Upstream failures are described
 * by their facts (config, attempts, kind, status), never by the upstream's own text, which may quote
 * a credential.
 */
import { FallbacksFailedError, LlmError } from "../llm/index.ts";

/** The fields of a gateway error. */
export interface GatewayErrorFields {
  status: number;
  type: string;
  code: string | null;
  param?: string | null;
  /** Extra response headers (`retry-after`). */
  headers?: Record<string, string>;
}

/** A failure the gateway answers with an error response. */
export class GatewayError extends Error {
  override name = "GatewayError";
  readonly status: number;
  readonly type: string;
  readonly code: string | null;
  readonly param: string | null;
  readonly headers: Record<string, string>;

  constructor(message: string, fields: GatewayErrorFields) {
    super(message);
    this.status = fields.status;
    this.type = fields.type;
    this.code = fields.code;
    this.param = fields.param ?? null;
    this.headers = fields.headers ?? {};
  }
}

/** A 400 about one request field. */
export function invalidRequest(message: string, param: string | null = null): GatewayError {
  return new GatewayError(message, { status: 400, type: "invalid_request_error", code: null, param });
}

/** The OpenAI error body of an error. */
export function toOpenAiErrorBody(error: GatewayError): { error: Record<string, unknown> } {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

// Client mistakes the upstream reported: the client can fix them, so they stay 400s.
const clientKinds = new Set(["bad_request", "context_window_exceeded", "token_limit"]);

/**
 * The gateway error for a failed runtime call: a 400 when the request itself was wrong, otherwise a
 * 502 naming the config, its model, the attempts and what the upstream answered.
 */
export function fromLlmError(error: LlmError, attempts: number): GatewayError {
  if (clientKinds.has(error.kind)) {
    return new GatewayError(error.message, {
      status: 400,
      type: "invalid_request_error",
      code: error.kind,
    });
  }
  if (error.kind === "aborted") {
    return new GatewayError(`config "${error.configName}": the request was cancelled`, {
      status: 499,
      type: "client_closed_request",
      code: "aborted",
    });
  }
  // Retries exhausted: what the last attempt met says more than "retries exhausted", after fallbacks too.
  const failed = error instanceof FallbacksFailedError ? error.lastError : error;
  const last =
    failed.kind === "retries_exhausted" && failed.cause instanceof LlmError ? failed.cause : failed;
  const status = error.status ?? last.status;
  const tried = error instanceof FallbacksFailedError ? error.errors.slice(0, -1) : undefined;
  const chain =
    tried === undefined ? "" : ` after fallbacks ${tried.map((item) => `"${item.configName}"`).join(", ")}`;
  const what = `${status === undefined ? "" : `${status} `}${last.kind === "server" ? "server error" : last.kind.replaceAll("_", " ")}`;
  const message = `config "${error.configName}" (model ${error.model}) failed${chain} after ${attempts} attempt${attempts === 1 ? "" : "s"}: upstream ${what}`;
  return new GatewayError(message, { status: 502, type: "upstream_error", code: `upstream_${error.kind}` });
}
