/**
 * LLM errors as data: every failure carries `kind`, `status`, `retryable`, `retryAfterMs`, `configName`
 * and `model`, chosen by one factory (`toLlmError`) from whatever the provider or the network threw.
 * Callers branch on these fields, never on message text.
 */
import { redactSecrets } from "../config/secrets.ts";
import {
  describeKind,
  findNetworkCode,
  isRetryableKind,
  kindOfStatus,
  type LlmErrorKind,
} from "./error-kinds.ts";
import { toSafeCause } from "./safe-cause.ts";

// The kinds stay importable from here, where callers met them first.
export { isRetryableKind, kindOfStatus, type LlmErrorKind } from "./error-kinds.ts";

/** The facts of one failed attempt, kept for the final error and the metrics. */
export interface AttemptFailure {
  attempt: number;
  kind: LlmErrorKind;
  status: number | undefined;
  message: string;
  elapsedMs: number;
}

/** The fields every `LlmError` is built from. */
export interface LlmErrorFields {
  kind: LlmErrorKind;
  configName: string;
  model: string;
  status?: number | undefined;
  retryable?: boolean;
  retryAfterMs?: number | undefined;
  /** The provider's id of the failed request (`x-request-id` / `request-id`), for its support desk. */
  requestId?: string | undefined;
  /** What was thrown; kept only as a redacted copy (see `toSafeCause`). */
  cause?: unknown;
  /** Secret values to redact from the message and the cause chain; not stored. */
  secrets?: readonly string[] | undefined;
}

/** An error about one config's call: what went wrong after the `config "X" (model Y): ` prefix, and the fields. */
export interface LlmErrorInit extends LlmErrorFields {
  detail: string;
}

/**
 * Any failure of an LLM call; `retryable` says whether another attempt may succeed. Safe to print in
 * every way (`message`, `cause`, `util.inspect`, `JSON.stringify`): secrets are redacted when it is
 * built, and the raw error a provider threw is replaced by a redacted copy.
 */
export class LlmError extends Error {
  override name = "LlmError";
  readonly kind: LlmErrorKind;
  readonly configName: string;
  readonly model: string;
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  // Private, behind getters: util.inspect and JSON.stringify of an error print exactly what they did
  // before these were recorded.
  readonly #detail: string;
  readonly #requestId: string | undefined;

  /**
   * Built from a `detail`, the message is `config "X" (model Y): detail`; built from a message, it is
   * the message as written (an error that does not read as one config's call, such as a wrapper's).
   */
  constructor(init: LlmErrorInit);
  constructor(message: string, fields: LlmErrorFields);
  constructor(first: string | LlmErrorInit, second?: LlmErrorFields) {
    const fields = typeof first === "string" ? (second as LlmErrorFields) : first;
    const secrets = fields.secrets ?? [];
    const message =
      typeof first === "string"
        ? first
        : `config "${first.configName}" (model ${first.model}): ${first.detail}`;
    const cause = toSafeCause(fields.cause, secrets, (value) => value instanceof LlmError);
    super(redactSecrets(message, secrets), cause === undefined ? undefined : { cause });
    this.kind = fields.kind;
    this.configName = fields.configName;
    this.model = fields.model;
    this.status = fields.status;
    this.retryable = fields.retryable ?? false;
    this.retryAfterMs = fields.retryAfterMs;
    this.#detail = typeof first === "string" ? this.message : redactSecrets(first.detail, secrets);
    this.#requestId = fields.requestId;
  }

  /** The message after its `config "X" (model Y): ` prefix (the whole message when built from one). */
  get detail(): string {
    return this.#detail;
  }

  /** The provider's id of the failed request, when its response carried one (not in the message). */
  get requestId(): string | undefined {
    return this.#requestId;
  }

  /** Whether a fallback config should be tried after this error (retryable, or the prompt is too long). */
  get fallbackEligible(): boolean {
    return (
      this.retryable ||
      this.kind === "context_window_exceeded" ||
      this.kind === "token_limit" ||
      this.kind === "retry_after_too_long" ||
      (this.kind === "retries_exhausted" && this.retryable)
    );
  }
}

