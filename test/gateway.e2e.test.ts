// `llmconf serve` spawned as a user runs it, in front of the fake upstream, called with the official
// OpenAI SDK: chat, streaming, tools, errors, Anthropic translation, retries and fallbacks.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import OpenAI from "openai";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { type ServeProcess, startServe } from "./serve-cli.ts";

const upstreamKey = "sk-upstream-e2e-never-shown-4242";
let upstream: FakeUpstream;
let serve: ServeProcess;
let client: OpenAI;

const fast = `num_retries = 3\nretry_min_wait = 0\nretry_multiplier = 0\n`;

before(async () => {
  upstream = await startFakeUpstream();
  const dir = mkdtempSync(join(tmpdir(), "llmconf-gateway-e2e-"));
  writeFileSync(
    join(dir, "config.toml"),
    `[llm]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
api_key = "${upstreamKey}"
${fast}
[llm.gpt3]
model = "openai/fake-gpt3"
temperature = 0.2

[llm.pinned]
model = "openai/fake-pinned"
temperature = 0.1
max_output_tokens = 50
pinned_params = ["temperature", "max_output_tokens"]

[llm.claude]
model = "anthropic/claude-sonnet-4-20250514"
base_url = "${upstream.url}"
api_key = "${upstreamKey}"

[llm.flaky]
model = "openai/fake-flaky"
num_retries = 2
fallbacks = ["claude"]
`,
  );
  serve = await startServe(dir);
  client = new OpenAI({ baseURL: serve.baseURL, apiKey: "unused", maxRetries: 0 });
});

after(async () => {
  await serve?.stop();
  await upstream?.close();
});

beforeEach(() => upstream.reset());

/** The JSON body of the upstream's request number `index`. */
function bodyOf(index: number): Record<string, unknown> {
  return (upstream.requests[index]?.body ?? {}) as Record<string, unknown>;
}

