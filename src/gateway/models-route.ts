/**
 * `GET /v1/models` and `GET /v1/models/{name}`: the configs a key may use, as OpenAI model objects
 * (with the config's model and provider in extra fields), or in Anthropic's shape for Anthropic clients.
 */
import type { Config } from "../config/load.ts";
import { inferProvider } from "../llm/index.ts";
import type { AccessRecord } from "./access-log.ts";
import { authenticate, authorize, type ClientKey, mayUse } from "./auth.ts";
import { type GatewayRequest, type GatewayResponse, jsonResponse } from "./http.ts";
import {
  listAnthropicModels,
  loadCatalogsOf,
  toAnthropicModel,
  wantsAnthropicShape,
} from "./messages-models.ts";
import { findConfigName } from "./pipeline.ts";
import type { GatewaySnapshot } from "./snapshot.ts";

const modelPrefix = "/v1/models/";

/** Answers a model route, or returns undefined (synchronously) for any other request. */
export function routeModels(
  request: GatewayRequest,
  snapshot: GatewaySnapshot,
  record: AccessRecord,
): Promise<GatewayResponse> | undefined {
  if (request.method !== "GET") return undefined;
  const list = request.path === "/v1/models";
  if (!list && !request.path.startsWith(modelPrefix)) return undefined;
  const key = authenticate(snapshot.keys, request.headers);
  record.key = key?.id;
  return list ? serveModelList(request, snapshot, key) : serveModel(request, snapshot, record, key);
}

async function serveModelList(
  request: GatewayRequest,
  snapshot: GatewaySnapshot,
  key: ClientKey | undefined,
): Promise<GatewayResponse> {
  const allowed = (name: string) => mayUse(key, name);
  if (wantsAnthropicShape(request.path, request.headers)) {
    await loadCatalogsOf(snapshot.config, Object.keys(snapshot.config.llms).filter(allowed));
    return jsonResponse(
      200,
      listAnthropicModels(snapshot.config, allowed, new URLSearchParams(request.query)),
    );
  }
  return jsonResponse(200, listModels(snapshot.config, allowed));
}

async function serveModel(
  request: GatewayRequest,
  snapshot: GatewaySnapshot,
  record: AccessRecord,
  key: ClientKey | undefined,
): Promise<GatewayResponse> {
  const name = findConfigName(decodeURIComponent(request.path.slice(modelPrefix.length)), snapshot.config);
  record.config = name;
  authorize(key, name);
  if (wantsAnthropicShape(request.path, request.headers)) {
    await loadCatalogsOf(snapshot.config, [name]);
    return jsonResponse(200, toAnthropicModel(snapshot.config, name));
  }
  return jsonResponse(200, toOpenAiModel(snapshot.config, name));
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
