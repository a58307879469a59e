/**
 * The gateway's HTTP core: routes, authentication, the concurrency limit, error rendering, metrics and
 * the access log, over `GatewayRequest` → `GatewayResponse` (no socket, so tests call `handle`
 * directly). Each request runs on the configuration current when it arrived; a reload swaps the
 * snapshot for later requests only.
 * @example
 * const app = createGatewayApp({ getSnapshot: () => snapshot, spend: createMemoryLedger(), metrics: createGatewayMetrics() });
 * const response = await app.handle({ method: "GET", path: "/v1/models", headers: {}, body: Buffer.alloc(0), signal, receivedAt: performance.now() });
 */
import { Agent, type Dispatcher } from "undici";
import type { Config } from "../config/load.ts";
import { inferProvider } from "../llm/index.ts";
import { type AccessRecord, formatAccessLine } from "./access-log.ts";
import { authenticate, authorize, createKeyTable, type KeyTable, mayUse } from "./auth.ts";
import { chatEndpoint } from "./chat.ts";
import type { DialectEndpoint, ErrorBodyRenderer } from "./dialect.ts";
import { GatewayError, toOpenAiErrorBody } from "./errors.ts";
import { type GatewayRequest, type GatewayResponse, jsonResponse } from "./http.ts";
import type { SpendStore } from "./ledger.ts";
import { countTokensEndpoint, messagesEndpoint } from "./messages.ts";
import {
  listAnthropicModels,
  loadCatalogsOf,
  toAnthropicModel,
  wantsAnthropicShape,
} from "./messages-models.ts";
import { toAnthropicErrorBody } from "./messages-response.ts";
import type { GatewayMetrics } from "./metrics.ts";
import { parseJsonBody } from "./openai-chat.ts";
import { findConfigName } from "./pipeline.ts";
import { createResponsesEndpoint } from "./responses.ts";
import { createResponseStore } from "./responses-store.ts";

/** One loaded configuration and what the gateway derives from it. */
export interface GatewaySnapshot {
  config: Config;
  keys: KeyTable;
}

/** Builds the snapshot of a loaded configuration. */
export function createSnapshot(config: Config): GatewaySnapshot {
  return { config, keys: createKeyTable(config.gateway.keys) };
}

/** What the core needs; every side effect comes in through here. */
export interface GatewayAppOptions {
  getSnapshot: () => GatewaySnapshot;
  spend: SpendStore;
  metrics: GatewayMetrics;
  /** Receives each access-log line. @default no log */
  log?: (line: string) => void;
  /** Environment for provider keys. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** @default performance.now */
  now?: () => number;
  /** @default Date.now */
  wallClock?: () => number;
  /** The HTTP client of the fast path. @default an undici Agent with keep-alive */
  dispatcher?: Dispatcher;
}

/** The core: `handle` answers one request. */
export interface GatewayApp {
  handle(request: GatewayRequest): Promise<GatewayResponse>;
  /** The error body shape of a route: Anthropic's for Messages and Anthropic clients, else OpenAI's. */
  errorBody(path: string, headers: GatewayRequest["headers"]): ErrorBodyRenderer;
  /** Requests being served now. */
  inFlight(): number;
}

export type { ErrorBodyRenderer } from "./dialect.ts";

