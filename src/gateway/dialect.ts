/**
 * What a wire format (OpenAI chat completions, Responses, Anthropic Messages) plugs into the shared
 * request pipeline: it parses its own request into a `ChatCall` before the pipeline runs, and renders
 * the runtime's answer, stream and errors in its own shape. One `Dialect` object serves one request,
 * so it may keep that request's state (its id, what to remember when the answer is done).
 */
import type { Completion, StreamDelta } from "../llm/index.ts";
import type { GatewayError } from "./errors.ts";
import type { GatewayResponse } from "./http.ts";
import type { RequestContext } from "./pipeline.ts";

/** Renders one streamed answer as server-sent event text. */
export interface StreamRenderer {
  /** The events sent before the first delta. */
  start(): string;
  /** The events of one delta. */
  delta(delta: StreamDelta): string;
  /** The closing events, once the runtime's completion is known. */
  end(completion: Completion): string;
  /** The events of a failure after the stream began (the status line is already sent). */
  error(error: GatewayError): string;
}

/** A wire format's rendering of one request's answer. */
export interface Dialect {
  /** The JSON body of a whole (non-streamed) answer. */
  renderCompletion(completion: Completion): unknown;
  /** A renderer for a streamed answer, once the runtime started it with the model named. */
  createStreamRenderer(model: string): StreamRenderer;
  /**
   * Called once with the finished answer, before its body (or closing events) goes out; the answer
   * waits for it, so what it records (a stored response) is there for the client's next request.
   * Never rejects.
   */
  completed?(completion: Completion): Promise<void>;
}

/** A wire format's error body for a failure answered with a status (before any byte was streamed). */
export type ErrorBodyRenderer = (error: GatewayError) => unknown;

/** A dialect's HTTP endpoint: its paths, its error shape, and how it serves a parsed JSON body. */
export interface DialectEndpoint {
  /** The paths it answers (`POST` only). */
  paths: readonly string[];
  /** Renders every error of these paths, including those raised before the body was read (401). */
  errorBody: ErrorBodyRenderer;
  serve(json: Record<string, unknown>, context: RequestContext): Promise<GatewayResponse>;
}
