/**
 * `startGateway`: the one file that opens a port. It reads bodies under the size limit, turns a
 * client's disconnect into an abort of its request, writes streamed bodies with backpressure and
 * trailers, reloads the configuration when its files change, and shuts down gracefully.
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { Agent } from "undici";
import { ConfigError, formatIssue } from "../config/issues.ts";
import type { Config } from "../config/load.ts";
import { createGatewayApp, type GatewayApp } from "./app.ts";
import { GatewayError } from "./errors.ts";
import { type GatewayResponse, isStreamedBody } from "./http.ts";
import { openFileLedger, type SpendStore, SpendStoreUnavailableError } from "./ledger.ts";
import { createGatewayMetrics } from "./metrics.ts";
import { describeChanges, watchConfigFiles } from "./reload.ts";
import { createSnapshot, type GatewaySnapshot } from "./snapshot.ts";

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
  const spend = await openSpendStore(options, notice);
  const metrics = createGatewayMetrics();
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: null });
  const accessLog = settings.access_log ? options.accessLog : undefined;
  const app = createGatewayApp({
    getSnapshot: () => snapshot,
    spend,
    metrics,
    dispatcher,
    ...(options.env === undefined ? {} : { env: options.env }),
    log: (line) => (snapshot.config.gateway.access_log ? accessLog?.(line) : undefined),
  });
  let closing = false;

  const server = createServer({ keepAliveTimeout: 5_000 }, (request, response) => {
    handle(request, response).catch(() => response.destroy());
  });

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const receivedAt = performance.now();
    const controller = new AbortController();
    response.on("close", () => {
      if (!response.writableFinished) controller.abort();
    });
    const limit = snapshot.config.gateway.max_body_bytes;
    const body = await readBody(request, limit);
    if (body === undefined) {
      const error = new GatewayError(`request body over max_body_bytes = ${limit}`, {
        status: 413,
        type: "invalid_request_error",
        code: "body_too_large",
      });
      response
        .writeHead(413, { "content-type": "application/json", connection: "close" })
        .end(
          JSON.stringify(
            app.errorBody(
              pathOf(request.url ?? "/"),
              request.headers as Record<string, string | undefined>,
            )(error),
          ),
        );
      return;
    }
    const url = request.url ?? "/";
    const query = url.indexOf("?");
    const answer = await app.handle({
      method: request.method ?? "GET",
      path: pathOf(url),
      query: query < 0 ? "" : url.slice(query + 1),
      headers: request.headers as Record<string, string | undefined>,
      body,
      signal: controller.signal,
      receivedAt,
    });
    if (closing) answer.headers.connection = "close";
    await writeResponse(response, answer, controller.signal);
  };

  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(port, host, () => done());
  }).catch(async (error) => {
    await spend.close();
    throw error;
  });
  const address = server.address() as AddressInfo;
  const shown = address.address.includes(":") ? `[${address.address}]` : address.address;

  let reloading = Promise.resolve();
  const reload = async () => {
    if (options.reload === undefined) return;
    try {
      const next = await options.reload();
      if (!isLoopback(host) && next.gateway.keys.length === 0) {
        notice(
          `llmconf serve: reload refused: the edit removes every key while listening on ${host}; keeping the last good configuration`,
        );
        return;
      }
      const changes = describeChanges(snapshot.config, next);
      snapshot = createSnapshot(next);
      const parts = [
        changes.configs.length > 0 ? `configs changed: ${changes.configs.join(", ")}` : "no config changed",
      ];
      if (changes.gateway)
        parts.push("[gateway] changed (host, port, ledger_file and redis_url apply after a restart)");
      notice(`llmconf serve: reloaded; ${parts.join("; ")}`);
    } catch (error) {
      if (!(error instanceof ConfigError)) {
        notice(
          `llmconf serve: reload failed (${(error as Error).message}); keeping the last good configuration`,
        );
        return;
      }
      for (const issue of error.issues) notice(formatIssue(issue, {}));
      notice("llmconf serve: the edited configuration is invalid; keeping the last good configuration");
    }
  };
  const watcher =
    options.reload === undefined
      ? undefined
      : watchConfigFiles(options.config.files, () => {
          reloading = reloading.then(reload);
        });

  return {
    url: `http://${shown}:${address.port}`,
    port: address.port,
    app,
    async close() {
      if (closing) return;
      closing = true;
      watcher?.close();
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeIdleConnections();
      const graceMs = snapshot.config.gateway.shutdown_grace_seconds * 1000;
      const deadline = performance.now() + graceMs;
      while (app.inFlight() > 0 && performance.now() < deadline)
        await new Promise((done) => setTimeout(done, 50));
      if (app.inFlight() > 0)
        notice(
          `llmconf serve: ${app.inFlight()} request(s) still running after ${graceMs / 1000} s; closing them`,
        );
      server.closeAllConnections();
      await closed;
      await spend.close();
      await dispatcher.destroy();
    },
  };
}

/**
 * The spend store: Redis when `redis_url` is set (shared by every instance), else the ledger file.
 * Redis out of reach at start is an error located at `redis_url`, its password masked.
 */
async function openSpendStore(
  options: StartGatewayOptions,
  notice: (line: string) => void,
): Promise<SpendStore> {
  const settings = options.config.gateway;
  if (settings.redis_url === null)
    return openFileLedger(resolve(options.cwd ?? process.cwd(), settings.ledger_file));
  const { openRedisLedger } = await import("./spend-redis.ts");
  try {
    return await openRedisLedger({ url: settings.redis_url, notice });
  } catch (error) {
    if (!(error instanceof SpendStoreUnavailableError)) throw error;
    const source = options.config.provenance.sections.gateway.redis_url?.source;
    const position = source === undefined ? undefined : await options.config.locate(source);
    const where =
      source?.kind === "file"
        ? `${source.file}${position === undefined ? "" : `:${position.line}:${position.column}`}: `
        : source?.kind === "env"
          ? `environment variable ${source.env}: `
          : "";
    throw new Error(
      `${where}[gateway] redis_url: ${error.message}; start Redis there (or fix redis_url), or remove redis_url to keep spend in ledger_file`,
    );
  }
}

/** The body, or undefined when it is larger than `limit` bytes (the rest is read and dropped). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(undefined);
  // Events rather than an async iterator: one fewer promise per chunk on the hot path.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        request.removeListener("data", onData);
        request.resume();
        resolve(undefined);
      }
    };
    request.on("data", onData);
    request.once("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    request.once("error", reject);
  });
}

async function writeResponse(
  response: ServerResponse,
  answer: GatewayResponse,
  signal: AbortSignal,
): Promise<void> {
  const { body } = answer;
  if (!isStreamedBody(body)) {
    answer.headers["content-length"] = String(Buffer.byteLength(body));
    response.writeHead(answer.status, answer.headers);
    response.end(body);
    answer.onFinished?.({ completed: true });
    return;
  }
  response.writeHead(answer.status, answer.headers);
  let completed = false;
  try {
    for await (const chunk of body) {
      if (signal.aborted) break;
      if (!response.write(chunk)) {
        await Promise.race([once(response, "drain"), once(response, "close")]);
      }
    }
    completed = !signal.aborted;
    if (completed && answer.trailers !== undefined) response.addTrailers(answer.trailers());
    response.end();
  } finally {
    answer.onFinished?.({ completed });
  }
}

/** A request URL's path, without its query string. */
function pathOf(url: string): string {
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}
