/**
 * One chat request from parsed body to response, the same for every dialect: find the named config
 * (404 with a did-you-mean), check the key may use it (403) and has budget left (429), lay the request's
 * parameters over the config, then take the fast path (an OpenAI-wire upstream, forwarded) or the
 * runtime (translated), and report what it cost to the ledger, the metrics and the access log.
 */
import type { Dispatcher } from "undici";
import { ConfigError, formatIssue } from "../config/issues.ts";
import type { Config } from "../config/load.ts";
import type { ResolvedLlmConfig } from "../config/schema.ts";
import { didYouMean } from "../config/suggest.ts";
import { type Completion, LlmError, type Usage } from "../llm/index.ts";
import { findOpenAiEndpoint } from "../llm/providers/registry.ts";
import type { AccessRecord } from "./access-log.ts";
import { authorize, type ClientKey } from "./auth.ts";
import { fromLlmError, GatewayError } from "./errors.ts";
import {
  buildUpstreamBody,
  canForward,
  createForwardRoute,
  type ForwardRoute,
  forwardChat,
} from "./forward.ts";
import type { GatewayResponse } from "./http.ts";
import type { SpendStore } from "./ledger.ts";
import { type ChatHead, createChunkRenderer, renderChatCompletion, toChatCall } from "./openai-chat.ts";
import { applyRequestParams } from "./params.ts";
import { completeWithRuntime, startProgress, streamWithRuntime } from "./runtime-chat.ts";

/** What a chat request needs from the gateway around it. */
export interface ChatEnvironment {
  config: Config;
  key: ClientKey | undefined;
  spend: SpendStore;
  env: Readonly<Record<string, string | undefined>>;
  dispatcher: Dispatcher;
  signal: AbortSignal;
  now: () => number;
  wallClock: () => number;
  receivedAt: number;
  /** Fills in the access record as facts become known; the app logs it when the response ends. */
  record: AccessRecord;
}

/** The config a request's `model` names: `llm` and `default` mean the base config. */
export function findConfigName(model: string, config: Pick<Config, "llms">): string {
  const name = model === "default" ? "llm" : model;
  if (Object.hasOwn(config.llms, name)) return name;
  const known = Object.keys(config.llms);
  const suggestion = didYouMean(name, known);
  throw new GatewayError(
    `unknown model "${model}": it must name a config${suggestion === undefined ? "" : `; did you mean "${suggestion}"?`} (configs: ${known.join(", ")})`,
    { status: 404, type: "invalid_request_error", code: "model_not_found", param: "model" },
  );
}

/** A 429 when the key's budget is spent. */
async function checkBudget(key: ClientKey | undefined, spend: SpendStore): Promise<void> {
  if (key === undefined || key.maxBudget === null) return;
  const spent = await spend.spentUsd(key.id);
  if (spent < key.maxBudget) return;
  throw new GatewayError(
    `budget exhausted: key "${key.id}" has spent $${spent.toFixed(4)} of max_budget $${key.maxBudget}`,
    // x-should-retry: the official SDKs would otherwise retry a 429 that no wait can fix.
    {
      status: 429,
      type: "insufficient_quota",
      code: "budget_exceeded",
      headers: { "x-should-retry": "false" },
    },
  );
}

const formatCost = (usd: number | null | undefined) => (typeof usd === "number" ? usd.toFixed(8) : "unknown");
const formatMs = (ms: number) => Math.max(0, ms).toFixed(3);

/** Serves one OpenAI chat-completions request whose body is parsed and whose head is checked. */
export async function serveChat(
  json: Record<string, unknown>,
  head: ChatHead,
  context: ChatEnvironment,
): Promise<GatewayResponse> {
  const { config: loaded, record } = context;
  record.stream = head.stream;
  const configName = findConfigName(head.model, loaded);
  record.config = configName;
  authorize(context.key, configName);
  await checkBudget(context.key, context.spend);
  const base = usableConfig(loaded, configName);
  record.model = base.model;
  const { config } = applyRequestParams(base, head.params);
  const route = canForward(config, json) ? routeOf(base, configName, context.env) : undefined;
  return route === undefined
    ? serveTranslated(json, head, configName, config, context)
    : serveForwarded(json, head, configName, config, route, context);
}

/** The config, unless it needs an unset `${VAR}`: then a 500 with the loader's located message, nothing sent. */
function usableConfig(loaded: Config, configName: string): Readonly<ResolvedLlmConfig> {
  try {
    return loaded.usableLlmConfig(configName);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const message = error.issues.map((issue) => formatIssue(issue)).join("; ");
    throw new GatewayError(message, { status: 500, type: "server_error", code: "config_unusable" });
  }
}

// Per loaded config (a reload makes new objects): where its fast path goes, worked out once.
const routes = new WeakMap<object, ForwardRoute | null>();

function routeOf(
  base: Readonly<ResolvedLlmConfig>,
  configName: string,
  env: Readonly<Record<string, string | undefined>>,
): ForwardRoute | undefined {
  const known = routes.get(base);
  if (known !== undefined) return known ?? undefined;
  let endpoint: ReturnType<typeof findOpenAiEndpoint>;
  try {
    endpoint = findOpenAiEndpoint(base, configName, env);
  } catch (thrown) {
    // A missing key is not cached: the environment of a reload may provide it.
    throw fromLlmError(thrown as LlmError, 0);
  }
  const route = endpoint === undefined ? null : createForwardRoute(endpoint, base.model);
  routes.set(base, route);
  return route ?? undefined;
}

