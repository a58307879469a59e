/**
 * The shared spend store: with `[gateway] redis_url`, every instance keeps each key's spend and its
 * requests in flight in one Redis, and each check-and-hold or settle is one Lua script (atomic on the
 * server), so two instances cannot both take a key's last dollar. Keys, in the database the URL names:
 *
 *   llmconf:spend:<key name>     string: the USD the key has spent (INCRBYFLOAT)
 *   llmconf:reserved:<key name>  sorted set: one member `<instance>:<n>|<usd>` per request in flight,
 *                                scored by its expiry in milliseconds on Redis's clock
 *
 * An instance refreshes the expiry of its own reservations while they are in flight; those of an
 * instance that died expire after `reservationTtlMs` and stop holding budget. Redis out of reach:
 * commands fail at once or after `commandTimeoutMs` (never queued), the client reconnects in the
 * background, and settles that could not be written are written when it is back.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { type SpendEntry, type SpendStore, SpendStoreUnavailableError } from "./ledger.ts";
import { describeRedisUrl } from "./spend-redis-url.ts";

/** Options of `openRedisLedger`. */
export interface RedisLedgerOptions {
  /** `redis://[[user]:password@]host[:port][/db]` or `rediss://…` (TLS). */
  url: string;
  /** Receives operator notices (connection lost, back). */
  notice?: (line: string) => void;
  /** How long a reservation lives unless refreshed. @default 60000 */
  reservationTtlMs?: number;
  /** Bound on connecting. @default 3000 */
  connectTimeoutMs?: number;
  /** Bound on each command. @default 2000 */
  commandTimeoutMs?: number;
}

/** The namespace of every key this store writes. */
export const REDIS_KEY_PREFIX = "llmconf:";

const spendKey = (keyId: string) => `${REDIS_KEY_PREFIX}spend:${keyId}`;
const reservedKey = (keyId: string) => `${REDIS_KEY_PREFIX}reserved:${keyId}`;

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

