/**
 * `POST /v1/responses` (OpenAI's Responses API, what Codex speaks): the shared pipeline with the
 * Responses dialect. Any config answers, whatever its provider, through the runtime. A response made
 * here (unless `store: false`) is kept for `previous_response_id`, for the key that made it: in this
 * process's memory, or with `redis_url` in Redis, where every instance finds it (responses-redis.ts).
 */

import { authorize } from "./auth.ts";
import type { DialectEndpoint } from "./dialect.ts";
import { GatewayError, toOpenAiErrorBody } from "./errors.ts";
import type { GatewayResponse } from "./http.ts";
import { admit, findConfigName, type RequestContext, serveWithRuntime } from "./pipeline.ts";
import { readResponsesRequest } from "./responses-input.ts";
import { newResponseId } from "./responses-object.ts";
import { createResponsesDialect } from "./responses-output.ts";
import { type HistoryLookup, type ResponseKeeper, ResponseStoreUnavailableError } from "./responses-store.ts";

/** The Responses endpoint over a store of earlier responses (this process's, or Redis's). */
export function createResponsesEndpoint(store: ResponseKeeper): DialectEndpoint {
  return {
    // Also without /v1, for clients given a base URL without it.
    paths: ["/v1/responses", "/responses"],
    errorBody: toOpenAiErrorBody,
    serve: (json, context) => serveResponses(json, context, store),
  };
}

async function serveResponses(
  json: Record<string, unknown>,
  context: RequestContext,
  store: ResponseKeeper,
): Promise<GatewayResponse> {
  const request = readResponsesRequest(json);
  const keyId = context.key?.id ?? "";
  const previous = request.previousResponseId;
  // The model and the key's right to it come first (404, 403), as on every endpoint: the store is read
  // only for a request that may be served.
  authorize(context.key, findConfigName(request.call.model, context.config));
  // A response that could not be kept is not made: its continuation would fail later, less clearly.
  if (request.store && store.reachable?.() === false)
    throw storeUnavailable("the shared response store (Redis) is out of reach");
  let call = request.call;
  if (previous !== null) {
    const lookup = await lookUp(store, previous, keyId);
    if (!lookup.found) throw unknownPrevious(previous, lookup.missing, context);
    // Instructions are not carried over from the earlier turns (OpenAI's rule): only this request's.
    const system =
      request.instructions === null ? [] : [{ role: "system" as const, content: request.instructions }];
    call = { ...call, messages: [...system, ...lookup.messages, ...request.input] };
  }
  const admission = await admit(call, context, () => call);
  const id = newResponseId("resp");
  const dialect = createResponsesDialect({ id, createdAt: Math.floor(context.wallClock() / 1000), request });
  if (request.store)
    dialect.completed = async (completion) =>
      store.put(id, { keyId, previous, messages: [...request.input, completion.message] });
  return serveWithRuntime(call, dialect, admission, context);
}

async function lookUp(store: ResponseKeeper, id: string, keyId: string): Promise<HistoryLookup> {
  try {
    return await store.history(id, keyId);
  } catch (error) {
    if (!(error instanceof ResponseStoreUnavailableError)) throw error;
    throw storeUnavailable(error.message);
  }
}

function storeUnavailable(problem: string): GatewayError {
  return new GatewayError(
    `cannot read or keep stored responses: ${problem}; the request was not sent, retry shortly`,
    {
      status: 503,
      type: "server_error",
      code: "response_store_unavailable",
      headers: { "retry-after": "1" },
    },
  );
}

function unknownPrevious(asked: string, missing: string, context: RequestContext): GatewayError {
  const { stored_responses_max: count, stored_responses_max_bytes: bytes } = context.config.gateway;
  const what =
    missing === asked
      ? `previous_response_id "${asked}" is not a response this gateway keeps for this key`
      : `previous_response_id "${asked}" continues a response this gateway no longer keeps ("${missing}")`;
  const kept =
    context.config.gateway.redis_url === null
      ? `before a restart, or evicted (the last ${count} responses, up to ${Math.round(bytes / 1048576)} MiB, are kept)`
      : `or evicted (the last ${count} responses of each key, up to ${Math.round(bytes / 1048576)} MiB, are kept in Redis, for 30 days after the key last used them)`;
  return new GatewayError(
    `${what}: responses made with store: false, with another key, ${kept} cannot be continued; send the whole conversation in "input" instead`,
    {
      status: 400,
      type: "invalid_request_error",
      code: "previous_response_not_found",
      param: "previous_response_id",
    },
  );
}
