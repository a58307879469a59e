import assert from "node:assert/strict";
import { test } from "node:test";
import { APICallError } from "@ai-sdk/provider";
import { redactSecrets } from "../config/secrets.ts";
import { isRetryableKind, kindOfStatus, LlmError, rewrapLlmError, toLlmError } from "./errors.ts";

const context = { configName: "fast", model: "gpt-4o" };

const statusCases: [number, string, string, boolean][] = [
  [400, "bad", "bad_request", false],
  [400, "This model's maximum context length is 128000 tokens", "context_window_exceeded", false],
  [400, "prompt is too long: 200028 tokens > 200000 maximum", "context_window_exceeded", false],
  [401, "", "authentication", false],
  [403, "", "permission", false],
  [404, "", "not_found", false],
  [408, "", "request_timeout", true],
  [409, "", "conflict", true],
  [429, "", "rate_limit", true],
  [500, "", "server", true],
  [503, "", "server", true],
  [529, "", "server", true],
];

for (const [status, text, kind, retryable] of statusCases) {
  test(`status ${status}${text ? ` ("${text.slice(0, 20)}…")` : ""} is ${kind}, ${retryable ? "" : "not "}retried`, () => {
    const found = kindOfStatus(status, text);
    assert.equal(found, kind);
    assert.equal(isRetryableKind(found), retryable);
  });
}

test("toLlmError reads status, retryability and Retry-After from an APICallError", () => {
  const thrown = new APICallError({
    message: "Rate limit reached",
    url: "http://x/v1/chat/completions",
    requestBodyValues: {},
    statusCode: 429,
    responseHeaders: { "retry-after": "2" },
  });
  const error = toLlmError(thrown, { ...context, parseRetryAfter: () => 2000 });
  assert.equal(error.kind, "rate_limit");
  assert.equal(error.status, 429);
  assert.equal(error.retryable, true);
  assert.equal(error.retryAfterMs, 2000);
  assert.equal(error.configName, "fast");
  assert.match(error.message, /^config "fast" \(model gpt-4o\): 429 rate limit: Rate limit reached/);
});

test("toLlmError calls a failure without a status a retryable connection error", () => {
  const thrown = new APICallError({
    message: "Cannot connect to API: connect ECONNREFUSED 127.0.0.1:9",
    url: "http://127.0.0.1:9",
    requestBodyValues: {},
    isRetryable: true,
  });
  const error = toLlmError(thrown, context);
  assert.equal(error.kind, "connection");
  assert.equal(error.retryable, true);
  assert.match(error.message, /cannot connect: connect ECONNREFUSED/);
});

test("toLlmError tells our timeout from a caller's abort", () => {
  const abort = Object.assign(new Error("aborted"), { name: "AbortError" });
  assert.equal(toLlmError(abort, { ...context, timedOut: true, timeoutSeconds: 3 }).kind, "timeout");
  assert.equal(toLlmError(abort, { ...context, timedOut: true }).retryable, true);
  const aborted = toLlmError(abort, context);
  assert.equal(aborted.kind, "aborted");
  assert.equal(aborted.retryable, false);
});

test("toLlmError never repeats a secret from the provider's message", () => {
  const thrown = new APICallError({
    message: "Incorrect API key provided: sk-live-abcdef123456",
    url: "http://x",
    requestBodyValues: {},
    statusCode: 401,
  });
  const error = toLlmError(thrown, { ...context, secrets: ["sk-live-abcdef123456"] });
  assert.equal(error.message.includes("sk-live-abcdef123456"), false);
  assert.match(error.message, /\*{10}/);
});

test("redactSecrets leaves text without secrets alone and ignores tiny values", () => {
  assert.equal(redactSecrets("nothing here", ["abc"]), "nothing here");
  assert.equal(redactSecrets("key=supersecret!", ["supersecret"]), "key=**********!");
});

test("context-too-long and token-limit errors are fallback-eligible, authentication errors are not", () => {
  const tooLong = toLlmError(
    new APICallError({ message: "prompt is too long", url: "u", requestBodyValues: {}, statusCode: 400 }),
    context,
  );
  assert.equal(tooLong.fallbackEligible, true);
  const auth = toLlmError(
    new APICallError({ message: "no", url: "u", requestBodyValues: {}, statusCode: 401 }),
    context,
  );
  assert.equal(auth.fallbackEligible, false);
});

test("toLlmError records the provider's request id as a field, and the message stays as it was", () => {
  const thrown = new APICallError({
    message: "Overloaded",
    url: "http://x/v1/messages",
    requestBodyValues: {},
    statusCode: 529,
    responseHeaders: { "request-id": "req_0123" },
  });
  const error = toLlmError(thrown, context);
  assert.equal(error.requestId, "req_0123");
  assert.equal(error.message, 'config "fast" (model gpt-4o): 529 server: Overloaded');
  assert.doesNotMatch(JSON.stringify(error), /req_0123/);
});

test("an error built from a detail renders its config prefix, and a re-wrap keeps config, model and request id", () => {
  const error = new LlmError({
    detail: "503 server: busy",
    kind: "server",
    ...context,
    status: 503,
    requestId: "r1",
  });
  assert.equal(error.message, 'config "fast" (model gpt-4o): 503 server: busy');
  assert.equal(error.detail, "503 server: busy");
  const wrapped = rewrapLlmError(error, { detail: `${error.detail} (not retried)`, retryable: false });
  assert.equal(wrapped.message, 'config "fast" (model gpt-4o): 503 server: busy (not retried)');
  assert.deepEqual(
    [wrapped.kind, wrapped.status, wrapped.requestId, wrapped.cause],
    ["server", 503, "r1", error],
  );
  const written = rewrapLlmError(error, { message: "agent: too long", kind: "context_window_exceeded" });
  assert.deepEqual(
    [written.message, written.detail, written.configName],
    ["agent: too long", "agent: too long", "fast"],
  );
});
