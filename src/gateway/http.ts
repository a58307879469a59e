/**
 * The gateway's HTTP shapes without a socket: handlers take a `GatewayRequest` and return a
 * `GatewayResponse`, so tests call them as plain functions and only serve.ts touches node:http.
 */

/** A request as the core sees it; header names are lower-case. */
export interface GatewayRequest {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The query string without its `?` (Anthropic's model list pages with it). @default "" */
  query?: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: Buffer;
  /** Aborts when the client disconnects (or the server gives up on the request). */
  signal: AbortSignal;
  /** performance.now() when the request arrived, for the overhead figure. */
  receivedAt: number;
}

/** A body: whole (JSON) or streamed chunk by chunk (server-sent events). */
export type ResponseBody = string | Buffer | AsyncIterable<string | Uint8Array>;

/** A response as the core produces it. */
export interface GatewayResponse {
  status: number;
  headers: Record<string, string>;
  body: ResponseBody;
  /** Called once a streamed body has ended: facts known only then (the cost), sent as trailers. */
  trailers?: () => Record<string, string>;
  /** Called after the body was written, or when the client went away first. */
  onFinished?: (outcome: { completed: boolean }) => void;
}

/** A JSON response. */
export function jsonResponse(
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): GatewayResponse {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(value) };
}

/** Whether a body is streamed rather than whole. */
export function isStreamedBody(body: ResponseBody): body is AsyncIterable<string | Uint8Array> {
  return typeof body !== "string" && !Buffer.isBuffer(body);
}
