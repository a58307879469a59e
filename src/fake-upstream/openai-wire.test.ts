import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import OpenAI from "openai";
import { type FakeUpstream, startFakeUpstream } from "./server.ts";

describe("fake upstream on the OpenAI wire, driven by the official openai SDK", () => {
  let upstream: FakeUpstream;
  let client: OpenAI;

  before(async () => {
    upstream = await startFakeUpstream({ now: () => 1_700_000_000_000 });
    client = new OpenAI({ baseURL: `${upstream.url}/v1`, apiKey: "test", maxRetries: 0 });
  });
  beforeEach(() => upstream.reset());
  after(() => upstream.close());

  test("echoes the last user message with deterministic usage when nothing is queued", async () => {
    const completion = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "first" },
        { role: "assistant", content: "ok" },
        { role: "user", content: [{ type: "text", text: "hello there" }] },
      ],
    });
    assert.equal(completion.object, "chat.completion");
    assert.equal(completion.model, "gpt-4o");
    assert.equal(completion.created, 1_700_000_000);
    assert.equal(completion.choices[0]?.message.content, "echo: hello there");
    assert.equal(completion.choices[0]?.finish_reason, "stop");
    // "Be brief.\nfirst\nok\nhello there" is 30 characters: ceil(30 / 4) = 8; "echo: hello there" is 17: 5.
    assert.deepEqual(completion.usage?.prompt_tokens, 8);
    assert.equal(completion.usage?.completion_tokens, 5);
    assert.equal(completion.usage?.total_tokens, 13);
    assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 0);
  });

  test("answers on /chat/completions without /v1 too", async () => {
    const bare = new OpenAI({ baseURL: upstream.url, apiKey: "test", maxRetries: 0 });
    const completion = await bare.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal(completion.choices[0]?.message.content, "echo: x");
    assert.equal(upstream.requests[0]?.path, "/chat/completions");
  });

  test("returns scripted tool calls with null content, finish_reason tool_calls and usage overrides", async () => {
    upstream.enqueue({
      toolCalls: [
        { name: "read_file", arguments: { path: "a.txt" } },
        { name: "noop", id: "call_custom" },
      ],
      usage: { cache_read_tokens: 2 },
    });
    const completion = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "go" }],
    });
    const message = completion.choices[0]?.message;
    assert.equal(message?.content, null);
    assert.equal(completion.choices[0]?.finish_reason, "tool_calls");
    assert.deepEqual(message?.tool_calls, [
      { id: "call_1_0", type: "function", function: { name: "read_file", arguments: '{"path":"a.txt"}' } },
      { id: "call_custom", type: "function", function: { name: "noop", arguments: "{}" } },
    ]);
    assert.equal(completion.usage?.prompt_tokens_details?.cached_tokens, 2);
  });

  test("streams chunks that the SDK reassembles into text, tool calls and a final usage chunk", async () => {
    upstream.enqueue({
      text: "Let me look.",
      toolCalls: [{ name: "search", arguments: { query: "fake upstream" } }],
    });
    const stream = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "find it" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.every((chunk) => chunk.object === "chat.completion.chunk"));
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    assert.equal(text, "Let me look.");
    const argumentPieces = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    assert.ok(argumentPieces.length > 2, "arguments arrive in several pieces");
    assert.equal(argumentPieces[0]?.id, "call_1_0");
    assert.equal(argumentPieces[0]?.function?.name, "search");
    assert.equal(
      argumentPieces.map((piece) => piece.function?.arguments ?? "").join(""),
      '{"query":"fake upstream"}',
    );
    assert.equal(chunks.at(-2)?.choices[0]?.finish_reason, "tool_calls");
    assert.deepEqual(chunks.at(-1)?.choices, []);
    assert.ok((chunks.at(-1)?.usage?.completion_tokens ?? 0) > 0);
  });

  test("the SDK stream helper builds the same final completion as the JSON response", async () => {
    upstream.enqueue({ text: "same words" }, { text: "same words" });
    const json = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "q" }],
    });
    const streamed = await client.chat.completions
      .stream({
        model: "m",
        messages: [{ role: "user", content: "q" }],
        stream_options: { include_usage: true },
      })
      .finalChatCompletion();
    assert.equal(streamed.choices[0]?.message.content, json.choices[0]?.message.content);
    assert.deepEqual(streamed.usage, json.usage);
  });

  test("sends no usage chunk when the client did not ask for one", async () => {
    const stream = await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "q" }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    assert.ok(chunks.every((chunk) => chunk.usage === undefined));
  });

  test("lists models on /v1/models", async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    assert.deepEqual(models, ["fake-model"]);
  });

  test("records the request shape with the API key redacted", async () => {
    await client.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2,
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
    });
    const [request] = upstream.requests;
    assert.equal(request?.method, "POST");
    assert.equal(request?.path, "/v1/chat/completions");
    assert.equal(request?.hasAuthorization, true);
    assert.equal(request?.headers.authorization, "[redacted]");
    assert.equal(request?.headers["content-type"], "application/json");
    assert.deepEqual(request?.body, {
      model: "m",
      messages: [{ role: "user", content: "hi" }],
      temperature: 0.2,
      tools: [{ type: "function", function: { name: "f", parameters: { type: "object" } } }],
    });
    assert.ok(!JSON.stringify(upstream.requests).includes("Bearer test"));
  });
});
