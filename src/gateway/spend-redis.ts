/**
 * The shared spend store: with `[gateway] redis_url`, every instance keeps each key's spend and its
 * requests in flight in one Redis, and each check-and-hold or settle is one Lua script (atomic on the
 * server: spend-redis-scripts.ts), so two instances cannot both take a key's last dollar.
 *
 * An instance refreshes the expiry of its own reservations while they are in flight; those of an
 * instance that died expire after `reservationTtlMs` and stop holding budget. Redis out of reach:
 * commands fail at once or after `commandTimeoutMs` (never queued), the client reconnects in the
 * background, and settles that could not be written are written when it is back.
 */
import { randomUUID } from "node:crypto";
import { type SpendEntry, type SpendStore, SpendStoreUnavailableError } from "./ledger.ts";
import { connectRedis, describeProblem, type RedisConnection } from "./spend-redis-connection.ts";
import { amount, reservedKey, spendKey } from "./spend-redis-scripts.ts";
import { describeRedisUrl } from "./spend-redis-url.ts";

export { REDIS_KEY_PREFIX } from "./spend-redis-scripts.ts";

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

/** One instance's store: its connection, its holds in flight, and the settles Redis did not take yet. */
interface RedisStore {
  connection: RedisConnection;
  /** The masked URL, for notices and errors. */
  where: string;
  notice: (line: string) => void;
  ttlMs: number;
  /** This instance's prefix of reservation members. */
  instance: string;
  sequence: number;
  /** Holds of this instance in flight, by member, with their key. */
  live: Map<string, string>;
  /** Settles Redis did not take: written again once it is back. */
  unsent: { member: string; entry: SpendEntry }[];
}

/**
 * Connects to Redis and returns the shared store; rejects with a `SpendStoreUnavailableError` naming the
 * server (password masked) when it cannot be reached within the connect timeout.
 * @example const spend = await openRedisLedger({ url: "redis://127.0.0.1:6379" });
 */
export async function openRedisLedger(options: RedisLedgerOptions): Promise<SpendStore> {
  const where = describeRedisUrl(options.url);
  const store: RedisStore = {
    connection: await connectRedis(options.url, where, options),
    where,
    notice: options.notice ?? (() => {}),
    ttlMs: options.reservationTtlMs ?? 60_000,
    instance: randomUUID().slice(0, 8),
    sequence: 0,
    live: new Map(),
    unsent: [],
  };
  watchConnection(store);
  const refresher = startRefresher(store);
  const { client } = store.connection;
  return {
    async spentUsd(keyId) {
      try {
        return Number((await client.get(spendKey(keyId))) ?? 0);
      } catch (error) {
        throw unavailable(store, error);
      }
    },
    reserve: (keyId, usd, budgetUsd) => reserve(store, keyId, usd, budgetUsd),
    settle: (reservationId, entry) => settle(store, reservationId, entry),
    async close() {
      clearInterval(refresher);
      await close(store);
    },
  };
}

const writeSettle = (store: RedisStore, member: string, entry: SpendEntry) =>
  store.connection.client.settleSpend(
    spendKey(entry.keyId),
    reservedKey(entry.keyId),
    member,
    amount(entry.usd),
  );

async function flushUnsent(store: RedisStore): Promise<void> {
  while (store.unsent.length > 0) {
    const next = store.unsent[0] as RedisStore["unsent"][number];
    try {
      await writeSettle(store, next.member, next.entry);
    } catch {
      return;
    }
    store.unsent.shift();
  }
}

/** Notices when Redis is lost and back; once back, the held settles are written. */
function watchConnection(store: RedisStore): void {
  const { connection, where, notice } = store;
  connection.client.on("close", () => {
    if (!connection.connected) return;
    connection.connected = false;
    notice(
      `llmconf serve: lost Redis at ${where}${connection.lastProblem === "" ? "" : ` (${connection.lastProblem})`}; requests of keys with a budget, and Responses requests that store or read a stored response, answer 503 until it is back; reconnecting`,
    );
  });
  connection.client.on("ready", () => {
    if (connection.connected) return;
    connection.connected = true;
    notice(
      `llmconf serve: Redis at ${where} is back${store.unsent.length > 0 ? `; writing ${store.unsent.length} held spend record(s)` : ""}`,
    );
    void flushUnsent(store);
  });
}

/** Pushes back the expiry of this instance's holds in flight, key by key, until the store closes. */
function startRefresher(store: RedisStore): NodeJS.Timeout {
  const { client } = store.connection;
  // Refreshing at a third of the TTL leaves two refreshes' worth of slack for a slow or missed one.
  const refresher = setInterval(
    () => {
      const byKey = new Map<string, string[]>();
      for (const [member, keyId] of store.live) byKey.set(keyId, [...(byKey.get(keyId) ?? []), member]);
      for (const [keyId, members] of byKey)
        client.refreshSpend(reservedKey(keyId), String(store.ttlMs), ...members).catch(() => {});
    },
    Math.max(10, Math.floor(store.ttlMs / 3)),
  );
  refresher.unref();
  return refresher;
}

function unavailable(store: RedisStore, error: unknown): SpendStoreUnavailableError {
  return new SpendStoreUnavailableError(
    `Redis at ${store.where} did not answer (${describeProblem(error as Error)})`,
  );
}

async function reserve(
  store: RedisStore,
  keyId: string,
  usd: number,
  budgetUsd: number,
): ReturnType<SpendStore["reserve"]> {
  const member = `${store.instance}:${++store.sequence}|${amount(usd)}`;
  let answer: [number, string, string];
  try {
    answer = await store.connection.client.reserveSpend(
      spendKey(keyId),
      reservedKey(keyId),
      member,
      amount(usd),
      String(budgetUsd),
      String(store.ttlMs),
    );
  } catch (error) {
    throw unavailable(store, error);
  }
  const [ok, spent, reserved] = answer;
  if (ok !== 1) return { ok: false, spentUsd: Number(spent), reservedUsd: Number(reserved) };
  store.live.set(member, keyId);
  return { ok: true, id: member };
}

async function settle(
  store: RedisStore,
  reservationId: string | undefined,
  entry: SpendEntry,
): Promise<void> {
  const member = reservationId ?? "";
  if (reservationId !== undefined) store.live.delete(reservationId);
  if (member === "" && !(entry.usd > 0)) return;
  try {
    await writeSettle(store, member, entry);
  } catch (error) {
    // Kept for later: a cost is never dropped because Redis blinked; the hold expires meanwhile.
    if (store.unsent.length === 0)
      store.notice(
        `llmconf serve: could not record spend in Redis at ${store.where} (${describeProblem(error as Error)}); keeping it until Redis answers`,
      );
    if (store.unsent.length < 100_000) store.unsent.push({ member, entry });
  }
}

async function close(store: RedisStore): Promise<void> {
  const { connection } = store;
  if (connection.connected) await flushUnsent(store);
  if (store.unsent.length > 0)
    store.notice(
      `llmconf serve: ${store.unsent.length} spend record(s) could not be written to Redis at ${store.where} before exit`,
    );
  connection.connected = false;
  connection.client.disconnect();
}