function charge(
  context: ChatEnvironment,
  configName: string,
  usage: Usage | undefined,
  costUsd: number | null,
) {
  const { record } = context;
  record.inputTokens = usage?.input_tokens;
  record.outputTokens = usage?.output_tokens;
  record.costUsd = costUsd;
  if (context.key !== undefined && typeof costUsd === "number" && costUsd > 0)
    context.spend.record({ keyId: context.key.id, configName, usd: costUsd, at: context.wallClock() });
}

async function serveForwarded(
  json: Record<string, unknown>,
  head: ChatHead,
  configName: string,
  config: Readonly<ResolvedLlmConfig>,
  route: ForwardRoute,
  context: ChatEnvironment,
): Promise<GatewayResponse> {
  const { record } = context;
  record.fastPath = true;
  const body = buildUpstreamBody(json, head, config, route);
  let forwarded: Awaited<ReturnType<typeof forwardChat>>;
  try {
    forwarded = await forwardChat(body, head, {
      configName,
      config,
      route,
      dispatcher: context.dispatcher,
      signal: context.signal,
      now: context.now,
    });
  } catch (thrown) {
    if (!(thrown instanceof LlmError)) throw thrown;
    const attempts = (thrown as { attempts?: unknown[] }).attempts?.length ?? 1;
    record.attempts = attempts;
    throw fromLlmError(thrown, attempts);
  }
  record.attempts = forwarded.attempts;
  const overheadMs = context.now() - context.receivedAt - forwarded.upstreamMs;
  record.overheadMs = overheadMs;
  const headers: Record<string, string> = {
    "content-type": forwarded.contentType,
    "x-llmconf-config": configName,
    "x-llmconf-model": config.model,
    "x-llmconf-attempts": String(forwarded.attempts),
    "x-llmconf-overhead-ms": formatMs(overheadMs),
  };
  const settled = forwarded.outcome.then((outcome) => {
    charge(context, configName, outcome.usage, outcome.costUsd);
    return outcome;
  });
  if (Buffer.isBuffer(forwarded.body)) {
    const outcome = await settled;
    headers["x-llmconf-cost"] = formatCost(outcome.costUsd);
    return { status: forwarded.status, headers, body: forwarded.body };
  }
  let cost: number | null = null;
  settled.then((outcome) => {
    cost = outcome.costUsd;
  });
  return {
    status: forwarded.status,
    headers: { ...headers, "cache-control": "no-cache", trailer: "x-llmconf-cost" },
    body: forwarded.body,
    trailers: () => ({ "x-llmconf-cost": formatCost(cost) }),
  };
}

async function serveTranslated(
  json: Record<string, unknown>,
  head: ChatHead,
  configName: string,
  config: Readonly<ResolvedLlmConfig>,
  context: ChatEnvironment,
): Promise<GatewayResponse> {
  const { record } = context;
  record.fastPath = false;
  const call = toChatCall(json, head);
  const progress = startProgress(configName, config.model);
  const runtime = { configName, config, loaded: context.config, env: context.env, signal: context.signal };
  const identity = {
    id: `chatcmpl-llmconf-${crypto.randomUUID()}`,
    created: Math.floor(context.wallClock() / 1000),
  };
  const fail = (thrown: unknown): never => {
    record.attempts = progress.attempts;
    if (thrown instanceof LlmError) throw fromLlmError(thrown, progress.attempts);
    throw thrown;
  };
  const headersNow = (): Record<string, string> => {
    const overheadMs = context.now() - context.receivedAt - (progress.upstreamMs ?? 0);
    record.overheadMs = overheadMs;
    record.attempts = progress.attempts;
    record.config = progress.currentConfig;
    record.model = progress.currentModel;
    return {
      "x-llmconf-config": progress.currentConfig,
      "x-llmconf-model": progress.currentModel,
      "x-llmconf-attempts": String(progress.attempts),
      "x-llmconf-overhead-ms": formatMs(overheadMs),
    };
  };
  if (!call.stream) {
    const completion = await completeWithRuntime(call, runtime, progress).catch(fail);
    progress.currentConfig = completion.configName;
    progress.currentModel = completion.model;
    charge(context, completion.configName, completion.usage, completion.cost.usd);
    return {
      status: 200,
      headers: {
        "content-type": "application/json",
        ...headersNow(),
        "x-llmconf-cost": formatCost(completion.cost.usd),
      },
      body: JSON.stringify(renderChatCompletion(completion, identity)),
    };
  }
  const started = await streamWithRuntime(call, runtime, progress).catch(fail);
  // Until the stream ends, the runtime's own time is unknown: the overhead counts up to the first byte.
  progress.upstreamMs = context.now() - context.receivedAt;
  const headers = headersNow();
  const renderer = createChunkRenderer(identity, progress.currentModel);
  let cost: number | null = null;
  async function* events(): AsyncGenerator<string> {
    yield renderer.start();
    let finished = false;
    try {
      for (let next = started.first; !next.done; next = await started.rest.next())
        yield renderer.delta(next.value);
      const completion: Completion = await started.completion;
      cost = completion.cost.usd;
      charge(context, completion.configName, completion.usage, completion.cost.usd);
      finished = true;
      yield renderer.end(completion, call.includeUsage);
    } catch (thrown) {
      finished = true;
      const error =
        thrown instanceof LlmError
          ? fromLlmError(thrown, progress.attempts)
          : new GatewayError("internal error", { status: 500, type: "server_error", code: null });
      record.error = error.code ?? error.type;
      yield renderer.error(error);
    } finally {
      // A client that went away stops the runtime call (and its retry loop).
      if (!finished) await started.rest.return?.();
    }
  }
  return {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      trailer: "x-llmconf-cost",
      ...headers,
    },
    body: events(),
    trailers: () => ({ "x-llmconf-cost": formatCost(cost) }),
  };
}
