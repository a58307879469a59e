import assert from "node:assert/strict";
import { test } from "node:test";
import { LlmError, rewrapLlmError } from "./errors.ts";
import { FallbacksFailedError, runWithFallbacks } from "./fallbacks.ts";

const lists: Record<string, string[]> = { fast: ["cheap", "last"], cheap: ["local"], local: [], last: [] };
const open = (name: string) => ({ name, config: { fallbacks: lists[name] ?? [] } });
const failure = (configName: string, retryable = true) =>
  new LlmError({
    detail: "503 server: busy",
    kind: "server",
    configName,
    model: "m",
    status: 503,
    retryable,
  });

test("runWithFallbacks goes depth-first and throws every config's error when all fail", async () => {
  const called: string[] = [];
  const sent: string[] = [];
  await assert.rejects(
    runWithFallbacks(
      "fast",
      async (link) => {
        called.push(link.name);
        throw failure(link.name);
      },
      { open, countAttempts: () => 7, onFallback: ({ to }) => sent.push(to) },
    ),
    (error: unknown) => {
      assert.ok(error instanceof FallbacksFailedError);
      assert.deepEqual(
        error.errors.map((item) => item.configName),
        ["fast", "cheap", "local", "last"],
      );
      assert.equal(error.lastError, error.errors[3]);
      assert.equal(error.cause, error.lastError);
      assert.equal(error.kind, "server");
      assert.equal(
        error.message,
        'config "last" (model m): 503 server: busy (7 attempts over 4 configs: fast → cheap → local → last)',
      );
      return true;
    },
  );
  assert.deepEqual(called, ["fast", "cheap", "local", "last"]);
  assert.deepEqual(sent, ["cheap", "local", "last"]);
});

test("runWithFallbacks throws a lone error as it is, and stops at one not worth a fallback", async () => {
  let calls = 0;
  const refused = failure("fast", false);
  await assert.rejects(
    runWithFallbacks(
      "fast",
      async () => {
        calls += 1;
        throw refused;
      },
      { open, countAttempts: () => 1 },
    ),
    (error: unknown) => error === refused,
  );
  assert.equal(calls, 1);
  const answer = await runWithFallbacks(
    "fast",
    async (link, isFallback) => {
      if (link.name === "fast") throw failure("fast");
      return `${link.name} ${isFallback}`;
    },
    { open, countAttempts: () => 2 },
  );
  assert.equal(answer, "cheap true");
});

test("FallbacksFailedError's detail leaves out the last config's prefix, so a re-wrap does not repeat it", () => {
  const error = new FallbacksFailedError([failure("fast"), failure("last")], 4);
  assert.equal(error.detail, "503 server: busy (4 attempts over 2 configs: fast → last)");
  assert.equal(error.message, `config "last" (model m): ${error.detail}`);
  assert.equal(
    rewrapLlmError(error, { detail: `${error.detail} (not retried)` }).message,
    'config "last" (model m): 503 server: busy (4 attempts over 2 configs: fast → last) (not retried)',
  );
  const wrapped = new LlmError("agent: gave up", { kind: "server", configName: "last", model: "m" });
  const whole = new FallbacksFailedError([failure("fast"), wrapped], 2);
  assert.equal(whole.message, "agent: gave up (2 attempts over 2 configs: fast → last)");
  assert.equal(whole.detail, whole.message);
});
