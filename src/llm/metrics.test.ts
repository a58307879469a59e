import assert from "node:assert/strict";
import { test } from "node:test";
import { createMetrics, percentile } from "./metrics.ts";

const usage = (input: number, output: number) => ({
  input_tokens: input,
  output_tokens: output,
  cache_read_tokens: 0,
  cache_write_tokens: 0,
});

test("percentile uses the nearest rank", () => {
  const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(sorted, 50), 5);
  assert.equal(percentile(sorted, 90), 9);
  assert.equal(percentile(sorted, 99), 10);
  assert.equal(percentile([], 50), 0);
});

test("metrics add tokens and known costs per config, and count unknown costs apart", () => {
  const metrics = createMetrics();
  metrics.record({
    configName: "fast",
    ok: true,
    attempts: 1,
    usage: usage(10, 5),
    costUsd: 0.5,
    latencyMs: 100,
  });
  metrics.record({
    configName: "fast",
    ok: true,
    attempts: 3,
    usage: usage(1, 1),
    costUsd: null,
    latencyMs: 300,
  });
  metrics.record({ configName: "fast", ok: false, attempts: 2, kind: "rate_limit", latencyMs: 50 });
  const fast = metrics.snapshot().fast;
  assert.equal(fast?.calls, 3);
  assert.equal(fast?.answered, 2);
  assert.equal(fast?.errors, 1);
  assert.equal(fast?.retries, 3);
  assert.deepEqual(fast?.usage, usage(11, 6));
  assert.equal(fast?.costUsd, 0.5);
  assert.equal(fast?.unknownCostCalls, 1);
  assert.deepEqual(fast?.errorsByKind, { rate_limit: 1 });
  assert.equal(fast?.latencyMs.max, 300);
  assert.equal(fast?.latencyMs.p50, 100);
});

test("an answer after a fallback is counted for the config that answered", () => {
  const metrics = createMetrics();
  metrics.record({ configName: "primary", ok: false, attempts: 5, kind: "server", latencyMs: 1 });
  metrics.record({
    configName: "cheap",
    ok: true,
    attempts: 1,
    usage: usage(1, 1),
    costUsd: 0,
    latencyMs: 1,
    fallbackFrom: "primary",
  });
  const snapshot = metrics.snapshot();
  assert.equal(snapshot.primary?.answered, 0);
  assert.equal(snapshot.cheap?.answeredAsFallback, 1);
});
