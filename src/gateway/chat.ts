/**
 * `POST /v1/chat/completions`: the shared pipeline (`admit`, `serveWithRuntime`) with the OpenAI chat
 * dialect, plus the fast path: a config whose upstream speaks the same wire is forwarded with undici,
 * body bytes untouched, instead of being translated through the runtime.
 */
import type { ResolvedLlmConfig } from "../config/schema.ts";
import { LlmError } from "../llm/index.ts";
import { findOpenAiEndpoint } from "../llm/providers/registry.ts";
import type { DialectEndpoint } from "./dialect.ts";
import { fromLlmError, toOpenAiErrorBody } from "./errors.ts";
import {
  buildUpstreamBody,
  canForward,
  createForwardRoute,
  type ForwardRoute,
  forwardChat,
} from "./forward.ts";
import type { GatewayResponse } from "./http.ts";
import { type ChatHead, createChatDialect, readChatHead, toChatCall } from "./openai-chat.ts";
import {
  type Admission,
  admit,
  formatCost,
  llmconfHeaders,
  type RequestContext,
  serveWithRuntime,
} from "./pipeline.ts";
import { promptOfChatBody } from "./spend-estimate.ts";

/** `POST /v1/chat/completions` (and `/chat/completions`, for clients given a base URL without /v1). */
export const chatEndpoint: DialectEndpoint = {
  paths: ["/v1/chat/completions", "/chat/completions"],
  errorBody: toOpenAiErrorBody,
  serve: (json, context) => serveChat(json, readChatHead(json), context),
};

/** Serves one OpenAI chat-completions request whose body is parsed and whose head is checked. */
export async function serveChat(
  json: Record<string, unknown>,
  head: ChatHead,
  context: RequestContext,
): Promise<GatewayResponse> {
  const admission = await admit(head, context, () => promptOfChatBody(json));
  try {
    const route = canForward(admission.config, json)
      ? routeOf(admission.base, admission.configName, context.env)
      : undefined;
    if (route !== undefined) return await serveForwarded(json, head, admission, route, context);
    const identity = {
      id: `chatcmpl-llmconf-${crypto.randomUUID()}`,
      created: Math.floor(context.wallClock() / 1000),
    };
    return await serveWithRuntime(
      toChatCall(json, head),
      createChatDialect(identity, head.includeUsage),
      admission,
      context,
    );
  } catch (thrown) {
    // Refused after admission (a malformed message, an unreachable route): nothing ran, nothing is charged.
    void admission.settle(undefined);
    throw thrown;
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

async function serveForwarded(
  json: Record<string, unknown>,
  head: ChatHead,
  admission: Admission,
  route: ForwardRoute,
  context: RequestContext,
): Promise<GatewayResponse> {
  const { record } = context;
  const { configName, config } = admission;
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
    void admission.settle(undefined);
    if (!(thrown instanceof LlmError)) throw thrown;
    const attempts = (thrown as { attempts?: unknown[] }).attempts?.length ?? 1;
    record.attempts = attempts;
    throw fromLlmError(thrown, attempts);
  }
  const headers: Record<string, string> = {
    "content-type": forwarded.contentType,
    ...llmconfHeaders(context, {
      configName,
      model: config.model,
      attempts: forwarded.attempts,
      upstreamMs: forwarded.upstreamMs,
    }),
  };
  // A whole body waits for its charge to be recorded: a client's next request sees this one's cost.
  const settled = forwarded.outcome.then(async (outcome) => {
    // A stream cut before its usage chunk (the client left, the upstream failed): what was relayed is charged.
    await admission.settle({
      configName,
      usage: outcome.usage,
      costUsd: outcome.costUsd,
      outputTokensSoFar: outcome.relayedOutputTokens,
    });
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
