/**
 * The fake upstream LLM server: real OpenAI and Anthropic wire formats over real HTTP on loopback, with a
 * script of replies, errors and faults, and a record of every request. The only file here that opens a port.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Behaviour, isFaultBehaviour, isHttpErrorBehaviour } from "../llm/replies/behaviours.ts";
import { resolveReply } from "../llm/replies/replies.ts";
import { anthropicWire } from "./anthropic-wire.ts";
import { openAiWire } from "./openai-wire.ts";
import { parseRequestBody, type RecordedRequest, recordRequest } from "./recorded-request.ts";
import type { ResponseIdentity, Wire, WireRequest } from "./wire.ts";

/** Options of {@link startFakeUpstream}. */
export interface FakeUpstreamOptions {
  /** @default 0 (any free port) */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** Behaviours queued at start, and queued again by `reset()`. */
  script?: readonly Behaviour[];
  /** The ids listed by `GET /v1/models`. @default ["fake-model"] */
  models?: readonly string[];
  /** The clock behind `created` fields, in milliseconds. @default Date.now */
  now?: () => number;
}

/** A running fake upstream. */
export interface FakeUpstream {
  /** The base URL without `/v1`, such as `http://127.0.0.1:54321`. */
  url: string;
  port: number;
  /** Every request received, oldest first; `reset()` empties this same array. */
  requests: RecordedRequest[];
  /** Queues behaviours for the next requests, first in first out; an empty queue echoes. */
  enqueue(...behaviours: Behaviour[]): void;
  /** How many queued behaviours are still unused. */
  pendingCount(): number;
  /** Forgets recorded requests and queued behaviours, then queues `options.script` again. */
  reset(): void;
  /** Stops listening and destroys every open or stalled connection. */
  close(): Promise<void>;
}

/**
 * Starts the fake upstream on loopback.
 * @example
 * const upstream = await startFakeUpstream();
 * upstream.enqueue({ status: 429, headers: { "retry-after": "1" } }, { text: "hello" });
 * const client = new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: "test" });
 * await upstream.close();
 */
export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const script = options.script ?? [];
  const models = options.models ?? ["fake-model"];
  const now = options.now ?? Date.now;
  const queue: Behaviour[] = [...script];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let sequence = 0;

  const schedule = (ms: number, action: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      action();
    }, ms);
    timers.add(timer);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://fake-upstream");
    const body = parseRequestBody(await readBodyText(request));
    requests.push(recordRequest(request.method ?? "GET", url, request.headers, body));
    sequence += 1;
    const wire = selectWire(request.method, url.pathname);
    if (wire === undefined) {
      if (request.method === "GET" && url.pathname.endsWith("/models")) {
        return sendJson(
          response,
          200,
          listModels(models, request.headers["anthropic-version"] !== undefined),
        );
      }
      const message = `Unknown request URL: ${request.method} ${url.pathname}.`;
      return sendJson(response, 404, {
        error: { message, type: "invalid_request_error", param: null, code: "unknown_url" },
      });
    }
    const headers = { [wire.requestIdHeader]: `req_fake${sequence}` };
    const read = wire.readRequest(body);
    if (typeof read === "string") {
      return sendJson(response, 400, wire.renderError({ status: 400, message: read }, undefined), headers);
    }
    const identity = { sequence, model: read.conversation.model, created: Math.floor(now() / 1000) };
    const behaviour = withEchoedCredential(queue.shift(), request.headers);
    await respond(response, wire, read, identity, headers, behaviour, schedule);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const { port, address } = server.address() as AddressInfo;
  const host = address.includes(":") ? `[${address}]` : address;

  return {
    url: `http://${host}:${port}`,
    port,
    requests,
    enqueue: (...behaviours) => {
      queue.push(...behaviours);
    },
    pendingCount: () => queue.length,
    reset: () => {
      requests.length = 0;
      queue.splice(0, queue.length, ...script);
      sequence = 0;
    },
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Stalled and keep-alive sockets would otherwise hold close() (and the test process) open.
        server.closeAllConnections();
      });
    },
  };
}

/** An `echoCredential` error with the request's credential quoted in its message, as providers do. */
function withEchoedCredential(
  behaviour: Behaviour | undefined,
  headers: IncomingMessage["headers"],
): Behaviour | undefined {
  if (behaviour === undefined || !isHttpErrorBehaviour(behaviour) || !behaviour.echoCredential)
    return behaviour;
  const bearer = headers.authorization?.replace(/^Bearer\s+/i, "");
  const key = headers["x-api-key"] ?? headers["api-key"];
  const credential = bearer ?? (Array.isArray(key) ? key.join(",") : key) ?? "(none)";
  return { ...behaviour, message: `${behaviour.message ?? "Incorrect API key provided"}: ${credential}` };
}

