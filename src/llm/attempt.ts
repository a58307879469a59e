/**
 * One attempt of a call: the provider's `doGenerate` / `doStream` under a per-attempt timeout and the
 * caller's abort signal, and the classification of what it threw.
 */
import type { LanguageModelV3, LanguageModelV3CallOptions } from "@ai-sdk/provider";
import type { ResolvedLlmConfig } from "../config/schema.ts";
import { LlmError, toLlmError } from "./errors.ts";
import { type Answer, readGenerateResult, readStream, type StreamDelta } from "./response.ts";
import { parseRetryAfter } from "./retry-after.ts";

/** What an attempt needs of the request: whether to stream, and where deltas go. */
export interface AttemptRequest {
  stream?: boolean;
  onDelta?: (delta: StreamDelta) => void;
}

/** One attempt: a provider call bounded by `timeout` (an idle timeout for streams) and the abort signal. */
export async function attemptOnce(
  model: LanguageModelV3,
  callOptions: LanguageModelV3CallOptions,
  config: Readonly<ResolvedLlmConfig>,
  signal: AbortSignal | undefined,
  request: AttemptRequest,
  delivered: { any: boolean },
): Promise<Answer> {
  const timeoutMs = config.timeout !== null && config.timeout > 0 ? config.timeout * 1000 : undefined;
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal?.reason);
  // A signal that aborted before this attempt (say, while the provider was being imported) never fires
  // its event again: abort now, or the attempt would run unbounded by the caller.
  if (signal?.aborted) onAbort();
  else signal?.addEventListener("abort", onAbort, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const armTimer = () => {
    if (timeoutMs === undefined) return;
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(new TimedOut()), timeoutMs);
  };
  armTimer();
  try {
    const options = { ...callOptions, abortSignal: controller.signal };
    if (!request.stream) return readGenerateResult(await model.doGenerate(options));
    const { stream } = await model.doStream(options);
    // The timeout of a stream is an idle timeout: it restarts with every part that arrives.
    return await readStream(
      stream,
      (delta) => {
        delivered.any = true;
        request.onDelta?.(delta);
      },
      armTimer,
    );
  } catch (thrown) {
    if (controller.signal.reason instanceof TimedOut) throw controller.signal.reason;
    throw thrown;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

/** Marks an abort caused by our own per-attempt timeout. */
class TimedOut extends Error {
  override name = "AttemptTimedOut";
}

/** Turns what an attempt threw into an `LlmError`; a stream that already delivered text is not retried. */
export function classify(
  thrown: unknown,
  context: { configName: string; model: string; secrets: string[] },
  config: Readonly<ResolvedLlmConfig>,
  signal: AbortSignal | undefined,
  delivered: boolean,
): LlmError {
  const timedOut = thrown instanceof TimedOut;
  const error = toLlmError(timedOut ? abortError() : thrown, {
    ...context,
    timedOut: timedOut && !signal?.aborted,
    timeoutSeconds: config.timeout,
    parseRetryAfter: (headers) => parseRetryAfter(headers),
  });
  if (!delivered || !error.retryable) return error;
  // Text already reached the caller; a second attempt would repeat it, so the failure is final.
  return new LlmError(`${error.message} (after part of the answer was streamed; not retried)`, {
    kind: error.kind,
    configName: error.configName,
    model: error.model,
    status: error.status,
    retryable: false,
    cause: error,
  });
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