describe("chat completions through llmconf serve", () => {
  test("a named config answers a non-streaming chat with its model, usage and llmconf headers", async () => {
    const { data, response } = await client.chat.completions
      .create({ model: "gpt3", messages: [{ role: "user", content: "hello gateway" }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, "echo: hello gateway");
    assert.equal(
      data.usage?.total_tokens,
      (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0),
    );
    assert.equal(response.headers.get("x-llmconf-config"), "gpt3");
    assert.equal(response.headers.get("x-llmconf-model"), "openai/fake-gpt3");
    assert.equal(response.headers.get("x-llmconf-attempts"), "1");
    assert.match(response.headers.get("x-llmconf-overhead-ms") ?? "", /^\d+\.\d{3}$/);
    const sent = upstream.requests[0];
    assert.equal(bodyOf(0).model, "fake-gpt3");
    // The config's temperature is the default; the upstream gets the upstream key, not the client's.
    assert.equal(bodyOf(0).temperature, 0.2);
    assert.equal(sent?.hasAuthorization, true);
  });

  test("llm and default both name the base config", async () => {
    for (const model of ["llm", "default"]) {
      const { response } = await client.chat.completions
        .create({ model, messages: [{ role: "user", content: "hi" }] })
        .withResponse();
      assert.equal(response.headers.get("x-llmconf-config"), "llm");
    }
  });

  test("request values override config defaults, except the parameters the config pins", async () => {
    await client.chat.completions.create({
      model: "gpt3",
      temperature: 0.9,
      max_tokens: 7,
      messages: [{ role: "user", content: "a" }],
    });
    await client.chat.completions.create({
      model: "pinned",
      temperature: 0.9,
      max_tokens: 7,
      messages: [{ role: "user", content: "b" }],
    });
    const [free, pinned] = upstream.requests.map((request) => request.body as Record<string, unknown>);
    assert.equal(free?.temperature, 0.9);
    assert.equal(free?.max_tokens, 7);
    assert.equal(pinned?.temperature, 0.1);
    assert.equal(pinned?.max_tokens, 50);
  });

  test("a stream arrives in chunks and ends with usage when stream_options.include_usage is set", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt3",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "stream me please" }],
    });
    let text = "";
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, "echo: stream me please");
    assert.ok(chunks > 2);
    assert.ok((usage?.completion_tokens ?? 0) > 0);
  });

  test("a stream without include_usage has no usage chunk, though the gateway counted the tokens", async () => {
    const stream = await client.chat.completions.create({
      model: "gpt3",
      stream: true,
      messages: [{ role: "user", content: "no usage please" }],
    });
    for await (const chunk of stream) assert.equal(chunk.usage ?? null, null);
    assert.deepEqual(bodyOf(0).stream_options, {
      include_usage: true,
    });
    await serve.waitForStderr(/listening/);
    assert.match(
      serve.stdout(),
      /"path":"\/v1\/chat\/completions","status":200,"config":"gpt3".*"stream":true.*"output_tokens":\d+/,
    );
  });

  test("tools and scripted tool calls pass through, streamed and whole", async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: "function",
        function: {
          name: "read_file",
          parameters: { type: "object", properties: { path: { type: "string" } } },
        },
      },
    ];
    upstream.enqueue({ toolCalls: [{ name: "read_file", arguments: { path: "README.md" } }] });
    const whole = await client.chat.completions.create({
      model: "gpt3",
      tools,
      messages: [{ role: "user", content: "read" }],
    });
    assert.equal(whole.choices[0]?.finish_reason, "tool_calls");
    const call = whole.choices[0]?.message.tool_calls?.[0];
    assert.equal(call?.type === "function" ? call.function.name : undefined, "read_file");
    assert.deepEqual(bodyOf(0).tools, tools);

    upstream.enqueue({ toolCalls: [{ name: "read_file", arguments: { path: "a.ts" } }] });
    const stream = client.chat.completions.stream({
      model: "gpt3",
      tools,
      messages: [{ role: "user", content: "read" }],
    });
    const final = await stream.finalChatCompletion();
    const streamed = final.choices[0]?.message.tool_calls?.[0];
    assert.equal(streamed?.type === "function" ? streamed.function.arguments : undefined, '{"path":"a.ts"}');
  });

  test("GET /v1/models lists every config with its model and provider", async () => {
    const models = await client.models.list();
    const byId = Object.fromEntries(
      models.data.map((model) => [model.id, model as unknown as Record<string, unknown>]),
    );
    assert.deepEqual(Object.keys(byId).sort(), ["claude", "flaky", "gpt3", "llm", "pinned"]);
    assert.equal(byId.claude?.model, "anthropic/claude-sonnet-4-20250514");
    assert.equal(byId.claude?.provider, "anthropic");
  });
});