interface ScriptedRedis extends Redis {
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

/** Redis's own wording of an amount: fixed-point, so INCRBYFLOAT never sees an exponent. */
const amount = (usd: number) => (usd > 0 ? usd.toFixed(12) : "0");

/**
 * Connects to Redis and returns the shared store; rejects with a `SpendStoreUnavailableError` naming the
 * server (password masked) when it cannot be reached within the connect timeout.
 * @example const spend = await openRedisLedger({ url: "redis://127.0.0.1:6379" });
 */
export async function openRedisLedger(options: RedisLedgerOptions): Promise<SpendStore> {
  const where = describeRedisUrl(options.url);
  const notice = options.notice ?? (() => {});
  const ttlMs = options.reservationTtlMs ?? 60_000;
  // Loaded only by gateways that use Redis: everyone else skips its start-up cost.
  const { Redis: RedisClient } = await import("ioredis");
  let connected = false;
  let lastProblem = "";
  const client = new RedisClient(options.url, {
    lazyConnect: true,
    connectTimeout: options.connectTimeoutMs ?? 3000,
    commandTimeout: options.commandTimeoutMs ?? 2000,
    // Fail at once while disconnected (a 503), instead of queueing requests behind a dead server.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  }) as ScriptedRedis;
  client.defineCommand("reserveSpend", { numberOfKeys: 2, lua: RESERVE });
  client.defineCommand("settleSpend", { numberOfKeys: 2, lua: SETTLE });
  client.defineCommand("refreshSpend", { numberOfKeys: 1, lua: REFRESH });
  client.on("error", (error: Error) => {
    lastProblem = describeProblem(error);
  });
  const connectTimeoutMs = options.connectTimeoutMs ?? 3000;
  let timer: NodeJS.Timeout | undefined;
  try {
    // Bounded as a whole: a server that accepts the connection but never answers must not hang start-up.
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, fail) => {
        timer = setTimeout(
          () => fail(new Error(`no answer within ${connectTimeoutMs} ms`)),
          connectTimeoutMs,
        );
      }),
    ]);
  } catch (error) {
    client.disconnect();
    // The first socket error says more than the "Connection is closed." that connect() rejects with.
    const problem = lastProblem === "" ? describeProblem(error as Error) : lastProblem;
    throw new SpendStoreUnavailableError(`cannot reach Redis at ${where} (${problem})`);
  } finally {
    clearTimeout(timer);
  }
  connected = true;

  const instance = randomUUID().slice(0, 8);
  let sequence = 0;
  /** Holds of this instance in flight, by member, with their key. */
  const live = new Map<string, string>();
  /** Settles Redis did not take: written again once it is back. */
  const unsent: { member: string; entry: SpendEntry }[] = [];

  const writeSettle = (member: string, entry: SpendEntry) =>
    client.settleSpend(spendKey(entry.keyId), reservedKey(entry.keyId), member, amount(entry.usd));

  const flushUnsent = async () => {
    while (unsent.length > 0) {
      const next = unsent[0] as (typeof unsent)[number];
      try {
        await writeSettle(next.member, next.entry);
      } catch {
        return;
      }
      unsent.shift();
    }
  };

  client.on("close", () => {
    if (!connected) return;
    connected = false;
    notice(
      `llmconf serve: lost Redis at ${where}${lastProblem === "" ? "" : ` (${lastProblem})`}; requests of keys with a budget answer 503 until it is back, reconnecting`,
    );
  });
  client.on("ready", () => {
    if (connected) return;
    connected = true;
    notice(
      `llmconf serve: Redis at ${where} is back${unsent.length > 0 ? `; writing ${unsent.length} held spend record(s)` : ""}`,
    );
    void flushUnsent();
  });

  // Refreshing at a third of the TTL leaves two refreshes' worth of slack for a slow or missed one.
  const refresher = setInterval(
    () => {
      const byKey = new Map<string, string[]>();
      for (const [member, keyId] of live) byKey.set(keyId, [...(byKey.get(keyId) ?? []), member]);
      for (const [keyId, members] of byKey)
        client.refreshSpend(reservedKey(keyId), String(ttlMs), ...members).catch(() => {});
    },
    Math.max(10, Math.floor(ttlMs / 3)),
  );
  refresher.unref();

  const unavailable = (error: unknown) =>
    new SpendStoreUnavailableError(`Redis at ${where} did not answer (${describeProblem(error as Error)})`);

  return {
    async spentUsd(keyId) {
      try {
        return Number((await client.get(spendKey(keyId))) ?? 0);
      } catch (error) {
        throw unavailable(error);
      }
    },
    async reserve(keyId, usd, budgetUsd) {
      const member = `${instance}:${++sequence}|${amount(usd)}`;
      let answer: [number, string, string];
      try {
        answer = await client.reserveSpend(
          spendKey(keyId),
          reservedKey(keyId),
          member,
          amount(usd),
          String(budgetUsd),
          String(ttlMs),
        );
      } catch (error) {
        throw unavailable(error);
      }
      const [ok, spent, reserved] = answer;
      if (ok !== 1) return { ok: false, spentUsd: Number(spent), reservedUsd: Number(reserved) };
      live.set(member, keyId);
      return { ok: true, id: member };
    },
    async settle(reservationId, entry) {
      const member = reservationId ?? "";
      if (reservationId !== undefined) live.delete(reservationId);
      if (member === "" && !(entry.usd > 0)) return;
      try {
        await writeSettle(member, entry);
      } catch (error) {
        // Kept for later: a cost is never dropped because Redis blinked; the hold expires meanwhile.
        if (unsent.length === 0)
          notice(
            `llmconf serve: could not record spend in Redis at ${where} (${describeProblem(error as Error)}); keeping it until Redis answers`,
          );
        if (unsent.length < 100_000) unsent.push({ member, entry });
      }
    },
    async close() {
      clearInterval(refresher);
      if (connected) await flushUnsent();
      if (unsent.length > 0)
        notice(
          `llmconf serve: ${unsent.length} spend record(s) could not be written to Redis at ${where} before exit`,
        );
      connected = false;
      client.disconnect();
    },
  };
}

/** A connection or command problem in a few words, without anything the error may quote of the URL. */
function describeProblem(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.message.replace(/\S+:\/\/\S*/g, "<url>");
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}