async function respond(
  response: ServerResponse,
  wire: Wire,
  read: WireRequest,
  identity: ResponseIdentity,
  headers: Record<string, string>,
  behaviour: Behaviour | undefined,
  schedule: (ms: number, action: () => void) => void,
): Promise<void> {
  if (behaviour !== undefined && isHttpErrorBehaviour(behaviour)) {
    const body = behaviour.body ?? wire.renderError(behaviour, read.conversation);
    return sendJson(response, behaviour.status, body, { ...headers, ...behaviour.headers });
  }
  if (behaviour === undefined || !isFaultBehaviour(behaviour)) {
    const reply = resolveReply(behaviour, read.conversation, identity.sequence, wire.toolCallIdPrefix);
    if (!read.stream) return sendJson(response, 200, wire.renderReply(reply, identity), headers);
    return sendEvents(response, wire.renderReplyEvents(reply, identity, read.includeUsage), headers);
  }
  switch (behaviour.fault) {
    case "reset":
      // An RST rather than a FIN, so clients see ECONNRESET exactly as with a crashed upstream.
      response.socket?.resetAndDestroy();
      return;
    case "stall":
      if (behaviour.ms !== undefined) {
        schedule(behaviour.ms, () => {
          respond(response, wire, read, identity, headers, undefined, schedule).catch(() =>
            response.destroy(),
          );
        });
      }
      return;
    case "empty-choices":
      if (!read.stream) return sendJson(response, 200, wire.renderEmpty(identity), headers);
      return sendEvents(response, wire.renderEmptyEvents(identity, read.includeUsage), headers);
    case "cut-stream": {
      const scripted = behaviour.text === undefined ? undefined : { text: behaviour.text };
      const reply = resolveReply(scripted, read.conversation, identity.sequence, wire.toolCallIdPrefix);
      if (!read.stream) {
        const text = JSON.stringify(wire.renderReply(reply, identity));
        return cutAfter(response, 200, jsonHeaders(text, headers), [
          text.slice(0, Math.floor(text.length / 2)),
        ]);
      }
      const events = wire.renderReplyEvents(reply, identity, read.includeUsage);
      const sent = Math.min(behaviour.afterEvents ?? Math.floor(events.length / 2), events.length - 1);
      return cutAfter(response, 200, eventHeaders(headers), events.slice(0, Math.max(0, sent)));
    }
    case "stall-stream": {
      const scripted = behaviour.text === undefined ? undefined : { text: behaviour.text };
      const reply = resolveReply(scripted, read.conversation, identity.sequence, wire.toolCallIdPrefix);
      const events = wire.renderReplyEvents(reply, identity, read.includeUsage);
      const sent = Math.min(behaviour.afterEvents ?? Math.floor(events.length / 2), events.length - 1);
      // The connection stays open and silent until the client gives up (or close() destroys it).
      response.writeHead(200, eventHeaders(headers));
      for (const event of events.slice(0, Math.max(0, sent))) response.write(event);
      return;
    }
    case "endless-stream":
      return streamEndlessly(response, wire, identity, headers, behaviour, schedule);
    case "raw-body": {
      const type = behaviour.contentType ?? "text/html; charset=utf-8";
      const length = String(Buffer.byteLength(behaviour.body));
      response.writeHead(200, { "content-type": type, "content-length": length, ...headers });
      response.end(behaviour.body);
      return;
    }
  }
}

/**
 * Streams the same text delta until the client hangs up, never finishing. Writes wait for the socket
 * to take the previous chunk, so the server's memory stays flat however long the client reads.
 */
async function streamEndlessly(
  response: ServerResponse,
  wire: Wire,
  identity: ResponseIdentity,
  headers: Record<string, string>,
  behaviour: { text?: string; ms?: number },
  schedule: (ms: number, action: () => void) => void,
): Promise<void> {
  const stream = wire.renderOpenTextStream(identity);
  const delta = stream.delta(behaviour.text ?? "more ");
  const ms = behaviour.ms ?? 0;
  // Without a pause, deltas go out in batches of about 64 KB, so one write is one event-loop turn.
  const chunk = ms > 0 ? delta : delta.repeat(Math.max(1, Math.floor(65_536 / delta.length)));
  let open = true;
  // A client that hangs up mid-write never flushes that chunk, so every wait also ends at close.
  const closed = new Promise<void>((resolve) =>
    response.once("close", () => {
      open = false;
      resolve();
    }),
  );
  response.writeHead(200, eventHeaders(headers));
  for (const event of stream.head) response.write(event);
  while (open) {
    if (ms > 0) await Promise.race([closed, new Promise<void>((resolve) => schedule(ms, resolve))]);
    if (!open) return;
    await Promise.race([closed, new Promise<void>((resolve) => response.write(chunk, () => resolve()))]);
  }
}

function selectWire(method: string | undefined, path: string): Wire | undefined {
  if (method !== "POST") return undefined;
  // Suffix matching accepts base URLs with or without /v1 and prefixes such as /openai or /api.
  if (path.endsWith("/chat/completions")) return openAiWire;
  if (path.endsWith("/messages")) return anthropicWire;
  return undefined;
}

function listModels(models: readonly string[], anthropic: boolean): unknown {
  if (anthropic) {
    const data = models.map((id) => ({
      type: "model",
      id,
      display_name: id,
      created_at: "2025-01-01T00:00:00Z",
    }));
    return { data, has_more: false, first_id: models[0] ?? null, last_id: models.at(-1) ?? null };
  }
  return {
    object: "list",
    data: models.map((id) => ({ id, object: "model", created: 0, owned_by: "fake-upstream" })),
  };
}

async function readBodyText(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function jsonHeaders(text: string, extra: Record<string, string>): Record<string, string> {
  return { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)), ...extra };
}

function eventHeaders(extra: Record<string, string>): Record<string, string> {
  return { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", ...extra };
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, jsonHeaders(text, extra)).end(text);
}

function sendEvents(response: ServerResponse, events: string[], extra: Record<string, string>): void {
  response.writeHead(200, eventHeaders(extra));
  for (const event of events) response.write(event);
  response.end();
}

async function cutAfter(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  chunks: string[],
): Promise<void> {
  response.writeHead(status, headers);
  response.flushHeaders();
  for (const chunk of chunks) {
    await new Promise<void>((resolve) => response.write(chunk, () => resolve()));
  }
  // A FIN (not an RST) after the data is flushed, so the client reads the partial body before the cut.
  response.destroy();
}