describe("an Anthropic upstream, translated through the runtime", () => {
  test("answers a chat in OpenAI's shape with usage and a known cost", async () => {
    const { data, response } = await client.chat.completions
      .create({
        model: "claude",
        messages: [
          { role: "system", content: "be brief" },
          { role: "user", content: "hello claude" },
        ],
      })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, "echo: hello claude");
    assert.ok((data.usage?.prompt_tokens ?? 0) > 0);
    assert.match(response.headers.get("x-llmconf-cost") ?? "", /^0\.\d+$/);
    assert.equal(upstream.requests[0]?.path, "/v1/messages");
    assert.equal(bodyOf(0).system !== undefined, true);
  });

  test("streams text and tool calls as chat.completion.chunk events", async () => {
    upstream.enqueue({ text: "let me look", toolCalls: [{ name: "read_file", arguments: { path: "x" } }] });
    const stream = client.chat.completions.stream({
      model: "claude",
      tools: [{ type: "function", function: { name: "read_file", parameters: { type: "object" } } }],
      messages: [{ role: "user", content: "look" }],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();
    assert.equal(final.choices[0]?.message.content, "let me look");
    const call = final.choices[0]?.message.tool_calls?.[0];
    assert.equal(call?.type === "function" ? call.function.name : undefined, "read_file");
    assert.deepEqual(JSON.parse(call?.type === "function" ? call.function.arguments : "null"), { path: "x" });
    assert.equal(final.choices[0]?.finish_reason, "tool_calls");
  });
});

describe("stop sequences on the translated path", () => {
  test("a request's stop, one string or several, reaches an Anthropic upstream as stop_sequences", async () => {
    await client.chat.completions.create({
      model: "claude",
      stop: "END",
      messages: [{ role: "user", content: "one" }],
    });
    await client.chat.completions.create({
      model: "claude",
      stop: ["END", "FIN"],
      messages: [{ role: "user", content: "two" }],
      stream: true,
    });
    await client.chat.completions.create({ model: "claude", messages: [{ role: "user", content: "none" }] });
    assert.deepEqual(bodyOf(0).stop_sequences, ["END"]);
    assert.deepEqual(bodyOf(1).stop_sequences, ["END", "FIN"]);
    assert.equal(bodyOf(2).stop_sequences, undefined);
  });

  test("a stop that is neither a string nor strings is a BadRequestError naming it", async () => {
    await assert.rejects(
      client.chat.completions.create({
        model: "claude",
        stop: [1] as unknown as string[],
        messages: [{ role: "user", content: "x" }],
      }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && error.param === "stop",
    );
    assert.equal(upstream.requests.length, 0);
  });
});

describe("errors in OpenAI's shape", () => {
  test("an unknown model is a NotFoundError with a did-you-mean", async () => {
    await assert.rejects(
      client.chat.completions.create({ model: "gtp3", messages: [{ role: "user", content: "x" }] }),
      (error: unknown) =>
        error instanceof OpenAI.NotFoundError &&
        /did you mean "gpt3"/.test(error.message) &&
        error.code === "model_not_found",
    );
  });

  test("malformed JSON and a bad field are BadRequestErrors naming the problem", async () => {
    const raw = await fetch(`${serve.baseURL}/chat/completions`, {
      method: "POST",
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    assert.equal(raw.status, 400);
    assert.match(((await raw.json()) as { error: { message: string } }).error.message, /not valid JSON/);
    await assert.rejects(
      client.chat.completions.create({ model: "gpt3", messages: [] }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && error.param === "messages",
    );
  });

  test("an upstream that keeps failing is a 502 naming the config and attempts, never the upstream key", async () => {
    upstream.enqueue(
      { status: 500, message: `boom ${upstreamKey}` },
      { status: 500, message: `boom ${upstreamKey}` },
      { status: 500, message: `boom ${upstreamKey}` },
    );
    await assert.rejects(
      client.chat.completions.create({ model: "gpt3", messages: [{ role: "user", content: "x" }] }),
      (error: unknown) =>
        error instanceof OpenAI.InternalServerError &&
        error.status === 502 &&
        /config "gpt3".*3 attempts.*500/.test(error.message) &&
        !JSON.stringify(error.error).includes(upstreamKey),
    );
    assert.equal(upstream.requests.length, 3);
    assert.ok(!serve.stdout().includes(upstreamKey) && !serve.stderr().includes(upstreamKey));
  });
});

describe("retries and fallbacks under faults", () => {
  test("a 503 and a reset connection are retried; the answer says how many attempts it took", async () => {
    upstream.enqueue({ status: 503 }, { fault: "reset" }, { text: "third time" });
    const { data, response } = await client.chat.completions
      .create({ model: "gpt3", messages: [{ role: "user", content: "x" }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, "third time");
    assert.equal(response.headers.get("x-llmconf-attempts"), "3");
  });

  test("a stream cut before its first byte is retried", async () => {
    upstream.enqueue({ fault: "cut-stream", afterEvents: 0 }, { text: "whole" });
    const stream = client.chat.completions.stream({
      model: "gpt3",
      messages: [{ role: "user", content: "x" }],
    });
    assert.equal((await stream.finalChatCompletion()).choices[0]?.message.content, "whole");
  });

  test("a config whose retries fail falls back, and the headers name the config that answered", async () => {
    upstream.enqueue({ status: 503 }, { status: 503 }, { text: "from the fallback" });
    const { data, response } = await client.chat.completions
      .create({ model: "flaky", messages: [{ role: "user", content: "x" }] })
      .withResponse();
    assert.equal(data.choices[0]?.message.content, "from the fallback");
    assert.equal(response.headers.get("x-llmconf-config"), "claude");
    assert.equal(response.headers.get("x-llmconf-attempts"), "3");
    assert.equal(upstream.requests[2]?.path, "/v1/messages");
  });
});
