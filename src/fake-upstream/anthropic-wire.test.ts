import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { type FakeUpstream, startFakeUpstream } from "./server.ts";

describe("fake upstream on the Anthropic wire, driven by the official @anthropic-ai/sdk", () => {
  let upstream: FakeUpstream;
  let client: Anthropic;

  before(async () => {
    upstream = await startFakeUpstream();
    client = new Anthropic({ baseURL: upstream.url, apiKey: "test", maxRetries: 0 });
  });
  beforeEach(() => upstream.reset());
  after(() => upstream.close());

  test("echoes the last user text, skipping tool-result-only user turns", async () => {
    const message = await client.messages.create({
      model: "claude-test",
      max_tokens: 100,
      system: "Be brief.",
      messages: [
        { role: "user", content: "what is in a.txt" },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_1", name: "read", input: { path: "a.txt" } }],
        },
        { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_1", content: "hello" }] },
      ],
    });
    assert.equal(message.type, "message");
    assert.equal(message.role, "assistant");
    assert.equal(message.model, "claude-test");
    assert.deepEqual(message.content, [{ type: "text", text: "echo: what is in a.txt" }]);
    assert.equal(message.stop_reason, "end_turn");
    assert.ok(message.usage.input_tokens > 0);
    assert.equal(message.usage.output_tokens, 6);
    assert.equal(message.usage.cache_read_input_tokens, 0);
    assert.equal(message.usage.cache_creation_input_tokens, 0);
  });

  test("returns tool_use blocks with parsed input and stop_reason tool_use", async () => {
    upstream.enqueue({ text: "Reading.", toolCalls: [{ name: "read", arguments: { path: "b.txt" } }] });
    const message = await client.messages.create({
      model: "m",
      max_tokens: 10,
      messages: [{ role: "user", content: "go" }],
    });
    assert.deepEqual(message.content, [
      { type: "text", text: "Reading." },
      { type: "tool_use", id: "toolu_1_0", name: "read", input: { path: "b.txt" } },
    ]);
    assert.equal(message.stop_reason, "tool_use");
  });

  test("reports cache reads apart from uncached input tokens", async () => {
    upstream.enqueue({
      text: "x",
      usage: { input_tokens: 100, cache_read_tokens: 60, cache_write_tokens: 10 },
    });
    const message = await client.messages.create({
      model: "m",
      max_tokens: 10,
      messages: [{ role: "user", content: "q" }],
    });
    assert.equal(message.usage.input_tokens, 30);
    assert.equal(message.usage.cache_read_input_tokens, 60);
    assert.equal(message.usage.cache_creation_input_tokens, 10);
  });

  test("streams named events that the SDK assembles into the final message", async () => {
    upstream.enqueue({
      text: "Let me check.",
      toolCalls: [{ name: "search", arguments: { query: "fake upstream" } }],
    });
    const stream = client.messages.stream({
      model: "m",
      max_tokens: 10,
      messages: [{ role: "user", content: "q" }],
    });
    const eventTypes: string[] = [];
    stream.on("streamEvent", (event) => eventTypes.push(event.type));
    const message = await stream.finalMessage();
    assert.deepEqual(message.content, [
      { type: "text", text: "Let me check." },
      { type: "tool_use", id: "toolu_1_0", name: "search", input: { query: "fake upstream" } },
    ]);
    assert.equal(message.stop_reason, "tool_use");
    assert.ok(message.usage.output_tokens > 1);
    assert.equal(eventTypes[0], "message_start");
    assert.equal(eventTypes.at(-1), "message_stop");
    assert.ok(eventTypes.includes("content_block_delta"));
  });

  test("sends event: lines and input_json_delta pieces on the raw stream", async () => {
    upstream.enqueue({ toolCalls: [{ name: "f", arguments: { a: "a long enough value" } }] });
    const response = await fetch(`${upstream.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "k", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({
        model: "m",
        max_tokens: 5,
        stream: true,
        messages: [{ role: "user", content: "q" }],
      }),
    });
    assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
    const text = await response.text();
    assert.match(text, /^event: message_start\ndata: \{"type":"message_start"/);
    assert.ok(text.split("event: content_block_delta\n").length > 3);
    assert.match(text, /"type":"input_json_delta","partial_json":/);
    assert.match(
      text,
      /event: message_delta\ndata: \{"type":"message_delta","delta":\{"stop_reason":"tool_use"/,
    );
    assert.ok(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n'));
  });

  test("records the x-api-key as present but redacted, and the anthropic-version header", async () => {
    await client.messages.create({ model: "m", max_tokens: 7, messages: [{ role: "user", content: "q" }] });
    const [request] = upstream.requests;
    assert.equal(request?.path, "/v1/messages");
    assert.equal(request?.hasApiKey, true);
    assert.equal(request?.hasAuthorization, false);
    assert.equal(request?.headers["x-api-key"], "[redacted]");
    assert.equal(request?.headers["anthropic-version"], "2023-06-01");
    assert.deepEqual(request?.body, {
      model: "m",
      max_tokens: 7,
      messages: [{ role: "user", content: "q" }],
    });
  });

  test("rejects a request without max_tokens with a 400 in Anthropic's error shape", async () => {
    const response = await fetch(`${upstream.url}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [] }),
    });
    assert.equal(response.status, 400);
    assert.deepEqual(await response.json(), {
      type: "error",
      error: { type: "invalid_request_error", message: "max_tokens: Field required" },
    });
  });

  test("lists models in Anthropic's shape when anthropic-version is sent", async () => {
    const page = await client.models.list();
    assert.deepEqual(
      page.data.map((model) => model.id),
      ["fake-model"],
    );
    assert.equal(page.data[0]?.type, "model");
  });
});
