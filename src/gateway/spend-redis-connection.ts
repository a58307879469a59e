/**
 * The shared spend store's connection to Redis: an ioredis client that fails at once while
 * disconnected (never queues), reconnects in the background, and whose first connect is bounded as a
 * whole, with the last connection problem kept in words that never quote the URL.
 */

import { SpendStoreUnavailableError } from "./ledger.ts";
import { defineSpendScripts, type ScriptedRedis } from "./spend-redis-scripts.ts";

/** A connected client and what the store tracks of its connection. */
export interface RedisConnection {
  client: ScriptedRedis;
  /** False from a lost connection until it is ready again. */
  connected: boolean;
  /** The last socket error in a few words, or "". */
  lastProblem: string;
}

/** Timeouts of `connectRedis`. */
export interface RedisTimeouts {
  /** Bound on connecting. @default 3000 */
  connectTimeoutMs?: number | undefined;
  /** Bound on each command. @default 2000 */
  commandTimeoutMs?: number | undefined;
}

/**
 * Connects and pings; rejects with a `SpendStoreUnavailableError` naming `where` (the masked URL) when
 * Redis does not answer within the connect timeout.
 */
export async function connectRedis(
  url: string,
  where: string,
  timeouts: RedisTimeouts,
): Promise<RedisConnection> {
  // Loaded only by gateways that use Redis: everyone else skips its start-up cost.
  const { Redis: RedisClient } = await import("ioredis");
  const connectTimeoutMs = timeouts.connectTimeoutMs ?? 3000;
  const client = new RedisClient(url, {
    lazyConnect: true,
    connectTimeout: connectTimeoutMs,
    commandTimeout: timeouts.commandTimeoutMs ?? 2000,
    // Fail at once while disconnected (a 503), instead of queueing requests behind a dead server.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: (times) => Math.min(100 * 2 ** Math.min(times, 5), 2000),
  });
  const connection: RedisConnection = {
    client: defineSpendScripts(client),
    connected: false,
    lastProblem: "",
  };
  client.on("error", (error: Error) => {
    connection.lastProblem = describeProblem(error);
  });
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
    const problem = connection.lastProblem === "" ? describeProblem(error as Error) : connection.lastProblem;
    throw new SpendStoreUnavailableError(`cannot reach Redis at ${where} (${problem})`);
  } finally {
    clearTimeout(timer);
  }
  connection.connected = true;
  return connection;
}

/** A connection or command problem in a few words, without anything the error may quote of the URL. */
export function describeProblem(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  const message = error.message.replace(/\S+:\/\/\S*/g, "<url>");
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}
