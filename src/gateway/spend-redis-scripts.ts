/**
 * The shared spend store's layout in Redis and its Lua scripts, each atomic on the server. Keys, in
 * the database the URL names:
 *
 *   llmconf:spend:<key name>     string: the USD the key has spent (INCRBYFLOAT)
 *   llmconf:reserved:<key name>  sorted set: one member `<instance>:<n>|<usd>` per request in flight,
 *                                scored by its expiry in milliseconds on Redis's clock
 */
import type { Redis } from "ioredis";

/** The namespace of every key this store writes. */
export const REDIS_KEY_PREFIX = "llmconf:";

/** The key holding a client key's spend. */
export const spendKey = (keyId: string) => `${REDIS_KEY_PREFIX}spend:${keyId}`;

/** The key holding a client key's reservations in flight. */
export const reservedKey = (keyId: string) => `${REDIS_KEY_PREFIX}reserved:${keyId}`;

// Milliseconds on Redis's clock, the one clock every instance shares.
const NOW =
  "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)";

// KEYS: spend, reserved. ARGV: member, usd, budget, ttl. Drops expired holds, sums the rest, holds or refuses.
const RESERVE = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local spent = tonumber(redis.call('GET', KEYS[1]) or '0')
local reserved = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  reserved = reserved + tonumber(string.match(member, '|([^|]*)$'))
end
local budget = tonumber(ARGV[3])
if spent >= budget or spent + reserved + tonumber(ARGV[2]) > budget then
  return {0, tostring(spent), tostring(reserved)}
end
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
return {1, tostring(spent), tostring(reserved)}`;

// KEYS: spend, reserved. ARGV: member ('' for none), usd. Releases the hold and adds the cost, together.
const SETTLE = `if ARGV[1] ~= '' then redis.call('ZREM', KEYS[2], ARGV[1]) end
if tonumber(ARGV[2]) > 0 then redis.call('INCRBYFLOAT', KEYS[1], ARGV[2]) end
return 1`;

// KEYS: reserved. ARGV: ttl, members... Pushes back the expiry of holds still in flight (XX: never re-adds a settled one).
const REFRESH = `${NOW}
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

/** A Redis client with the store's scripts defined as commands. */
export interface ScriptedRedis extends Redis {
  reserveSpend(
    spend: string,
    reserved: string,
    member: string,
    usd: string,
    budget: string,
    ttl: string,
  ): Promise<[number, string, string]>;
  settleSpend(spend: string, reserved: string, member: string, usd: string): Promise<number>;
  refreshSpend(reserved: string, ttl: string, ...members: string[]): Promise<number>;
}

/** Defines the store's scripts on a client (sent by hash, loaded on first use). */
export function defineSpendScripts(client: Redis): ScriptedRedis {
  client.defineCommand("reserveSpend", { numberOfKeys: 2, lua: RESERVE });
  client.defineCommand("settleSpend", { numberOfKeys: 2, lua: SETTLE });
  client.defineCommand("refreshSpend", { numberOfKeys: 1, lua: REFRESH });
  return client as ScriptedRedis;
}

/** Redis's own wording of an amount: fixed-point, so INCRBYFLOAT never sees an exponent. */
export const amount = (usd: number) => (usd > 0 ? usd.toFixed(12) : "0");
