/**
 * `GET /v1/models` and `GET /v1/models/{id}` in Anthropic's shape, for clients that discover a
 * gateway's models with `@anthropic-ai/sdk` (Claude Code): each named config a key may use is a
 * `type: "model"` entry, paged with `limit`, `after_id` and `before_id` as Anthropic pages.
 */
import type { Config } from "../config/load.ts";
import { loadModelCatalog } from "../llm/model-catalog.ts";
import { getModelInfo } from "../llm/model-info.ts";
import { invalidRequest } from "./errors.ts";

type Headers = Readonly<Record<string, string | undefined>>;

/**
 * Whether a request wants Anthropic's shapes: every `/v1/messages` route, and any other route called
 * with `anthropic-version` (the Anthropic SDKs always send it) or with `x-api-key` and no `Authorization`.
 */
export function wantsAnthropicShape(path: string, headers: Headers): boolean {
  if (path === "/v1/messages" || path.startsWith("/v1/messages/")) return true;
  if (headers["anthropic-version"] !== undefined) return true;
  return headers["x-api-key"] !== undefined && headers.authorization === undefined;
}

// Configs have no release date; the epoch matches the OpenAI listing's `created: 0`.
const createdAt = "1970-01-01T00:00:00Z";

/** Loads what the model catalog knows of the configs' models, for their limits in the list. */
export async function loadCatalogsOf(config: Config, names: readonly string[]): Promise<void> {
  const models = new Set(names.flatMap((name) => config.llms[name]?.model ?? []));
  await Promise.all([...models].map((model) => loadModelCatalog(model)));
}

/** One config as Anthropic's `ModelInfo` (call `loadCatalogsOf` first for the model's limits). */
export function toAnthropicModel(config: Config, name: string) {
  const llm = config.llms[name];
  // The config's limits, else what the model table knows of its model.
  const info = llm === undefined ? undefined : getModelInfo(llm.model);
  return {
    type: "model",
    id: name,
    display_name: name,
    created_at: createdAt,
    max_input_tokens: llm?.max_input_tokens ?? info?.maxInputTokens ?? null,
    max_tokens: llm?.max_output_tokens ?? info?.maxOutputTokens ?? null,
  };
}

const defaultLimit = 20;
const maxLimit = 1000;

function readLimit(query: URLSearchParams): number {
  const text = query.get("limit");
  if (text === null) return defaultLimit;
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit)
    throw invalidRequest(`limit: must be an integer from 1 to ${maxLimit}`, "limit");
  return limit;
}

/**
 * One page of the configs in Anthropic's list shape; `after_id` / `before_id` name a config of the
 * list (an unknown one is a 400).
 */
export function listAnthropicModels(
  config: Config,
  allowed: (name: string) => boolean,
  query: URLSearchParams,
) {
  const names = Object.keys(config.llms).filter(allowed);
  const limit = readLimit(query);
  const positionOf = (param: string) => {
    const id = query.get(param);
    if (id === null) return undefined;
    const position = names.indexOf(id);
    if (position < 0) throw invalidRequest(`${param}: "${id}" is not a model of this list`, param);
    return position;
  };
  const after = positionOf("after_id");
  const before = positionOf("before_id");
  let start = 0;
  let end = names.length;
  let hasMore: boolean;
  if (before !== undefined) {
    // Anthropic pages backwards from before_id: the `limit` entries just before it.
    end = before;
    start = Math.max(0, end - limit);
    hasMore = start > 0;
  } else {
    start = after === undefined ? 0 : after + 1;
    end = Math.min(names.length, start + limit);
    hasMore = end < names.length;
  }
  const page = names.slice(start, end);
  return {
    data: page.map((name) => toAnthropicModel(config, name)),
    has_more: hasMore,
    first_id: page[0] ?? null,
    last_id: page.at(-1) ?? null,
  };
}
