/**
 * Request parameters over a config's defaults: a value in the request wins unless the config lists
 * the field in `pinned_params`, in which case the config's value is sent and the request's is ignored.
 */
import type { ResolvedLlmConfig } from "../config/schema.ts";
import type { RequestParams } from "./chat-call.ts";

/** The config a request runs with, and the request fields the config's pins overrode. */
export interface ParamsApplied {
  config: Readonly<ResolvedLlmConfig>;
  ignored: string[];
}

/**
 * Lays the request's parameters over a config, honouring `pinned_params`.
 * @example applyRequestParams(config, { temperature: 0.7 }).config.temperature // 0.7 unless pinned
 */
export function applyRequestParams(
  config: Readonly<ResolvedLlmConfig>,
  params: RequestParams,
): ParamsApplied {
  const keys = Object.keys(params) as (keyof RequestParams)[];
  if (keys.length === 0) return { config, ignored: [] };
  const pinned = new Set<string>(config.pinned_params);
  const ignored: string[] = [];
  const changed: Partial<ResolvedLlmConfig> = {};
  for (const key of keys) {
    if (pinned.has(key)) ignored.push(key);
    else Object.assign(changed, { [key]: params[key] });
  }
  return { config: Object.keys(changed).length === 0 ? config : { ...config, ...changed }, ignored };
}
