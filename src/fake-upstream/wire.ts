/**
 * The contract between the transport (server.ts) and a provider's wire format, so the server handles
 * queueing, faults and sockets once for every provider.
 */
import type { HttpErrorBehaviour } from "../llm/replies/behaviours.ts";
import type { Conversation, ResolvedReply } from "../llm/replies/replies.ts";

/** What a wire learned from a request body. */
export interface WireRequest {
  conversation: Conversation;
  stream: boolean;
  /** Whether a stream should end with usage (always on Anthropic, opt-in on OpenAI). */
  includeUsage: boolean;
}

/** Identity of one response, decided by the server so ids and timestamps stay deterministic. */
export interface ResponseIdentity {
  sequence: number;
  model: string;
  /** Unix seconds. */
  created: number;
}

/** A provider's wire format: how it reads requests and renders replies, streams and errors. */
export interface Wire {
  /** The response header carrying the request id (`x-request-id` or `request-id`). */
  requestIdHeader: string;
  toolCallIdPrefix: string;
  formatResponseId(sequence: number): string;
  /** Reads a parsed JSON body; a string is a validation problem to answer with HTTP 400. */
  readRequest(body: unknown): WireRequest | string;
  renderReply(reply: ResolvedReply, identity: ResponseIdentity): unknown;
  renderReplyEvents(reply: ResolvedReply, identity: ResponseIdentity, includeUsage: boolean): string[];
  renderEmpty(identity: ResponseIdentity): unknown;
  renderEmptyEvents(identity: ResponseIdentity, includeUsage: boolean): string[];
  renderError(error: HttpErrorBehaviour, conversation: Conversation | undefined): unknown;
  /** The pieces of a text stream that never finishes: its opening events, and one text delta. */
  renderOpenTextStream(identity: ResponseIdentity): { head: string[]; delta(text: string): string };
}

/** Formats one server-sent event; Anthropic names its events, OpenAI sends bare `data:` lines. */
export function formatServerSentEvent(data: unknown, event?: string): string {
  const payload = typeof data === "string" ? data : JSON.stringify(data);
  return `${event === undefined ? "" : `event: ${event}\n`}data: ${payload}\n\n`;
}
