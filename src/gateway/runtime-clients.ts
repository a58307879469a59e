/**
 * The translated path's runtime clients, kept instead of built per request: building one (the AI SDK
 * provider, the model's limits and prices, the secret list) was most of that path's own time. Clients
 * are kept per named config and per set of request parameters laid over it (pins and fallbacks see the
 * same parameters, so a kept client is the one a fresh build would make), for the life of the loaded
 * configuration: a reload loads a new `Config`, whose clients start afresh, and the old ones go with
 * the old snapshot.
 *
 * A client is lent to one request at a time and comes back when its call has ended, so its events
 * (attempts, the config tried) belong to that request alone; concurrent requests of one config use
 * several clients, built once each. (One client shared through AsyncLocalStorage would do the same
 * with fewer clients, but on Node 20 it turns on promise hooks for the whole process, which would tax
 * the fast path too.) What differs per request (the abort signal) is handed to each call.
 */
import type { ResolvedLlmConfig } from "../config/schema.ts";
import type { Llm } from "../llm/index.ts";
import type { RequestParams } from "./chat-call.ts";

type Env = Readonly<Record<string, string | undefined>>;

// Bounds per loaded configuration: request parameters vary (a client may send any temperature), and a
// long-lived gateway must keep neither one client per value ever seen nor every client of a burst.
const maxKeysPerConfig = 128;
const maxIdlePerKey = 32;

/** A kept client and the request it is lent to now. */
interface KeptClient<T> {
  llm: Llm;
  borrower: T | undefined;
}

type Pools = Map<string, KeptClient<unknown>[]>;

const poolsByConfig = new WeakMap<object, WeakMap<Env, Pools>>();

// The fields a request may set; a dialect may also adjust them on the config (Messages lowers a
// max_tokens past the model's limit), so the key reads them from the config the client is built with.
const requestFields: readonly (keyof RequestParams)[] = [
  "temperature",
  "top_p",
  "max_output_tokens",
  "top_k",
  "seed",
  "reasoning_effort",
];

/**
 * The key of the clients that may serve a request: the config's name, the request parameters (its
 * fallbacks get them too), and the request-settable fields of the config it is built with.
 */
export function runtimeClientKey(
  configName: string,
  params: RequestParams,
  config: Readonly<ResolvedLlmConfig>,
): string {
  const fields = requestFields.map((field) => (config as Readonly<Record<string, unknown>>)[field]);
  return `${configName}\u0000${JSON.stringify(params)}\u0000${JSON.stringify(fields)}`;
}

/** A client lent to one request; `release` (once its call has ended) gives it back. */
export interface RuntimeClientLease {
  llm: Llm;
  release(): void;
}

function poolsOf(loaded: object, env: Env): Pools {
  let byEnv = poolsByConfig.get(loaded);
  if (byEnv === undefined) {
    byEnv = new WeakMap();
    poolsByConfig.set(loaded, byEnv);
  }
  let pools = byEnv.get(env);
  if (pools === undefined) {
    pools = new Map();
    byEnv.set(env, pools);
  }
  return pools;
}

/** The idle clients of a key, its entry refreshed so the map's order is least recently used first. */
function poolOf(pools: Pools, key: string): KeptClient<unknown>[] {
  const pool = pools.get(key) ?? [];
  pools.delete(key);
  pools.set(key, pool);
  if (pools.size > maxKeysPerConfig) pools.delete(pools.keys().next().value as string);
  return pool;
}

/**
 * Lends `borrower` an idle client kept for `key` under a loaded configuration and environment, or one
 * built with `build`, whose `borrowerOf` tells the client's event handler whom it serves now.
 * @example const lease = leaseRuntimeClient(config, env, key, progress, (borrowerOf) => createLlm(...));
 */
export function leaseRuntimeClient<T>(
  loaded: object,
  env: Env,
  key: string,
  borrower: T,
  build: (borrowerOf: () => T | undefined) => Llm,
): RuntimeClientLease {
  const pool = poolOf(poolsOf(loaded, env), key) as KeptClient<T>[];
  let kept = pool.pop();
  if (kept === undefined) {
    const built: KeptClient<T> = { llm: undefined as unknown as Llm, borrower: undefined };
    built.llm = build(() => built.borrower);
    kept = built;
  }
  kept.borrower = borrower;
  const lent = kept;
  let released = false;
  return {
    llm: lent.llm,
    release() {
      if (released) return;
      released = true;
      lent.borrower = undefined;
      if (pool.length < maxIdlePerKey) pool.push(lent);
    },
  };
}
