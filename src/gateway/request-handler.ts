/**
 * node:http at the edge of the core: reads a body under the size limit, turns a client's disconnect
 * into an abort of its request, hands the core a `GatewayRequest`, and writes its `GatewayResponse`,
 * streamed bodies with backpressure and trailers.
 */
import { once } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { GatewayApp } from "./app.ts";
import { GatewayError } from "./errors.ts";
import { type GatewayResponse, isStreamedBody } from "./http.ts";

/** What the handler reads of the running gateway at each request. */
export interface RequestHandlerOptions {
  /** `[gateway] max_body_bytes` of the configuration current now. */
  maxBodyBytes: () => number;
  /** Whether the gateway is shutting down (answers then close their connection). */
  closing: () => boolean;
}

/** A node:http request listener over the core; a failure to write destroys the socket. */
export function createRequestHandler(
  app: GatewayApp,
  options: RequestHandlerOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    handle(app, options, request, response).catch(() => response.destroy());
  };
}

async function handle(
  app: GatewayApp,
  options: RequestHandlerOptions,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const receivedAt = performance.now();
  const controller = new AbortController();
  response.on("close", () => {
    if (!response.writableFinished) controller.abort();
  });
  const limit = options.maxBodyBytes();
  const body = await readBody(request, limit);
  if (body === undefined) return refuseLargeBody(app, request, response, limit);
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
  if (options.closing()) answer.headers.connection = "close";
  await writeResponse(response, answer, controller.signal);
}

/** A 413 in the route's error shape, before the core sees the request; the connection is closed. */
function refuseLargeBody(
  app: GatewayApp,
  request: IncomingMessage,
  response: ServerResponse,
  limit: number,
): void {
  const error = new GatewayError(`request body over max_body_bytes = ${limit}`, {
    status: 413,
    type: "invalid_request_error",
    code: "body_too_large",
  });
  const errorBody = app.errorBody(
    pathOf(request.url ?? "/"),
    request.headers as Record<string, string | undefined>,
  );
  response
    .writeHead(413, { "content-type": "application/json", connection: "close" })
    .end(JSON.stringify(errorBody(error)));
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
