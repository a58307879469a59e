/**
 * Responses kept in Redis (with `[gateway] redis_url`), so every instance behind a load balancer can
 * continue a response another one made. Per client key, in the database the URL names:
 *
 *   llmconf:responses:<key name>      hash: response id → `<bytes>|<previous id>\n<turn messages JSON>`
 *   llmconf:responses-lru:<key name>  list: `<id>|<bytes>`, most recently used first
 *
 * Each put or lookup is one Lua script over those two keys (atomic, so two instances never evict
 * apart). A put trims the list to the newest `stored_responses_max` responses and
 * `stored_responses_max_bytes` bytes of that key (the bounds hold per key here: Redis keeps them
 * apart); a lookup walks the chain back and moves every link to the front. Both push the two keys'
 * expiry back to `RESPONSES_TTL_MS`: a key's responses go after that long without use.
 */
import type { ChatMessage } from "../llm/index.ts";
import {
  type HistoryLookup,
  type ResponseKeeper,
  ResponseStoreUnavailableError,
  type StoredTurn,
  type StoreLimits,
} from "./responses-store.ts";
import { connectRedis, describeProblem, type RedisConnection } from "./spend-redis-connection.ts";
import { REDIS_KEY_PREFIX } from "./spend-redis-scripts.ts";
import { describeRedisUrl } from "./spend-redis-url.ts";

/** How long a key's responses stay without a put or a lookup of that key: 30 days, as OpenAI keeps them. */
export const RESPONSES_TTL_MS = 30 * 24 * 60 * 60 * 1000;

const hashKey = (keyId: string) => `${REDIS_KEY_PREFIX}responses:${keyId}`;
const lruKey = (keyId: string) => `${REDIS_KEY_PREFIX}responses-lru:${keyId}`;

// KEYS: hash, lru. ARGV: id, value, bytes, max responses, max bytes, ttl. Stores, then evicts the
// least recently used until the newest fit both bounds (the new one always fits: checked before).
const PUT = `redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('LPUSH', KEYS[2], ARGV[1] .. '|' .. ARGV[3])
local members = redis.call('LRANGE', KEYS[2], 0, -1)
local max, maxBytes, total = tonumber(ARGV[4]), tonumber(ARGV[5]), 0
for i, member in ipairs(members) do
  total = total + tonumber(string.match(member, '|(%d+)$'))
  if i > max or total > maxBytes then
    for j = i, #members do redis.call('HDEL', KEYS[1], string.match(members[j], '^(.*)|')) end
    redis.call('LTRIM', KEYS[2], 0, i - 2)
    break
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[6])
return 1`;

// KEYS: hash, lru. ARGV: id, ttl. {1, turns newest first} or {0, the id missing from the chain}; the
// chain's links become the most recently used, the one asked for first.
const HISTORY = `local turns, links, seen, at = {}, {}, {}, ARGV[1]
while at ~= '' do
  local value = redis.call('HGET', KEYS[1], at)
  if not value or seen[at] then return {0, at} end
  seen[at] = true
  local bytes, previous, messages = string.match(value, '^(%d+)|([^\\n]*)\\n(.*)$')
  table.insert(turns, messages)
  table.insert(links, at .. '|' .. bytes)
  at = previous
end
for i = #links, 1, -1 do
  redis.call('LREM', KEYS[2], 1, links[i])
  redis.call('LPUSH', KEYS[2], links[i])
end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return {1, turns}`;

interface ResponseScripts {
  putResponse(...args: string[]): Promise<number>;
  responseHistory(...args: string[]): Promise<[0, string] | [1, string[]]>;
}

/** A response store in Redis, with the connection it closes. */
export interface RedisResponseStore extends ResponseKeeper {
  put(id: string, turn: StoredTurn): Promise<void>;
  history(id: string, keyId: string): Promise<HistoryLookup>;
  reachable(): boolean;
  close(): Promise<void>;
}

/** Options of `openRedisResponseStore`. */
export interface RedisResponseStoreOptions {
  url: string;
  /** The bounds, read at every put (a reload's new ones apply). */
  limits: () => StoreLimits;
  /** Receives operator notices (a response that could not be stored). */
  notice?: (line: string) => void;
}

/**
 * Connects to Redis and returns the shared response store; rejects naming the server (password
 * masked) when it cannot be reached.
 * @example const store = await openRedisResponseStore({ url, limits: () => ({ maxResponses: 1000, maxBytes: 1 << 26 }) });
 */
export async function openRedisResponseStore(
  options: RedisResponseStoreOptions,
): Promise<RedisResponseStore> {
  const where = describeRedisUrl(options.url);
  const connection = await connectRedis(options.url, where, {});
  watchConnection(connection);
  connection.client.defineCommand("putResponse", { numberOfKeys: 2, lua: PUT });
  connection.client.defineCommand("responseHistory", { numberOfKeys: 2, lua: HISTORY });
  const client = connection.client as unknown as ResponseScripts;
  const notice = options.notice ?? (() => {});
  const unavailable = (error: unknown) =>
    new ResponseStoreUnavailableError(
      `Redis at ${where} did not answer (${describeProblem(error as Error)})`,
    );
  return {
    reachable: () => connection.connected,
    async put(id, turn) {
      const { maxResponses, maxBytes } = options.limits();
      const value = `${turn.previous ?? ""}\n${JSON.stringify(turn.messages)}`;
      // As the memory store counts it: the turn's JSON, its id, and a little for the bookkeeping.
      const bytes = Buffer.byteLength(JSON.stringify(turn.messages)) + id.length + 64;
      if (maxResponses <= 0 || bytes > maxBytes) return;
      try {
        await client.putResponse(
          hashKey(turn.keyId),
          lruKey(turn.keyId),
          id,
          `${bytes}|${value}`,
          String(bytes),
          String(maxResponses),
          String(maxBytes),
          String(RESPONSES_TTL_MS),
        );
      } catch (error) {
        // The answer is already made and paid for: it goes out; only its continuation is lost.
        notice(
          `llmconf serve: could not store response ${id} in Redis at ${where} (${describeProblem(error as Error)}); previous_response_id cannot continue it`,
        );
      }
    },
    async history(id, keyId): Promise<HistoryLookup> {
      let answer: Awaited<ReturnType<ResponseScripts["responseHistory"]>>;
      try {
        answer = await client.responseHistory(hashKey(keyId), lruKey(keyId), id, String(RESPONSES_TTL_MS));
      } catch (error) {
        throw unavailable(error);
      }
      if (answer[0] === 0) return { found: false, missing: answer[1] };
      const turns = answer[1].map((text) => JSON.parse(text) as ChatMessage[]);
      return { found: true, messages: turns.reverse().flat() };
    },
    async close() {
      connection.connected = false;
      connection.client.disconnect();
    },
  };
}

/** Keeps `connected` current; the spend store, on its own connection, tells the operator. */
function watchConnection(connection: RedisConnection): void {
  connection.client.on("close", () => {
    connection.connected = false;
  });
  connection.client.on("ready", () => {
    connection.connected = true;
  });
}
