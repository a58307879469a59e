/**
 * One attempt of a call: the provider's `doGenerate` / `doStream` under a per-attempt timeout and the
 * caller's abort signal, and the classification of what it threw.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3StreamPart,
} from "@ai-sdk/provider";
import type { ResolvedLlmConfig } from "../config/schema.ts";
import { attemptTimeout, type OutputBound } from "./bounds.ts";
import { LlmError, rewrapLlmError, toLlmError } from "./errors.ts";
import { type Answer, readGenerateResult, readStream, type StreamDelta } from "./response.ts";
import { parseRetryAfter } from "./retry-after.ts";

/** What an attempt needs of the request: whether to stream, and where deltas go. */
export interface AttemptRequest {
  stream?: boolean;
  onDelta?: (delta: StreamDelta) => void;
}

/**
 * One attempt: a provider call bounded by the abort signal, by `timeout` (for a stream, the longest
 * silence between two parts; unset means the default) and, for a stream, by `outputBound`.
 */
export async function attemptOnce(
  model: LanguageModelV3,
  callOptions: LanguageModelV3CallOptions,
  config: Readonly<ResolvedLlmConfig>,
  signal: AbortSignal | undefined,
  request: AttemptRequest,
  delivered: { any: boolean },
  outputBound: OutputBound,
): Promise<Answer> {
  const timeout = attemptTimeout(config);
  const setting = timeout.isDefault
    ? `the default timeout of ${timeout.seconds} s (timeout is unset)`
    : `timeout = ${timeout.seconds} s`;
  let received = 0;
  let partsSeen = false;
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  // A signal that aborted before this attempt (say, while the provider was being imported) never fires
  // its event again: abort now, or the attempt would run unbounded by the caller.
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const armTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      const what = partsSeen ? "the stream went silent for longer than" : "no answer within";
      controller.abort(new TimedOut(`${what} ${setting}`));
    }, timeout.seconds * 1000);
  };
  armTimer();
  try {
    const options = { ...callOptions, abortSignal: controller.signal };
    if (!request.stream) return readGenerateResult(await model.doGenerate(options));
    const { stream, response } = await model.doStream(options);
    const type = response?.headers?.["content-type"];
    if (type !== undefined && notAStream.test(type)) {
      await stream.cancel().catch(() => {});
      throw new MalformedBody(`expected a stream of events, got a ${type.split(";")[0]} body`);
    }
    // The timeout of a stream is an idle timeout: it restarts with every part that arrives.
    return await readStream(
      stream,
      (delta) => {
        delivered.any = true;
        request.onDelta?.(delta);
      },
      (part) => {
        partsSeen = true;
        armTimer();
        received += sizeOf(part);
        if (received > outputBound.characters) throw new OutputCut(outputBound);
      },
    );
  } catch (thrown) {
    if (controller.signal.reason instanceof TimedOut) throw controller.signal.reason;
    throw thrown;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
    // Releases the connection of a stream we stopped reading (cut off, or failed halfway).
    controller.abort();
  }
}

/** Characters of output a stream part carries. */
function sizeOf(part: LanguageModelV3StreamPart): number {
  if (part.type === "text-delta" || part.type === "reasoning-delta" || part.type === "tool-input-delta") {
    return part.delta.length;
  }
  return part.type === "tool-call" ? part.input.length : 0;
}

// Bodies that are a page or a document, never a stream of events: a proxy's error page, a JSON error
// sent with status 200. Streams are text/event-stream (or Bedrock's binary event stream).
const notAStream = /^\s*(?:text\/html|text\/plain|text\/xml|application\/json|application\/xml)\b/i;

// What the AI SDK throws for a body it cannot read as its wire format (its messages span lines).
// AI_InvalidResponseDataError is left to toLlmError: an answer without choices is an empty answer.
const malformedBodyErrors: Record<string, string> = {
  AI_JSONParseError: "the body is not valid JSON",
  AI_TypeValidationError: "the body does not have the provider's shape",
};

/** A 200 whose body is not the provider's wire format. */
class MalformedBody extends Error {
  override name = "MalformedBody";
}

/** Marks an abort caused by our own per-attempt timeout. */
class TimedOut extends Error {
  override name = "AttemptTimedOut";
}

/** A stream that went on past its output bound. */
class OutputCut extends Error {
  override name = "OutputCut";
  constructor(readonly bound: OutputBound) {
    super(`the stream went on past ${bound.describe} (over ${bound.characters} characters); cut off`);
  }
}

/** Turns what an attempt threw into an `LlmError`; a stream that already delivered text is not retried. */
export function classify(
  thrown: unknown,
  context: { configName: string; model: string; secrets: string[] },
  signal: AbortSignal | undefined,
  delivered: boolean,
): LlmError {
  const error = toAttemptError(thrown, context, signal);
  if (!delivered || !error.retryable) return error;
  // Text already reached the caller; a second attempt would repeat it, so the failure is final.
  return rewrapLlmError(error, {
    detail: `${error.detail} (after part of the answer was streamed; not retried)`,
    retryable: false,
    retryAfterMs: undefined,
  });
}

function toAttemptError(
  thrown: unknown,
  context: { configName: string; model: string; secrets: string[] },
  signal: AbortSignal | undefined,
): LlmError {
  const { configName, model } = context;
  if (thrown instanceof TimedOut) {
    // The caller's abort wins over a timeout that fired at the same moment.
    if (signal?.aborted) return toLlmError(abortError(), context);
    return new LlmError({
      detail: thrown.message,
      kind: "timeout",
      configName,
      model,
      retryable: true,
      cause: thrown,
    });
  }
  const malformed = thrown instanceof MalformedBody ? thrown.message : malformedBodyErrors[nameOf(thrown)];
  if (malformed !== undefined) {
    return new LlmError({
      detail: `invalid response: ${malformed}`,
      kind: "invalid_response",
      configName,
      model,
    });
  }
  if (thrown instanceof OutputCut) {
    return new LlmError({ detail: thrown.message, kind: "invalid_response", configName, model });
  }
  return toLlmError(thrown, { ...context, parseRetryAfter: (headers) => parseRetryAfter(headers) });
}

function nameOf(value: unknown): string {
  const name = (value as { name?: unknown } | null)?.name;
  return typeof name === "string" ? name : "";
}

/** The error an abort without a reason stands for. */
export function abortError(): Error {
  const error = new Error("aborted");
  error.name = "AbortError";
  return error;
}

/** One signal that aborts when any of the given ones does. */
export function combineSignals(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}
