/**
 * `startGateway`: the one file that opens a port. It serves the core over node:http
 * (request-handler.ts), reloads the configuration when its files change, and shuts down gracefully.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import { ConfigError, formatIssue } from "../config/issues.ts";
import type { Config } from "../config/load.ts";
import { createGatewayApp, type GatewayApp, storeLimits } from "./app.ts";
import { createGatewayMetrics } from "./metrics.ts";
import { describeChanges, watchConfigFiles } from "./reload.ts";
import { createRequestHandler } from "./request-handler.ts";
import { createSnapshot, type GatewaySnapshot } from "./snapshot.ts";
import { openSpendStore } from "./spend-store.ts";

/** Options of `startGateway`. */
export interface StartGatewayOptions {
  /** The configuration to serve first. */
  config: Config;
  /** Loads the configuration again (hot reload); without it, files are not watched. */
  reload?: () => Promise<Config>;
  /** Overrides `[gateway] host`. */
  host?: string | undefined;
  /** Overrides `[gateway] port`. */
  port?: number | undefined;
  /** Resolves the relative ledger path. @default process.cwd() */
  cwd?: string;
  env?: Readonly<Record<string, string | undefined>>;
  /** Receives access-log lines. */
  accessLog?: (line: string) => void;
  /** Receives operator notices (reloads, shutdown). */
  notice?: (line: string) => void;
}

/** A running gateway. */
export interface RunningGateway {
  url: string;
  port: number;
  app: GatewayApp;
  /** Stops accepting, waits up to `shutdown_grace_seconds` for in-flight requests, then closes everything. */
  close(): Promise<void>;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|localhost|::ffff:127\.\d+\.\d+\.\d+)$/;

/** Whether an address is loopback-only. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/**
 * Starts serving a configuration.
 * @example const gateway = await startGateway({ config: await loadConfig(), port: 0 });
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const notice = options.notice ?? (() => {});
  const settings = options.config.gateway;
  const host = options.host ?? settings.host;
  const port = options.port ?? settings.port;
  if (!isLoopback(host) && settings.keys.length === 0) {
    throw new Error(
      `refusing to listen on ${host} without client keys: anyone who can reach it could spend your provider credits; add [gateway] keys = [{ key = "\${GATEWAY_KEY}" }] or listen on 127.0.0.1`,
    );
  }
  let snapshot: GatewaySnapshot = createSnapshot(options.config);
  const spend = await openSpendStore(options.config, options.cwd ?? process.cwd(), notice);
  const responseStore = await openSharedResponseStore(settings.redis_url, () => snapshot, notice).catch(
    async (error) => {
      await spend.close();
      throw error;
    },
  );
  const metrics = createGatewayMetrics();
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: null });
  const accessLog = settings.access_log ? options.accessLog : undefined;
  const app = createGatewayApp({
    getSnapshot: () => snapshot,
    spend,
    metrics,
    dispatcher,
    ...(responseStore === undefined ? {} : { responseStore }),
    ...(options.env === undefined ? {} : { env: options.env }),
    log: (line) => (snapshot.config.gateway.access_log ? accessLog?.(line) : undefined),
  });
  let closing = false;
  const server = createServer(
    { keepAliveTimeout: 5_000 },
    createRequestHandler(app, {
      maxBodyBytes: () => snapshot.config.gateway.max_body_bytes,
      closing: () => closing,
    }),
  );
  await listen(server, port, host).catch(async (error) => {
    await responseStore?.close();
    await spend.close();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const shown = address.address.includes(":") ? `[${address.address}]` : address.address;

  const { reload } = options;
  let reloading = Promise.resolve();
  const watcher =
    reload === undefined
      ? undefined
      : watchConfigFiles(options.config.files, () => {
          reloading = reloading.then(async () => {
            snapshot = (await reloadSnapshot(reload, snapshot, host, notice)) ?? snapshot;
          });
        });

  return {
    url: `http://${shown}:${address.port}`,
    port: address.port,
    app,
    async close() {
      if (closing) return;
      closing = true;
      watcher?.close();
      await drain(server, app, snapshot.config.gateway.shutdown_grace_seconds * 1000, notice);
      await responseStore?.close();
      await spend.close();
      await dispatcher.destroy();
    },
  };
}

/** With `redis_url`, Responses are kept in Redis, shared by every instance; without it, in memory. */
async function openSharedResponseStore(
  redisUrl: string | null,
  getSnapshot: () => GatewaySnapshot,
  notice: (line: string) => void,
) {
  if (redisUrl === null) return undefined;
  // Loaded only by gateways that use Redis, as the spend store is.
  const { openRedisResponseStore } = await import("./responses-redis.ts");
  try {
    return await openRedisResponseStore({ url: redisUrl, limits: () => storeLimits(getSnapshot()), notice });
  } catch (error) {
    throw new Error(`[gateway] redis_url: ${(error as Error).message} (for stored responses)`);
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => done());
  });
}

/**
 * Loads the edited configuration: the next snapshot, or undefined when the edit is refused (every key
 * removed while listening beyond loopback) or invalid, each said in a notice.
 */
async function reloadSnapshot(
  load: () => Promise<Config>,
  current: GatewaySnapshot,
  host: string,
  notice: (line: string) => void,
): Promise<GatewaySnapshot | undefined> {
  try {
    const next = await load();
    if (!isLoopback(host) && next.gateway.keys.length === 0) {
      notice(
        `llmconf serve: reload refused: the edit removes every key while listening on ${host}; keeping the last good configuration`,
      );
      return undefined;
    }
    const changes = describeChanges(current.config, next);
    const snapshot = createSnapshot(next);
    const parts = [
      changes.configs.length > 0 ? `configs changed: ${changes.configs.join(", ")}` : "no config changed",
    ];
    if (changes.gateway)
      parts.push("[gateway] changed (host, port, ledger_file and redis_url apply after a restart)");
    notice(`llmconf serve: reloaded; ${parts.join("; ")}`);
    return snapshot;
  } catch (error) {
    if (!(error instanceof ConfigError)) {
      notice(
        `llmconf serve: reload failed (${(error as Error).message}); keeping the last good configuration`,
      );
      return undefined;
    }
    for (const issue of error.issues) notice(formatIssue(issue, {}));
    notice("llmconf serve: the edited configuration is invalid; keeping the last good configuration");
    return undefined;
  }
}

/** Stops accepting, waits up to `graceMs` for the requests in flight, then closes every connection. */
async function drain(
  server: Server,
  app: GatewayApp,
  graceMs: number,
  notice: (line: string) => void,
): Promise<void> {
  const closed = new Promise<void>((done) => server.close(() => done()));
  server.closeIdleConnections();
  const deadline = performance.now() + graceMs;
  while (app.inFlight() > 0 && performance.now() < deadline)
    await new Promise((done) => setTimeout(done, 50));
  if (app.inFlight() > 0)
    notice(
      `llmconf serve: ${app.inFlight()} request(s) still running after ${graceMs / 1000} s; closing them`,
    );
  server.closeAllConnections();
  await closed;
}
