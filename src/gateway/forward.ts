/**
 * The fast path: an OpenAI chat-completions request to a config whose upstream speaks the same wire
 * is forwarded with as little work as possible. The body is re-serialized once (model id, config
 * defaults), sent with undici, retried under the config's policy until the first byte reaches the
 * client, and the answer is piped back untouched except for the usage chunk a client did not ask for.
 */
import type { Dispatcher } from "undici";
import type { ResolvedLlmConfig } from "../config/schema.ts";
import { redactSecrets } from "../config/secrets.ts";
import { computeCost } from "../llm/cost.ts";
import { findRequestId, isRetryableKind, kindOfStatus, LlmError, toLlmError } from "../llm/errors.ts";
import type { Usage } from "../llm/messages.ts";
import { acceptsSamplingParameters, getModelFeatures } from "../llm/model-features.ts";
import type { OpenAiEndpoint } from "../llm/providers/registry.ts";
import { findCompletionKwargs } from "../llm/request.ts";
import { runWithRetries, type Sleep } from "../llm/retry.ts";
import { parseRetryAfter } from "../llm/retry-after.ts";
import { countDeltaChars } from "./delta-chars.ts";
import type { ChatHead } from "./openai-chat.ts";

type Json = Record<string, unknown>;

/** What a finished forwarded call reports: the facts for headers, metrics, the ledger and the log. */
export interface ForwardOutcome {
  usage: Usage | undefined;
  costUsd: number | null;
  attempts: number;
  /** Milliseconds spent waiting on the upstream (every attempt and wait, up to the last byte). */
  upstreamMs: number;
  /** A stream's output relayed to the client, in estimated tokens (what a cut stream is charged for). */
  relayedOutputTokens?: number;
}

/** A forwarded answer: the upstream's status, headers and body (whole or streamed). */
export interface Forwarded {
  status: number;
  contentType: string;
  attempts: number;
  /** Time spent waiting on the upstream up to the first byte (or the whole body when not streamed). */
  upstreamMs: number;
  body: Buffer | AsyncIterable<Buffer | string>;
  /** Settles when the body has been read to its end (or failed). */
  outcome: Promise<ForwardOutcome>;
}

/** An endpoint with what the fast path needs to know of its model, worked out once per config. */
export interface ForwardRoute extends OpenAiEndpoint {
  origin: string;
  path: string;
  /** The model takes temperature and top_p (reasoning models do not). */
  acceptsSampling: boolean;
  /** The model takes reasoning_effort. */
  reasoningEffort: boolean;
  /** Values that must never appear in an error message: the credentials in the headers. */
  secrets: string[];
}

/** The route of an endpoint for a config's model. */
export function createForwardRoute(endpoint: OpenAiEndpoint, model: string): ForwardRoute {
  const url = new URL(endpoint.url);
  return {
    ...endpoint,
    origin: url.origin,
    path: url.pathname,
    acceptsSampling: acceptsSamplingParameters(model),
    reasoningEffort: getModelFeatures(model).reasoningEffort,
    secrets: Object.values(endpoint.headers).map((value) => value.replace(/^Bearer /, "")),
  };
}

/** What the forwarder needs besides the request. */
export interface ForwardContext {
  configName: string;
  config: Readonly<ResolvedLlmConfig>;
  route: ForwardRoute;
  dispatcher: Dispatcher;
  signal: AbortSignal;
  now: () => number;
  sleep?: Sleep;
}

/** Whether a request to this config may take the fast path; the rest goes through the runtime. */
export function canForward(config: Readonly<ResolvedLlmConfig>, json: Json): boolean {
  if (config.fallbacks.length > 0 || config.log_completions || config.max_input_tokens !== null) return false;
  if (config.native_tool_calling === false) return false;
  // Messages over max_message_chars need the runtime's truncation.
  const limit = config.max_message_chars;
  for (const message of json.messages as unknown[]) {
    const content = (message as { content?: unknown } | null)?.content;
    if (typeof content === "string" && content.length > limit) return false;
  }
  return true;
}

