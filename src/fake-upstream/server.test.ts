import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type FakeUpstream, startFakeUpstream } from "./server.ts";

const messages = [{ role: "user" as const, content: "hello" }];

describe("fake upstream errors and faults, as the official SDKs see them", () => {
  let upstream: FakeUpstream;
  let openai: OpenAI;
  let anthropic: Anthropic;

  before(async () => {
    upstream = await startFakeUpstream();
    openai = new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: "test", maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: upstream.url, apiKey: "test", maxRetries: 0 });
  });
  beforeEach(() => upstream.reset());
  after(() => upstream.close());

  const complete = () => openai.chat.completions.create({ model: "m", messages });
  const completeStream = async () => {
    const stream = await openai.chat.completions.create({ model: "m", messages, stream: true });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? "");
    return pieces.join("");
  };
  const createMessage = () => anthropic.messages.create({ model: "m", max_tokens: 10, messages });

  test("a queued 429 reaches the SDK as RateLimitError with retry-after headers, then the queue moves on", async () => {
    upstream.enqueue({ status: 429, headers: { "retry-after": "1", "retry-after-ms": "200" } });
    const error = await complete().catch((caught: unknown) => caught);
    assert.ok(error instanceof OpenAI.RateLimitError);
    assert.equal(error.status, 429);
    assert.equal(error.headers?.get("retry-after"), "1");
    assert.equal(error.headers?.get("retry-after-ms"), "200");
    assert.equal(error.headers?.get("x-request-id"), "req_fake1");
    assert.equal(error.code, "rate_limit_exceeded");
    assert.equal((await complete()).choices[0]?.message.content, "echo: hello");
  });

  test("500, 503 and 401 arrive as the matching OpenAI SDK errors in OpenAI's error shape", async () => {
    upstream.enqueue({ status: 500 }, { status: 503 }, { status: 401 });
    const server = await complete().catch((caught: unknown) => caught);
    assert.ok(server instanceof OpenAI.InternalServerError);
    assert.equal(server.type, "server_error");
    const unavailable = await complete().catch((caught: unknown) => caught);
    assert.ok(unavailable instanceof OpenAI.InternalServerError);
    assert.equal(unavailable.status, 503);
    const unauthorized = await complete().catch((caught: unknown) => caught);
    assert.ok(unauthorized instanceof OpenAI.AuthenticationError);
    assert.equal(unauthorized.code, "invalid_api_key");
  });

  test("context_length_exceeded uses each provider's real 400 body", async () => {
    upstream.enqueue(
      { status: 400, code: "context_length_exceeded" },
      { status: 400, code: "context_length_exceeded" },
    );
    const openaiError = await complete().catch((caught: unknown) => caught);
    assert.ok(openaiError instanceof OpenAI.BadRequestError);
    assert.equal(openaiError.code, "context_length_exceeded");
    assert.equal(openaiError.param, "messages");
    assert.match(openaiError.message, /maximum context length is 128000 tokens/);
    const anthropicError = await createMessage().catch((caught: unknown) => caught);
    assert.ok(anthropicError instanceof Anthropic.BadRequestError);
    assert.deepEqual(anthropicError.error, {
      type: "error",
      error: { type: "invalid_request_error", message: "prompt is too long: 200006 tokens > 200000 maximum" },
    });
  });

  test("an Anthropic 429 carries rate_limit_error, retry-after and request-id", async () => {
    upstream.enqueue({ status: 429, headers: { "retry-after": "1" } });
    const error = await createMessage().catch((caught: unknown) => caught);
    assert.ok(error instanceof Anthropic.RateLimitError);
    assert.equal(error.headers?.get("retry-after"), "1");
    assert.equal(error.requestID, "req_fake1");
    assert.deepEqual(error.error, {
      type: "error",
      error: {
        type: "rate_limit_error",
        message: "Number of request tokens has exceeded your per-minute rate limit",
      },
    });
  });

  test("an explicit error body is sent verbatim", async () => {
    upstream.enqueue({
      status: 418,
      body: { error: { message: "teapot", type: "odd", param: null, code: "tea" } },
    });
    const response = await fetch(`${upstream.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages }),
    });
    assert.equal(response.status, 418);
    assert.deepEqual(await response.json(), {
      error: { message: "teapot", type: "odd", param: null, code: "tea" },
    });
  });

  test("a reset destroys the connection without a response: APIConnectionError on both SDKs", async () => {
    upstream.enqueue({ fault: "reset" }, { fault: "reset" });
    await assert.rejects(complete(), OpenAI.APIConnectionError);
    await assert.rejects(createMessage(), Anthropic.APIConnectionError);
    assert.equal(upstream.requests.length, 2, "the request is recorded before the reset");
  });

  test("a cut stream delivers the first events and then fails the SDK's iteration", async () => {
    upstream.enqueue({ fault: "cut-stream", text: "one two three four five six", afterEvents: 3 });
    const stream = await openai.chat.completions.create({ model: "m", messages, stream: true });
    const received: string[] = [];
    await assert.rejects(async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? "");
    });
    assert.deepEqual(received, ["", "one ", "two "]);
  });

  test("a cut stream on the Anthropic wire fails the SDK's final message", async () => {
    upstream.enqueue({ fault: "cut-stream" });
    const stream = anthropic.messages.stream({ model: "m", max_tokens: 10, messages });
    await assert.rejects(stream.finalMessage());
  });

  test("a cut non-streaming response fails the SDK instead of returning half a body", async () => {
    upstream.enqueue({ fault: "cut-stream" });
    await assert.rejects(complete());
  });

  test("empty-choices answers 200 with choices: [] (and no content blocks on Anthropic)", async () => {
    upstream.enqueue({ fault: "empty-choices" }, { fault: "empty-choices" }, { fault: "empty-choices" });
    const completion = await complete();
    assert.deepEqual(completion.choices, []);
    assert.equal(await completeStream(), "");
    const message = await createMessage();
    assert.deepEqual(message.content, []);
  });

  test("a stall with ms answers the default reply after the delay", async () => {
    upstream.enqueue({ fault: "stall", ms: 30 });
    assert.equal(await completeStream(), "echo: hello");
  });

  test("a stall without ms never answers: the SDK times out", async () => {
    // A server of its own: on a loaded machine the timed-out request may reach it after this test ends,
    // and must not consume another test's queue.
    const stalling = await startFakeUpstream({ script: [{ fault: "stall" }] });
    try {
      const impatient = new OpenAI({
        baseURL: `${stalling.url}/v1`,
        apiKey: "test",
        maxRetries: 0,
        timeout: 100,
      });
      await assert.rejects(
        impatient.chat.completions.create({ model: "m", messages }),
        OpenAI.APIConnectionTimeoutError,
      );
    } finally {
      await stalling.close();
    }
  });

  test("a malformed body gets a 400 in the wire's error shape and does not consume the queue", async () => {
    upstream.enqueue({ text: "kept" });
    const response = await fetch(`${upstream.url}/v1/chat/completions`, {
      method: "POST",
      body: "{not json",
    });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { error: { type: string } };
    assert.equal(body.error.type, "invalid_request_error");
    // Found by body, not by index: a request aborted by an earlier test may reach the server late.
    assert.ok(upstream.requests.some((request) => request.body === "{not json"));
    assert.equal(upstream.pendingCount(), 1);
  });

  test("an unknown path gets a 404 in OpenAI's error shape", async () => {
    const response = await fetch(`${upstream.url}/v1/embeddings`, { method: "POST", body: "{}" });
    assert.equal(response.status, 404);
    assert.match(
      ((await response.json()) as { error: { message: string } }).error.message,
      /Unknown request URL/,
    );
  });
});

describe("fake upstream lifecycle", () => {
  test("close() ends stalled requests promptly so nothing keeps the process alive", async () => {
    const upstream = await startFakeUpstream();
    upstream.enqueue({ fault: "stall" }, { fault: "stall", ms: 60_000 });
    const client = new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: "test", maxRetries: 0 });
    const first = client.chat.completions.create({ model: "m", messages }).catch((error: unknown) => error);
    const second = client.chat.completions.create({ model: "m", messages }).catch((error: unknown) => error);
    while (upstream.requests.length < 2) await new Promise((resolve) => setImmediate(resolve));
    await upstream.close();
    assert.ok((await first) instanceof OpenAI.APIConnectionError);
    assert.ok((await second) instanceof OpenAI.APIConnectionError);
  });

  test("reset() forgets requests and queued behaviours, then queues the start script again", async () => {
    const upstream = await startFakeUpstream({ script: [{ text: "scripted" }] });
    try {
      upstream.enqueue({ text: "extra" });
      assert.equal(upstream.pendingCount(), 2);
      await fetch(`${upstream.url}/v1/models`);
      upstream.reset();
      assert.deepEqual(upstream.requests, []);
      assert.equal(upstream.pendingCount(), 1);
    } finally {
      await upstream.close();
    }
  });

  test("listens on 127.0.0.1 on a free port by default", async () => {
    const upstream = await startFakeUpstream();
    try {
      assert.match(upstream.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(upstream.port > 0);
    } finally {
      await upstream.close();
    }
  });
});
