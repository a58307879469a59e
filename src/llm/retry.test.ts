import assert from "node:assert/strict";
import { test } from "node:test";
import { LlmError, RetriesExhaustedError } from "./errors.ts";
import { computeBackoffMs, type RetryPolicy, runWithRetries } from "./retry.ts";

const openHandsDefaults: RetryPolicy = {
  num_retries: 5,
  retry_multiplier: 8,
  retry_min_wait: 8,
  retry_max_wait: 64,
};

const failure = (status: number, retryAfterMs?: number) =>
  new LlmError(`config "fast" (model m): ${status}`, {
    kind: status === 429 ? "rate_limit" : status >= 500 ? "server" : "bad_request",
    configName: "fast",
    model: "m",
    status,
    retryable: status === 429 || status >= 500,
    retryAfterMs,
  });

/** A fake clock: sleeping advances it, nothing waits for real. */
function fakeTime() {
  let clock = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => clock,
    sleep: async (ms: number, signal?: AbortSignal) => {
      if (signal?.aborted) throw signal.reason;
      waits.push(ms);
      clock += ms;
    },
  };
}

test("computeBackoffMs follows clamp(multiplier * 2^(n-1), min, max) with OpenHands' defaults", () => {
  assert.deepEqual(
    [1, 2, 3, 4, 5].map((attempt) => computeBackoffMs(attempt, openHandsDefaults) / 1000),
    [8, 16, 32, 64, 64],
  );
  const older = { num_retries: 4, retry_multiplier: 2, retry_min_wait: 5, retry_max_wait: 30 };
  assert.deepEqual(
    [1, 2, 3].map((attempt) => computeBackoffMs(attempt, older) / 1000),
    [5, 5, 8],
  );
});

test("runWithRetries makes num_retries attempts in total and then names every status and the total time", async () => {
  const time = fakeTime();
  let calls = 0;
  await assert.rejects(
    runWithRetries(
      async () => {
        calls += 1;
        throw failure(calls === 1 ? 429 : 503);
      },
      { policy: openHandsDefaults, ...time },
    ),
    (error: unknown) => {
      assert.ok(error instanceof RetriesExhaustedError);
      assert.equal(error.attempts.length, 5);
      assert.match(
        error.message,
        /config "fast" \(model m\): 5 attempts failed in 120\.0 s \(429, 503, 503, 503, 503\)/,
      );
      return true;
    },
  );
  assert.equal(calls, 5);
  assert.deepEqual(time.waits, [8000, 16000, 32000, 64000]);
});

test("runWithRetries does not retry a non-retryable error", async () => {
  const time = fakeTime();
  let calls = 0;
  await assert.rejects(
    runWithRetries(
      async () => {
        calls += 1;
        throw failure(401);
      },
      { policy: openHandsDefaults, ...time },
    ),
    (error: unknown) => error instanceof LlmError && error.status === 401,
  );
  assert.equal(calls, 1);
  assert.deepEqual(time.waits, []);
});

test("runWithRetries waits what Retry-After asks when it is within retry_max_wait", async () => {
  const time = fakeTime();
  let calls = 0;
  const result = await runWithRetries(
    async () => {
      calls += 1;
      if (calls === 1) throw failure(429, 1500);
      return "ok";
    },
    { policy: openHandsDefaults, ...time },
  );
  assert.equal(result.value, "ok");
  assert.equal(result.attempts, 2);
  assert.deepEqual(time.waits, [1500]);
});

test("runWithRetries fails fast when Retry-After is longer than retry_max_wait, and says so", async () => {
  const time = fakeTime();
  await assert.rejects(
    runWithRetries(
      async () => {
        throw failure(429, 120_000);
      },
      { policy: openHandsDefaults, ...time },
    ),
    (error: unknown) => {
      assert.ok(error instanceof LlmError);
      assert.equal(error.kind, "retry_after_too_long");
      assert.match(error.message, /retry after 120\.0 s, longer than retry_max_wait = 64 s/);
      return true;
    },
  );
  assert.deepEqual(time.waits, []);
});

test("an abort during a wait stops it at once with an aborted error", async () => {
  const controller = new AbortController();
  let calls = 0;
  const pending = runWithRetries(
    async () => {
      calls += 1;
      throw failure(503);
    },
    // The real sleep: 64 s that the abort must cut short.
    { policy: { ...openHandsDefaults, retry_min_wait: 64 }, signal: controller.signal },
  );
  setImmediate(() => controller.abort());
  await assert.rejects(pending, (error: unknown) => error instanceof LlmError && error.kind === "aborted");
  assert.equal(calls, 1);
});

test("num_retries of 0 or less still makes one attempt", async () => {
  const time = fakeTime();
  let calls = 0;
  await assert.rejects(
    runWithRetries(
      async () => {
        calls += 1;
        throw failure(500);
      },
      { policy: { ...openHandsDefaults, num_retries: 0 }, ...time },
    ),
    RetriesExhaustedError,
  );
  assert.equal(calls, 1);
});

test("a retry_max_wait past the one-day cap is held to it: a month-long Retry-After fails fast instead of firing at once", async () => {
  const time = fakeTime();
  const policy = { ...openHandsDefaults, retry_max_wait: 2_592_000 };
  const month = 2_592_000_000;
  await assert.rejects(
    runWithRetries(
      async () => {
        throw failure(429, month);
      },
      { policy, sleep: time.sleep, now: time.now },
    ),
    (error: unknown) =>
      error instanceof LlmError &&
      error.kind === "retry_after_too_long" &&
      /longer than retry_max_wait = 86400 s/.test(error.message),
  );
  assert.deepEqual(time.waits, []);
  assert.equal(computeBackoffMs(30, policy), 86_400_000);
});