/** The upstream body: the request with the upstream's model id and the config's defaults laid under it. */
export function buildUpstreamBody(
  json: Json,
  head: ChatHead,
  config: Readonly<ResolvedLlmConfig>,
  endpoint: Pick<ForwardRoute, "modelId" | "official" | "acceptsSampling" | "reasoningEffort">,
): Json {
  const body: Json = { ...json, model: endpoint.modelId };
  const pinned = new Set<string>(config.pinned_params);
  const put = (key: string, param: string, value: unknown) => {
    if (value === null || value === undefined) return;
    if (pinned.has(param) || body[key] === undefined || body[key] === null) body[key] = value;
  };
  if (endpoint.acceptsSampling) {
    put("temperature", "temperature", config.temperature);
    put("top_p", "top_p", config.top_p);
  }
  const maxKey = endpoint.official ? "max_completion_tokens" : "max_tokens";
  if (
    config.max_output_tokens !== null &&
    (pinned.has("max_output_tokens") || head.params.max_output_tokens === undefined)
  ) {
    delete body.max_tokens;
    delete body.max_completion_tokens;
    body[maxKey] = config.max_output_tokens;
  }
  put("seed", "seed", config.seed);
  if (endpoint.reasoningEffort) put("reasoning_effort", "reasoning_effort", config.reasoning_effort);
  if (config.top_k !== null && !endpoint.official) put("top_k", "top_k", config.top_k);
  for (const [key, value] of Object.entries(findCompletionKwargs(config) ?? {}))
    if (!(key in body)) body[key] = value;
  // Usage is needed for the cost and budgets even when the client did not ask for it.
  if (head.stream && !head.includeUsage) {
    const options =
      typeof body.stream_options === "object" && body.stream_options !== null ? body.stream_options : {};
    body.stream_options = { ...options, include_usage: true };
  }
  return body;
}

