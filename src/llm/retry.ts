/**
 * The retry loop, with OpenHands' semantics: `num_retries` attempts in total; after failed attempt n
 * wait clamp(retry_multiplier · 2^(n−1), retry_min_wait, retry_max_wait) seconds; a server's
 * Retry-After is honoured up to retry_max_wait and a longer one fails fast. Time is injected.
 */
import { setTimeout as delay } from "node:timers/promises";
import { MAX_WAIT_SECONDS } from "../config/schema.ts";
import {
  type AttemptFailure,
  formatSeconds,
  LlmError,
  RetriesExhaustedError,
  rewrapLlmError,
} from "./errors.ts";

/** The retry fields of an `[llm]` section, in config units (seconds). */
export interface RetryPolicy {
  num_retries: number;
  retry_multiplier: number;
  retry_min_wait: number;
  retry_max_wait: number;
}

/** Waits `ms` milliseconds; rejects with an AbortError as soon as `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real clock's sleep, cancelled by an abort signal at once. */
export const sleepFor: Sleep = async (ms, signal) => {
  await delay(ms, undefined, signal === undefined ? undefined : { signal });
};

/**
 * The wait after failed attempt `failedAttempt` (1-based), in milliseconds.
 * @example computeBackoffMs(1, { num_retries: 5, retry_multiplier: 8, retry_min_wait: 8, retry_max_wait: 64 }) // 8000
 */
export function computeBackoffMs(failedAttempt: number, policy: RetryPolicy): number {
  const seconds = policy.retry_multiplier * 2 ** (failedAttempt - 1);
  const clamped = Math.min(Math.max(seconds, policy.retry_min_wait), maxWaitSeconds(policy));
  return clamped * 1000;
}

/**
 * `retry_max_wait`, never above {@link MAX_WAIT_SECONDS}: the config core rejects larger values, and a
 * policy built in code must not reach a timer that overflows (Node fires those at once).
 */
export function maxWaitSeconds(policy: Pick<RetryPolicy, "retry_max_wait">): number {
  return Math.min(policy.retry_max_wait, MAX_WAIT_SECONDS);
}

/** What `onRetry` hears before each wait. */
export interface RetryNotice {
  attempt: number;
  attempts: number;
  error: LlmError;
  waitMs: number;
  /** True when the wait came from the server's Retry-After rather than the backoff formula. */
  fromRetryAfter: boolean;
}

/** Options of `runWithRetries`. */
export interface RetryOptions {
  policy: RetryPolicy;
  /** @default sleepFor (real timers) */
  sleep?: Sleep;
  /** Milliseconds clock for the total time. @default performance.now */
  now?: () => number;
  signal?: AbortSignal | undefined;
  onRetry?: (notice: RetryNotice) => void;
}

/** A value and how many attempts it took. */
export interface RetryResult<T> {
  value: T;
  attempts: number;
  failures: AttemptFailure[];
}

/**
 * Runs `attempt` until it succeeds, a non-retryable error occurs, or the attempts are spent; the last
 * case throws a `RetriesExhaustedError` naming every status and the total time. `attempt` must throw
 * `LlmError`s (build them with `toLlmError`).
 */
export async function runWithRetries<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  options: RetryOptions,
): Promise<RetryResult<T>> {
  const { policy, signal } = options;
  const sleep = options.sleep ?? sleepFor;
  const now = options.now ?? (() => performance.now());
  const attempts = Math.max(1, Math.floor(policy.num_retries));
  const started = now();
  const failures: AttemptFailure[] = [];
  for (let number = 1; ; number++) {
    try {
      return { value: await attempt(number), attempts: number, failures };
    } catch (thrown) {
      if (!(thrown instanceof LlmError)) throw thrown;
      failures.push({
        attempt: number,
        kind: thrown.kind,
        status: thrown.status,
        message: thrown.message,
        elapsedMs: now() - started,
      });
      if (!thrown.retryable || signal?.aborted) throw thrown;
      if (number >= attempts) throw new RetriesExhaustedError(failures, now() - started, thrown);
      const maxWait = maxWaitSeconds(policy);
      const asked = thrown.retryAfterMs;
      if (asked !== undefined && asked > maxWait * 1000) {
        throw rewrapLlmError(thrown, {
          detail: `the server asked to retry after ${formatSeconds(asked)}, longer than retry_max_wait = ${maxWait} s; not waiting (${number} attempt${number === 1 ? "" : "s"}, status ${thrown.status ?? thrown.kind})`,
          kind: "retry_after_too_long",
          retryable: false,
          retryAfterMs: asked,
        });
      }
      const waitMs = asked ?? computeBackoffMs(number, policy);
      options.onRetry?.({
        attempt: number,
        attempts,
        error: thrown,
        waitMs,
        fromRetryAfter: asked !== undefined,
      });
      try {
        await sleep(waitMs, signal);
      } catch {
        throw rewrapLlmError(thrown, {
          detail: `aborted while waiting to retry after attempt ${number}`,
          kind: "aborted",
          status: undefined,
          retryable: false,
          retryAfterMs: undefined,
        });
      }
    }
  }
}
