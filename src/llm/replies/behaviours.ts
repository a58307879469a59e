/**
 * What the fake upstream does with one request. The same objects are queued by tests, written in reply
 * script files, and replayed by the `mock/` provider, so they are plain JSON-compatible data.
 */
import type { FinishReason, Usage } from "../messages.ts";

/** A tool call the scripted reply makes; object arguments are serialised to JSON text. */
export interface ScriptedToolCall {
  name: string;
  /** @default "{}" */
  arguments?: string | Record<string, unknown>;
  /** @default `call_<request number>_<index>` (`toolu_…` on the Anthropic wire) */
  id?: string;
}

/**
 * A successful answer. Without `text` and `toolCalls` it echoes the last user text; `usage` overrides
 * single fields of the deterministic estimate.
 */
export interface ReplyBehaviour {
  text?: string;
  toolCalls?: ScriptedToolCall[];
  /** @default "tool_calls" when there are tool calls, otherwise "stop" */
  finishReason?: FinishReason;
  /**
   * The request's stop sequence that ended the answer (`text` stops before it): the Anthropic wire
   * says so (`stop_reason: "stop_sequence"`), the OpenAI wire cannot (`finish_reason: "stop"`).
   */
  stopSequence?: string;
  usage?: Partial<Usage>;
}

/**
 * An HTTP error. Without `body` the server renders the provider's own error shape from `status`,
 * `message` and `code` (`code: "context_length_exceeded"` gives the real context-length error).
 */
export interface HttpErrorBehaviour {
  status: number;
  /** Extra response headers, such as `retry-after: "1"` or `retry-after-ms: "200"`. */
  headers?: Record<string, string>;
  /** The exact JSON body to send instead of the rendered provider error. */
  body?: unknown;
  message?: string;
  code?: string;
  /**
   * Quote the credential the request carried (its `Authorization` bearer token or `x-api-key`) in the
   * message, as providers do for a wrong key (`Incorrect API key provided: sk-…`), so tests can check
   * that a key echoed by the upstream never reaches an output.
   */
  echoCredential?: boolean;
}

/**
 * A transport fault: `reset` destroys the socket without a response; `stall` never answers, or answers
 * with the default reply after `ms`; `cut-stream` sends the first `afterEvents` events (default: half)
 * then drops the connection; `stall-stream` sends them and then goes silent with the connection open;
 * `endless-stream` streams `text` (default `"more "`) over and over, one delta every `ms` (default: as
 * fast as the client reads), until the client hangs up; `raw-body` answers 200 with `body` as it is
 * (HTML, broken JSON, the wrong shape), streamed or not; `empty-choices` answers 200 with no choices.
 */
export type FaultBehaviour =
  | { fault: "reset" }
  | { fault: "stall"; ms?: number }
  | { fault: "cut-stream"; afterEvents?: number; text?: string }
  | { fault: "stall-stream"; afterEvents?: number; text?: string }
  | { fault: "endless-stream"; text?: string; ms?: number }
  | { fault: "raw-body"; body: string; contentType?: string }
  | { fault: "empty-choices" };

/** One scripted behaviour of the fake upstream. */
export type Behaviour = ReplyBehaviour | HttpErrorBehaviour | FaultBehaviour;

/** Whether a behaviour is an HTTP error. */
export function isHttpErrorBehaviour(behaviour: Behaviour): behaviour is HttpErrorBehaviour {
  return "status" in behaviour;
}

/** Whether a behaviour is a transport fault. */
export function isFaultBehaviour(behaviour: Behaviour): behaviour is FaultBehaviour {
  return "fault" in behaviour;
}

/** Whether a behaviour is a successful reply. */
export function isReplyBehaviour(behaviour: Behaviour): behaviour is ReplyBehaviour {
  return !isHttpErrorBehaviour(behaviour) && !isFaultBehaviour(behaviour);
}

/** Whether a value is a plain JSON object. */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