/** Sends the request, retrying under the config's policy; throws an `LlmError` when every attempt failed. */
export async function forwardChat(
  upstreamBody: Json,
  head: ChatHead,
  context: ForwardContext,
): Promise<Forwarded> {
  const { config, configName, route, signal, now } = context;
  const text = JSON.stringify(upstreamBody);
  const timeoutMs = config.timeout !== null && config.timeout > 0 ? config.timeout * 1000 : 300_000;
  const started = now();
  const errorContext = { configName, model: config.model };
  const result = await runWithRetries(
    async () => {
      let response: Dispatcher.ResponseData;
      try {
        response = await context.dispatcher.request({
          origin: route.origin,
          path: route.path,
          method: "POST",
          headers: route.headers,
          body: text,
          signal,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
      } catch (thrown) {
        throw toForwardError(thrown, errorContext, config);
      }
      if (response.statusCode >= 400) {
        const detail = await response.body.text().catch(() => "");
        throw statusError(response.statusCode, response.headers, detail, errorContext, route.secrets);
      }
      const contentType = String(response.headers["content-type"] ?? "application/json");
      try {
        if (!head.stream)
          return { response, contentType, whole: Buffer.from(await response.body.arrayBuffer()) };
        // The first chunk is read inside the attempt: a cut before any byte reached the client is retried.
        const iterator = (response.body as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
        const first = await iterator.next();
        return { response, contentType, iterator, first };
      } catch (thrown) {
        response.body.destroy();
        throw toForwardError(thrown, errorContext, config);
      }
    },
    { policy: config, signal, now, ...(context.sleep === undefined ? {} : { sleep: context.sleep }) },
  );
  const { value, attempts } = result;
  const upstreamMs = now() - started;
  if ("whole" in value) {
    const usage = extractUsage(value.whole.toString("latin1"));
    return {
      status: value.response.statusCode,
      contentType: value.contentType,
      attempts,
      upstreamMs,
      body: value.whole,
      outcome: Promise.resolve({ usage, costUsd: costOf(config, usage), attempts, upstreamMs }),
    };
  }
  let settle: (outcome: ForwardOutcome) => void = () => {};
  const outcome = new Promise<ForwardOutcome>((resolve) => {
    settle = resolve;
  });
  const body = relayEvents(value.iterator, value.first, !head.includeUsage, (usage, relayedChars) => {
    settle({
      usage,
      costUsd: costOf(config, usage),
      attempts,
      upstreamMs: now() - started,
      relayedOutputTokens: Math.ceil(relayedChars / 4),
    });
  });
  return {
    status: value.response.statusCode,
    contentType: value.contentType,
    attempts,
    upstreamMs,
    body,
    outcome,
  };
}

function costOf(config: Readonly<ResolvedLlmConfig>, usage: Usage | undefined): number | null {
  return usage === undefined ? null : computeCost(config.model, usage, config).usd;
}

const EVENT_END = Buffer.from("\n\n");
const USAGE_MARK = Buffer.from('"usage":{');
const EMPTY_CHOICES = Buffer.from('"choices":[]');
const DATA = Buffer.from("data:");

/**
 * Relays server-sent events as whole events, bytes untouched: only an event carrying a usage object
 * is decoded, to note the usage, and dropped when it is the usage-only chunk the client did not ask
 * for. An upstream that fails mid-stream ends the stream with an error event.
 */
async function* relayEvents(
  iterator: AsyncIterator<Buffer>,
  first: IteratorResult<Buffer>,
  dropUsage: boolean,
  done: (usage: Usage | undefined, relayedChars: number) => void,
): AsyncGenerator<Buffer | string> {
  let carry: Buffer | undefined;
  let usage: Usage | undefined;
  let relayedChars = 0;
  let finished = false;
  try {
    for (let next = first; !next.done; next = await iterator.next()) {
      const bytes = carry === undefined ? next.value : Buffer.concat([carry, next.value]);
      const end = bytes.lastIndexOf(EVENT_END);
      if (end < 0) {
        carry = bytes;
        continue;
      }
      carry = end + 2 < bytes.length ? bytes.subarray(end + 2) : undefined;
      let complete = bytes.subarray(0, end + 2);
      const at = complete.indexOf(USAGE_MARK);
      if (at >= 0) {
        const eventStart = Math.max(0, complete.lastIndexOf(DATA, at));
        const eventEnd = complete.indexOf(EVENT_END, at);
        const event = complete.subarray(eventStart, eventEnd);
        usage = extractUsage(event.toString("utf8"));
        if (dropUsage && event.includes(EMPTY_CHOICES))
          complete = Buffer.concat([complete.subarray(0, eventStart), complete.subarray(eventEnd + 2)]);
      }
      if (complete.length > 0) {
        relayedChars += countDeltaChars(complete);
        yield complete;
      }
    }
    if (carry !== undefined) yield carry;
    finished = true;
  } catch {
    yield `data: ${JSON.stringify({ error: { message: "the upstream connection failed in the middle of the stream", type: "upstream_error", param: null, code: "upstream_connection" } })}\n\n`;
  } finally {
    if (!finished) await iterator.return?.();
    done(usage, relayedChars);
  }
}

/** Reads the last `"usage": {...}` object of a JSON text without parsing the rest. */
export function extractUsage(text: string): Usage | undefined {
  const key = text.lastIndexOf('"usage"');
  if (key < 0) return undefined;
  const open = text.indexOf("{", key);
  if (open < 0) return undefined;
  let depth = 0;
  for (let index = open; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (char === 123) depth++;
    else if (char === 125 && --depth === 0) {
      try {
        const raw = JSON.parse(text.slice(open, index + 1)) as {
          prompt_tokens?: number;
          completion_tokens?: number;
          prompt_tokens_details?: { cached_tokens?: number } | null;
        };
        return {
          input_tokens: raw.prompt_tokens ?? 0,
          output_tokens: raw.completion_tokens ?? 0,
          cache_read_tokens: raw.prompt_tokens_details?.cached_tokens ?? 0,
          cache_write_tokens: 0,
        };
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function upstreamMessage(detail: string, secrets: readonly string[]): string {
  try {
    const message = (JSON.parse(detail) as { error?: { message?: unknown } }).error?.message;
    if (typeof message !== "string" || message === "") return "";
    return `: ${redactSecrets(message.replace(/\s+/g, " "), secrets).slice(0, 300)}`;
  } catch {
    return "";
  }
}

const timeoutCodes = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);

function toForwardError(
  thrown: unknown,
  context: { configName: string; model: string },
  config: Readonly<ResolvedLlmConfig>,
): LlmError {
  const code = (thrown as { code?: unknown } | null)?.code;
  if (typeof code === "string" && timeoutCodes.has(code)) {
    return new LlmError({
      ...context,
      detail: `no answer within timeout = ${config.timeout ?? 300} s`,
      kind: "timeout",
      retryable: true,
    });
  }
  return toLlmError(thrown, context);
}

function statusError(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  detail: string,
  context: { configName: string; model: string },
  secrets: readonly string[],
): LlmError {
  const kind = kindOfStatus(status, detail);
  // Only a request the upstream rejected as malformed is worth the client's reading; other errors
  // (a rejected key above all) are described by their status alone.
  const said =
    kind === "bad_request" || kind === "context_window_exceeded" ? upstreamMessage(detail, secrets) : "";
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value[0] : value;
  return new LlmError({
    ...context,
    detail: `upstream answered ${status} ${kind.replaceAll("_", " ")}${said}`,
    kind,
    status,
    retryable: isRetryableKind(kind),
    retryAfterMs: parseRetryAfter(flat),
    requestId: findRequestId(flat),
  });
}