/** Creates the gateway core. */
export function createGatewayApp(options: GatewayAppOptions): GatewayApp {
  const now = options.now ?? (() => performance.now());
  const wallClock = options.wallClock ?? Date.now;
  const env = options.env ?? process.env;
  const dispatcher = options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: null });
  const { metrics, spend } = options;
  let inFlight = 0;
  const endpoints = new Map<string, DialectEndpoint>();
  const responseStore = createResponseStore(() => {
    const { stored_responses_max, stored_responses_max_bytes } = options.getSnapshot().config.gateway;
    return { maxResponses: stored_responses_max, maxBytes: stored_responses_max_bytes };
  });
  for (const endpoint of [
    chatEndpoint,
    createResponsesEndpoint(responseStore),
    messagesEndpoint,
    countTokensEndpoint,
  ])
    for (const path of endpoint.paths) endpoints.set(path, endpoint);
  const endpointOf = (path: string) => endpoints.get(path);
  // A dialect's paths answer in its own error shape; elsewhere (models, unknown routes) an Anthropic
  // client gets Anthropic's.
  const errorBodyFor = (path: string, headers: GatewayRequest["headers"]): ErrorBodyRenderer =>
    endpointOf(path)?.errorBody ??
    (wantsAnthropicShape(path, headers) ? toAnthropicErrorBody : toOpenAiErrorBody);
  const served = [...endpoints.keys()]
    .filter((path) => path.startsWith("/v1/"))
    .map((path) => `POST ${path}`)
    .join(", ");

  const route = async (
    request: GatewayRequest,
    snapshot: GatewaySnapshot,
    record: AccessRecord,
  ): Promise<GatewayResponse> => {
    const { method, path } = request;
    if (path === "/health" && method === "GET")
      return jsonResponse(200, { status: "ok", configs: Object.keys(snapshot.config.llms).length });
    if (path === "/metrics" && method === "GET") {
      const { contentType, text } = await metrics.render();
      return { status: 200, headers: { "content-type": contentType }, body: text };
    }
    if (path === "/v1/models" && method === "GET") {
      const key = authenticate(snapshot.keys, request.headers);
      record.key = key?.id;
      const allowed = (name: string) => mayUse(key, name);
      if (wantsAnthropicShape(path, request.headers)) {
        await loadCatalogsOf(snapshot.config, Object.keys(snapshot.config.llms).filter(allowed));
        return jsonResponse(
          200,
          listAnthropicModels(snapshot.config, allowed, new URLSearchParams(request.query)),
        );
      }
      return jsonResponse(200, listModels(snapshot.config, allowed));
    }
    if (path.startsWith("/v1/models/") && method === "GET") {
      const key = authenticate(snapshot.keys, request.headers);
      record.key = key?.id;
      const name = findConfigName(decodeURIComponent(path.slice("/v1/models/".length)), snapshot.config);
      record.config = name;
      authorize(key, name);
      if (wantsAnthropicShape(path, request.headers)) {
        await loadCatalogsOf(snapshot.config, [name]);
        return jsonResponse(200, toAnthropicModel(snapshot.config, name));
      }
      return jsonResponse(200, toOpenAiModel(snapshot.config, name));
    }
    const endpoint = endpointOf(path);
    if (endpoint !== undefined) {
      if (method !== "POST") throw methodNotAllowed(method, path, "POST");
      const key = authenticate(snapshot.keys, request.headers);
      record.key = key?.id;
      return endpoint.serve(parseJsonBody(request.body), {
        config: snapshot.config,
        key,
        spend,
        env,
        dispatcher,
        signal: request.signal,
        now,
        wallClock,
        receivedAt: request.receivedAt,
        record,
      });
    }
    throw new GatewayError(
      `unknown route ${method} ${path}; this gateway serves ${served}, GET /v1/models, /health and /metrics`,
      {
        status: 404,
        type: "invalid_request_error",
        code: "unknown_url",
      },
    );
  };

  const finish = (record: AccessRecord, request: GatewayRequest) => {
    record.durationMs = now() - request.receivedAt;
    if (record.path !== "/metrics" && record.path !== "/health")
      metrics.record({
        config: record.config ?? "",
        status: record.status,
        errorCode: record.error,
        usage:
          record.inputTokens === undefined
            ? undefined
            : {
                input_tokens: record.inputTokens,
                output_tokens: record.outputTokens ?? 0,
                cache_read_tokens: 0,
                cache_write_tokens: 0,
              },
        costUsd: record.costUsd,
        durationMs: record.durationMs,
        overheadMs: record.overheadMs,
      });
    options.log?.(formatAccessLine(record, wallClock()));
  };

  return {
    inFlight: () => inFlight,
    errorBody: errorBodyFor,
    async handle(request) {
      const snapshot = options.getSnapshot();
      const record: AccessRecord = { method: request.method, path: request.path, status: 0, durationMs: 0 };
      const limit = snapshot.config.gateway.max_concurrent_requests;
      let response: GatewayResponse;
      const errorBody = errorBodyFor(request.path, request.headers);
      if (inFlight >= limit) {
        response = errorResponse(
          new GatewayError(
            `too many requests in flight (max_concurrent_requests = ${limit}); retry shortly`,
            {
              status: 429,
              type: "rate_limit_error",
              code: "concurrency_limit",
              headers: { "retry-after": "1" },
            },
          ),
          record,
          errorBody,
        );
      } else {
        inFlight += 1;
        metrics.inFlight.inc();
        try {
          response = await route(request, snapshot, record);
        } catch (thrown) {
          response = errorResponse(toGatewayError(thrown), record, errorBody);
        }
        const done = response.onFinished;
        response.onFinished = (outcome) => {
          inFlight -= 1;
          metrics.inFlight.dec();
          done?.(outcome);
        };
      }
      record.status = response.status;
      const reported = response.onFinished;
      response.onFinished = (outcome) => {
        reported?.(outcome);
        if (!outcome.completed) record.error ??= "client_closed";
        finish(record, request);
      };
      return response;
    },
  };
}

function methodNotAllowed(method: string, path: string, allowed: string): GatewayError {
  return new GatewayError(`${method} ${path} is not allowed; use ${allowed}`, {
    status: 405,
    type: "invalid_request_error",
    code: "method_not_allowed",
    headers: { allow: allowed },
  });
}

function toGatewayError(thrown: unknown): GatewayError {
  if (thrown instanceof GatewayError) return thrown;
  // An unexpected failure is a bug: answer 500 without its details (they may hold anything).
  return new GatewayError("internal gateway error", {
    status: 500,
    type: "server_error",
    code: "internal_error",
  });
}

function errorResponse(
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

function providerOf(model: string, custom: string | null): string | null {
  const choice = inferProvider(model, custom);
  return choice.ok ? choice.provider : null;
}

/** One config as an OpenAI model object, with its model and provider in extra fields. */
function toOpenAiModel(config: Config, name: string) {
  const llm = config.llms[name];
  return {
    id: name,
    object: "model",
    created: 0,
    owned_by: "llmconf",
    model: llm?.model ?? null,
    provider: llm === undefined ? null : providerOf(llm.model, llm.custom_llm_provider),
  };
}

/** `GET /v1/models`: every config a key may use. */
function listModels(config: Config, allowed: (name: string) => boolean) {
  const data = Object.keys(config.llms)
    .filter(allowed)
    .map((name) => toOpenAiModel(config, name));
  return { object: "list", data };
}