/** What a re-wrap changes: a new `detail` (prefixed) or a whole `message`, and any of these fields. */
export type LlmErrorChange = ({ detail: string } | { message: string }) &
  Partial<Pick<LlmErrorFields, "kind" | "status" | "retryable" | "retryAfterMs">>;

/**
 * A new error about the same call as `error` (config, model, request id; the other fields unless
 * changed), with `error` as its cause.
 * @example throw rewrapLlmError(error, { detail: `${error.detail} (not retried)`, retryable: false });
 */
export function rewrapLlmError(error: LlmError, change: LlmErrorChange): LlmError {
  const fields: LlmErrorFields = {
    kind: change.kind ?? error.kind,
    configName: error.configName,
    model: error.model,
    status: "status" in change ? change.status : error.status,
    retryable: change.retryable ?? error.retryable,
    retryAfterMs: "retryAfterMs" in change ? change.retryAfterMs : error.retryAfterMs,
    requestId: error.requestId,
    cause: error,
  };
  return "detail" in change
    ? new LlmError({ ...fields, detail: change.detail })
    : new LlmError(change.message, fields);
}

/** The prompt has more tokens than `max_input_tokens`; raised before anything is sent. */
export class TokenLimitError extends LlmError {
  override name = "TokenLimitError";
  constructor(
    readonly count: number,
    readonly limit: number,
    readonly tokenizer: string,
    fields: { configName: string; model: string },
  ) {
    super({
      detail: `prompt has ${count} tokens (${tokenizer}), over max_input_tokens = ${limit}`,
      kind: "token_limit",
      ...fields,
    });
  }
}

/** Every attempt of a config failed with retryable errors; names each status and the total time. */
export class RetriesExhaustedError extends LlmError {
  override name = "RetriesExhaustedError";
  constructor(
    readonly attempts: readonly AttemptFailure[],
    readonly totalMs: number,
    readonly last: LlmError,
  ) {
    const statuses = attempts.map((failure) => failure.status ?? failure.kind).join(", ");
    super({
      detail: `${attempts.length} attempt${attempts.length === 1 ? "" : "s"} failed in ${formatSeconds(totalMs)} (${statuses}); last: ${last.detail}`,
      kind: "retries_exhausted",
      configName: last.configName,
      model: last.model,
      status: last.status,
      retryable: true,
      retryAfterMs: last.retryAfterMs,
      requestId: last.requestId,
      cause: last,
    });
  }
}

/** Seconds with one decimal, for messages (`1.2 s`). */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** What the factory knows besides the thrown value. */
export interface ErrorContext {
  configName: string;
  model: string;
  /** Our own per-attempt timeout fired (an abort caused by it is a timeout, not a user abort). */
  timedOut?: boolean;
  /** The timeout of one attempt in seconds, for the message. */
  timeoutSeconds?: number | null;
  /** Secret values that must never appear in a message. */
  secrets?: readonly string[];
  /** Parses retry headers; injected so this file stays free of clock reads. */
  parseRetryAfter?: (headers: Record<string, string | undefined>) => number | undefined;
}

interface ApiCallLike {
  message: string;
  statusCode?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  isRetryable?: boolean;
  cause?: unknown;
}

/**
 * The one factory: turns anything a provider call threw into an `LlmError` with its facts as fields.
 * @example toLlmError(apiCallError, { configName: "fast", model: "gpt-4o" }).retryable
 */
