/**
 * A streaming call as an async iterable: deltas are handed on as they arrive (no buffering beyond the
 * consumer's pace), and a consumer that stops early cancels the call.
 */

import { combineSignals } from "./attempt.ts";
import type { CompleteRequest, Completion, CompletionRequest, LlmStream } from "./completion.ts";
import type { StreamDelta } from "./response.ts";

/** Runs `complete` in streaming mode and exposes its deltas as an async iterable. */
export function streamCompletion(
  complete: (request: CompleteRequest) => Promise<Completion>,
  request: CompletionRequest,
): LlmStream {
  const queue: StreamDelta[] = [];
  let wake: (() => void) | undefined;
  let finished = false;
  // A consumer that stops iterating early cancels the call instead of leaving it running.
  const cancel = new AbortController();
  const completion = complete({
    ...request,
    signal: combineSignals(request.signal, cancel.signal),
    stream: true,
    onDelta: (delta) => {
      queue.push(delta);
      wake?.();
    },
  }).finally(() => {
    finished = true;
    wake?.();
  });
  // The iterator surfaces the call's error; `completion` must not also reject unhandled.
  completion.catch(() => {});
  return {
    completion,
    async *[Symbol.asyncIterator]() {
      try {
        yield* drain();
      } finally {
        if (!finished) cancel.abort();
      }
    },
  };

  async function* drain(): AsyncGenerator<StreamDelta> {
    for (;;) {
      const delta = queue.shift();
      if (delta !== undefined) {
        yield delta;
        continue;
      }
      if (finished) {
        await completion;
        return;
      }
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  }
}
