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
import { type AccessRecord, formatAccessLine } from "./access-log.ts";
import { authenticate } from "./auth.ts";
import { chatEndpoint } from "./chat.ts";
import type { ErrorBodyRenderer } from "./dialect.ts";
import { createEndpointTable, type EndpointTable } from "./endpoint-table.ts";
import {
  concurrencyLimited,
  errorResponse,
  methodNotAllowed,
  toGatewayError,
  unknownRoute,
} from "./error-response.ts";
import { type GatewayRequest, type GatewayResponse, jsonResponse } from "./http.ts";
import type { SpendStore } from "./ledger.ts";
import { countTokensEndpoint, messagesEndpoint } from "./messages.ts";
import type { GatewayMetrics } from "./metrics.ts";
import { routeModels } from "./models-route.ts";
import { parseJsonBody } from "./openai-chat.ts";
import { createResponsesEndpoint } from "./responses.ts";
import { createResponseStore, type ResponseKeeper, type StoreLimits } from "./responses-store.ts";
import type { GatewaySnapshot } from "./snapshot.ts";

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
  /** Where Responses are kept for `previous_response_id`. @default this process's memory */
  responseStore?: ResponseKeeper;
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

/** The app's options with their defaults filled in, its endpoints, and the requests in flight. */
interface AppCore {
  options: GatewayAppOptions;
  env: Readonly<Record<string, string | undefined>>;
  now: () => number;
  wallClock: () => number;
  dispatcher: Dispatcher;
  endpoints: EndpointTable;
  inFlight: number;
}

/** Creates the gateway core. */
export function createGatewayApp(options: GatewayAppOptions): GatewayApp {
  const responseStore =
    options.responseStore ?? createResponseStore(() => storeLimits(options.getSnapshot()));
  const core: AppCore = {
    options,
    env: options.env ?? process.env,
    now: options.now ?? (() => performance.now()),
    wallClock: options.wallClock ?? Date.now,
    dispatcher: options.dispatcher ?? new Agent({ keepAliveTimeout: 10_000, connections: null }),
    endpoints: createEndpointTable([
      chatEndpoint,
      createResponsesEndpoint(responseStore),
      messagesEndpoint,
      countTokensEndpoint,
    ]),
    inFlight: 0,
  };
  return {
    inFlight: () => core.inFlight,
    errorBody: core.endpoints.errorBodyFor,
    handle: (request) => handle(core, request),
  };
}

/** The Responses store's bounds in a snapshot's `[gateway]`. */
export function storeLimits(snapshot: GatewaySnapshot): StoreLimits {
  const { stored_responses_max, stored_responses_max_bytes } = snapshot.config.gateway;
  return { maxResponses: stored_responses_max, maxBytes: stored_responses_max_bytes };
}

/** Answers one request on the snapshot current now; the access record is reported when it finishes. */
async function handle(core: AppCore, request: GatewayRequest): Promise<GatewayResponse> {
  const snapshot = core.options.getSnapshot();
  const record: AccessRecord = { method: request.method, path: request.path, status: 0, durationMs: 0 };
  const limit = snapshot.config.gateway.max_concurrent_requests;
  const errorBody = core.endpoints.errorBodyFor(request.path, request.headers);
  const response =
    core.inFlight >= limit
      ? errorResponse(concurrencyLimited(limit), record, errorBody)
      : await serveCounted(core, request, snapshot, record, errorBody);
  record.status = response.status;
  const reported = response.onFinished;
  response.onFinished = (outcome) => {
    reported?.(outcome);
    if (!outcome.completed) record.error ??= "client_closed";
    reportFinished(core, record, request);
  };
  return response;
}

/** Serves a request counted in flight until its response has finished (written, or the client left). */
async function serveCounted(
  core: AppCore,
  request: GatewayRequest,
  snapshot: GatewaySnapshot,
  record: AccessRecord,
  errorBody: ErrorBodyRenderer,
): Promise<GatewayResponse> {
  const { metrics } = core.options;
  core.inFlight += 1;
  metrics.inFlight.inc();
  let response: GatewayResponse;
  try {
    response = await route(core, request, snapshot, record);
  } catch (thrown) {
    response = errorResponse(toGatewayError(thrown), record, errorBody);
  }
  const done = response.onFinished;
  response.onFinished = (outcome) => {
    core.inFlight -= 1;
    metrics.inFlight.dec();
    done?.(outcome);
  };
  return response;
}

async function route(
  core: AppCore,
  request: GatewayRequest,
  snapshot: GatewaySnapshot,
  record: AccessRecord,
): Promise<GatewayResponse> {
  const { method, path } = request;
  if (path === "/health" && method === "GET")
    return jsonResponse(200, { status: "ok", configs: Object.keys(snapshot.config.llms).length });
  if (path === "/metrics" && method === "GET") {
    const { contentType, text } = await core.options.metrics.render();
    return { status: 200, headers: { "content-type": contentType }, body: text };
  }
  const models = routeModels(request, snapshot, record);
  if (models !== undefined) return models;
  const endpoint = core.endpoints.find(path);
  if (endpoint === undefined) throw unknownRoute(method, path, core.endpoints.served);
  if (method !== "POST") throw methodNotAllowed(method, path, "POST");
  const key = authenticate(snapshot.keys, request.headers);
  record.key = key?.id;
  return endpoint.serve(parseJsonBody(request.body), {
    config: snapshot.config,
    key,
    spend: core.options.spend,
    env: core.env,
    dispatcher: core.dispatcher,
    signal: request.signal,
    now: core.now,
    wallClock: core.wallClock,
    receivedAt: request.receivedAt,
    record,
  });
}

/** Metrics (except for /metrics and /health themselves) and the access-log line of a finished request. */
function reportFinished(core: AppCore, record: AccessRecord, request: GatewayRequest): void {
  record.durationMs = core.now() - request.receivedAt;
  if (record.path !== "/metrics" && record.path !== "/health")
    core.options.metrics.record({
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
  core.options.log?.(formatAccessLine(record, core.wallClock()));
}
