import assert from "node:assert/strict";
import { test } from "node:test";
import { FallbacksFailedError, LlmError, RetriesExhaustedError } from "../llm/index.ts";
import { fromLlmError } from "./errors.ts";

const busy = (configName: string) =>
  new LlmError({
    detail: "503 server: busy",
    kind: "server",
    configName,
    model: "m",
    status: 503,
    retryable: true,
  });
const exhausted = (configName: string) =>
  new RetriesExhaustedError(
    [{ attempt: 1, kind: "server", status: 503, message: "", elapsedMs: 0 }],
    0,
    busy(configName),
  );

test("a config whose retries ran out is a 502 naming what its last attempt met", () => {
  const error = fromLlmError(exhausted("a"), 1);
  assert.equal(error.status, 502);
  assert.equal(error.code, "upstream_retries_exhausted");
  assert.equal(error.message, 'config "a" (model m) failed after 1 attempt: upstream 503 server error');
});

test("after fallbacks, the 502 names the configs tried and what the last one's last attempt met", () => {
  const error = fromLlmError(new FallbacksFailedError([exhausted("a"), exhausted("b")], 2), 2);
  assert.equal(error.code, "upstream_retries_exhausted");
  assert.equal(
    error.message,
    'config "b" (model m) failed after fallbacks "a" after 2 attempts: upstream 503 server error',
  );
});