export function toLlmError(thrown: unknown, context: ErrorContext): LlmError {
  if (thrown instanceof LlmError) return thrown;
  const { configName, model } = context;
  const base = { configName, model, cause: thrown, secrets: context.secrets };
  const clean = (text: string) => redactSecrets(text, context.secrets ?? []);
  if (isAbort(thrown)) {
    if (context.timedOut) {
      const seconds = context.timeoutSeconds ?? 0;
      return new LlmError({
        ...base,
        detail: `no answer within timeout = ${seconds} s`,
        kind: "timeout",
        retryable: true,
      });
    }
    return new LlmError({ ...base, detail: "aborted", kind: "aborted" });
  }
  const name = (thrown as { name?: unknown } | null)?.name;
  const emptyChoices =
    typeof name === "string" &&
    name.startsWith("AI_") &&
    /did not contain any choices|without a finish reason|no content generated/i.test(
      (thrown as Error).message,
    );
  if (name === "EmptyAnswerError" || emptyChoices) {
    return new LlmError({
      ...base,
      detail: "empty response (no text, no tool calls)",
      kind: "empty_response",
      retryable: true,
    });
  }
  if (name === "AI_LoadAPIKeyError" || name === "AI_LoadSettingError") {
    return new LlmError({
      ...base,
      detail: `no api_key (${clean((thrown as Error).message)})`,
      kind: "missing_api_key",
    });
  }
  if (isApiCallError(thrown)) return fromApiCallError(thrown, context, { ...base, clean });
  const code = findNetworkCode(thrown);
  if (code !== undefined) {
    return new LlmError({
      ...base,
      detail: `connection failed (${code})`,
      kind: "connection",
      retryable: true,
    });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new LlmError({ ...base, detail: clean(message), kind: "invalid_response" });
}

/** The error of an HTTP call that failed: no connection, a body that broke, or an error status. */
function fromApiCallError(
  thrown: ApiCallLike,
  context: ErrorContext,
  shared: Pick<LlmErrorFields, "configName" | "model" | "cause" | "secrets"> & {
    clean: (text: string) => string;
  },
): LlmError {
  const { clean, ...base } = shared;
  const status = thrown.statusCode;
  const detail = describeProviderMessage(thrown, clean);
  const headers = thrown.responseHeaders ?? {};
  const requestId = findRequestId(headers);
  if (status === undefined) {
    return new LlmError({
      ...base,
      detail: `cannot connect: ${detail.replace(/^Cannot connect to API: /, "")}`,
      kind: "connection",
      retryable: true,
    });
  }
  if (status >= 200 && status < 300) {
    // The response began but its body failed: a cut connection is retryable, garbage is not.
    const code = findNetworkCode(thrown.cause);
    return new LlmError({
      ...base,
      detail:
        code === undefined
          ? `invalid response: ${detail}`
          : `connection lost while reading the response (${code})`,
      kind: code === undefined ? "invalid_response" : "connection",
      status,
      retryable: code !== undefined,
      requestId,
    });
  }
  const retryAfterMs = context.parseRetryAfter?.(headers);
  const kind = kindOfStatus(status, `${thrown.message} ${thrown.responseBody ?? ""}`);
  return new LlmError({
    ...base,
    detail: `${status} ${describeKind(kind)}: ${detail}`,
    kind,
    status,
    retryable: isRetryableKind(kind),
    retryAfterMs,
    requestId,
  });
}

/**
 * The provider's request id among response headers (`x-request-id`, Anthropic's `request-id`), for
 * telling its support which call failed.
 * @example findRequestId({ "x-request-id": "req_123" }) // "req_123"
 */
export function findRequestId(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if ((lower === "x-request-id" || lower === "request-id") && value !== undefined && value !== "")
      return value;
  }
  return undefined;
}

function describeProviderMessage(error: ApiCallLike, clean: (text: string) => string): string {
  // Provider messages are often the JSON body's error.message; keep them to one line. Redact before
  // cutting, so that a key cut in half cannot slip past the redaction.
  return clean(error.message).replace(/\s+/g, " ").trim().slice(0, 300);
}

function isApiCallError(value: unknown): value is ApiCallLike {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as { name?: unknown }).name === "AI_APICallError" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

function isAbort(value: unknown): boolean {
  const name = (value as { name?: unknown } | null)?.name;
  return name === "AbortError" || name === "TimeoutError";
}
