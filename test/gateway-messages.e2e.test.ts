// `llmconf serve` spawned as a user runs it, in front of the fake upstream, called with the official
// Anthropic SDK (as Claude Code calls it): Messages whole and streamed, a tool round trip, model
// discovery, token counting and errors, each through an OpenAI-format and an Anthropic-format config.
import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { type ServeProcess, startServe } from "./serve-cli.ts";

const upstreamKey = "sk-upstream-messages-never-shown-5151";
const allKey = "sk-gw-all-messages-e2e-1111";
const teamKey = "sk-gw-team-messages-e2e-2222";
let upstream: FakeUpstream;
let serve: ServeProcess;
let root: string;
let configFile: string;
let client: Anthropic;

before(async () => {
  upstream = await startFakeUpstream();
  const dir = mkdtempSync(join(tmpdir(), "llmconf-messages-e2e-"));
  configFile = join(dir, "config.toml");
  writeFileSync(
    configFile,
    `[llm]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
api_key = "${upstreamKey}"
num_retries = 0
input_cost_per_token = 0.001
output_cost_per_token = 0.001

[llm.gpt]
model = "openai/fake-gpt"
temperature = 0.2

[llm.claude]
model = "anthropic/claude-sonnet-4-20250514"
base_url = "${upstream.url}"

[llm.pinned]
model = "openai/fake-pinned"
max_output_tokens = 50
pinned_params = ["max_output_tokens"]

[llm.gpt4o]
model = "openai/gpt-4o"

[gateway]
keys = [{ key = "${allKey}", name = "all" }, { key = "${teamKey}", name = "team", configs = ["gpt"], max_budget = 0.000001 }]
`,
  );
  serve = await startServe(dir);
  root = serve.baseURL.replace(/\/v1$/, "");
  client = new Anthropic({ baseURL: root, apiKey: allKey, maxRetries: 0 });
});

after(async () => {
  await serve?.stop();
  await upstream?.close();
});

beforeEach(() => upstream.reset());

/** The JSON body of the upstream's request number `index`. */
const bodyOf = (index: number) => (upstream.requests[index]?.body ?? {}) as Record<string, unknown>;

/** The `error.message` of an Anthropic error body, as the SDK keeps it in `APIError.error`. */
const messageOf = (error: InstanceType<typeof Anthropic.APIError>) =>
  String((error.error as { error?: { message?: unknown } } | undefined)?.error?.message);

const weather: Anthropic.Tool = {
  name: "get_weather",
  description: "The weather in a city now",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

// Each behaviour through a config on the OpenAI wire and one on the Anthropic wire.
const upstreams = [
  { config: "gpt", path: "/v1/chat/completions" },
  { config: "claude", path: "/v1/messages" },
];

for (const { config, path } of upstreams) {
  describe(`POST /v1/messages answered by "${config}" (upstream ${path})`, () => {
    test("a text message comes back as an Anthropic message with usage and llmconf headers", async () => {
      const { data, response } = await client.messages
        .create({
          model: config,
          max_tokens: 100,
          system: "Be brief.",
          messages: [{ role: "user", content: "hello messages" }],
        })
        .withResponse();
      assert.equal(data.type, "message");
      assert.equal(data.role, "assistant");
      assert.match(data.id, /^msg_/);
      assert.deepEqual(data.content, [{ type: "text", text: "echo: hello messages" }]);
      assert.equal(data.stop_reason, "end_turn");
      assert.ok(data.usage.input_tokens > 0 && data.usage.output_tokens > 0);
      assert.equal(response.headers.get("x-llmconf-config"), config);
      assert.match(response.headers.get("x-llmconf-cost") ?? "", /^\d+\.\d{8}$/);
      assert.equal(upstream.requests[0]?.path, path);
      const sent = bodyOf(0);
      assert.equal(sent.max_tokens, 100);
      assert.ok(JSON.stringify(sent).includes("Be brief."));
    });

    test("a stream delivers text events and a final message with stop reason and usage", async () => {
      const stream = client.messages.stream({
        model: config,
        max_tokens: 100,
        messages: [{ role: "user", content: "stream these words please" }],
      });
      let text = "";
      let events = 0;
      stream.on("text", (delta) => {
        text += delta;
        events += 1;
      });
      const final = await stream.finalMessage();
      assert.equal(text, "echo: stream these words please");
      assert.ok(events > 1, "the text arrives in several deltas");
      assert.deepEqual(final.content, [{ type: "text", text }]);
      assert.equal(final.stop_reason, "end_turn");
      assert.ok(final.usage.input_tokens > 0 && final.usage.output_tokens > 0);
      assert.equal(bodyOf(0).stream, true);
    });

    test("a tool round trip: tool_use with parsed input, then the tool_result reaches the upstream", async () => {
      upstream.enqueue({ toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] });
      const question: Anthropic.MessageParam = { role: "user", content: "Weather in Paris?" };
      const first = await client.messages.create({
        model: config,
        max_tokens: 100,
        tools: [weather],
        tool_choice: { type: "any" },
        messages: [question],
      });
      assert.equal(first.stop_reason, "tool_use");
      const use = first.content.find((block) => block.type === "tool_use");
      assert.ok(use?.type === "tool_use");
      assert.equal(use.name, "get_weather");
      assert.deepEqual(use.input, { city: "Paris" });
      const sentTools = JSON.stringify(bodyOf(0).tools);
      assert.ok(sentTools.includes("get_weather") && sentTools.includes('"required":["city"]'));

      upstream.enqueue({ text: "It is 18C in Paris." });
      const second = await client.messages.create({
        model: config,
        max_tokens: 100,
        tools: [weather],
        messages: [
          question,
          { role: "assistant", content: first.content },
          {
            role: "user",
            content: [
              { type: "tool_result", tool_use_id: use.id, content: "18C, sunny" },
              { type: "tool_result", tool_use_id: "toolu_missing", content: "no such call", is_error: true },
            ],
          },
        ],
      });
      assert.deepEqual(second.content, [{ type: "text", text: "It is 18C in Paris." }]);
      const sent = JSON.stringify(bodyOf(1).messages);
      assert.ok(sent.includes(use.id) && sent.includes("18C, sunny"), sent);
      if (config === "claude") assert.ok(sent.includes('"is_error":true'), sent);
    });

    test("a streamed tool call arrives as input_json deltas and a parsed tool_use block", async () => {
      upstream.enqueue({
        text: "Let me check.",
        toolCalls: [{ name: "get_weather", arguments: { city: "Reykjavik" } }],
      });
      const stream = client.messages.stream({
        model: config,
        max_tokens: 100,
        tools: [weather],
        messages: [{ role: "user", content: "Weather in Reykjavik?" }],
      });
      let json = "";
      stream.on("inputJson", (partial) => {
        json += partial;
      });
      const final = await stream.finalMessage();
      assert.equal(final.stop_reason, "tool_use");
      assert.deepEqual(final.content[0], { type: "text", text: "Let me check." });
      const use = final.content[1];
      assert.ok(use?.type === "tool_use");
      assert.deepEqual(use.input, { city: "Reykjavik" });
      assert.deepEqual(JSON.parse(json), { city: "Reykjavik" });
    });

    test("count_tokens counts the prompt without calling the upstream", async () => {
      const counted = await client.messages.countTokens({
        model: config,
        system: "Be brief.",
        tools: [weather],
        messages: [{ role: "user", content: "How many tokens is this?" }],
      });
      assert.ok(counted.input_tokens > 5);
      assert.equal(upstream.requests.length, 0);
    });
  });
}

describe("Messages parameters and model discovery", () => {
  test("max_tokens, temperature and stop_sequences reach the upstream; a pinned max_tokens wins; a model's own limit caps it", async () => {
    await client.messages.create({
      model: "gpt",
      max_tokens: 33,
      temperature: 0.7,
      stop_sequences: ["STOP"],
      messages: [{ role: "user", content: "a" }],
    });
    await client.messages.create({
      model: "pinned",
      max_tokens: 33,
      messages: [{ role: "user", content: "b" }],
    });
    // A large max_tokens (Claude Code asks for 32000) to a model that can write at most 16384 tokens.
    await client.messages.create({
      model: "gpt4o",
      max_tokens: 20000,
      messages: [{ role: "user", content: "c" }],
    });
    assert.equal(bodyOf(0).max_tokens, 33);
    assert.equal(bodyOf(0).temperature, 0.7);
    assert.deepEqual(bodyOf(0).stop, ["STOP"]);
    assert.equal(bodyOf(1).max_tokens, 50);
    assert.equal(bodyOf(2).max_tokens, 16384);
  });

  test("models.list() lists the configs in Anthropic's shape; an OpenAI client gets OpenAI's", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list({ limit: 2 })) {
      assert.equal(model.type, "model");
      assert.equal(model.display_name, model.id);
      assert.match(model.created_at, /^\d{4}-\d\d-\d\dT/);
      ids.push(model.id);
    }
    assert.deepEqual(ids, ["llm", "gpt", "claude", "pinned", "gpt4o"]);
    const page = await client.models.list({ limit: 3 });
    assert.equal(page.has_more, true);
    assert.equal(page.last_id, "claude");
    const gpt4o = await client.models.retrieve("gpt4o");
    assert.equal(gpt4o.max_tokens, 16384);
    assert.equal(gpt4o.max_input_tokens, 128000);

    const openai = new OpenAI({ baseURL: serve.baseURL, apiKey: allKey, maxRetries: 0 });
    const listed = await openai.models.list();
    assert.deepEqual(
      listed.data.map((model) => [model.id, model.object]),
      ids.map((id) => [id, "model"]),
    );
    const raw = await fetch(`${root}/v1/models`, { headers: { "x-api-key": teamKey } });
    const body = (await raw.json()) as { data: { id: string; type: string }[] };
    assert.deepEqual(
      body.data.map((model) => [model.id, model.type]),
      [["gpt", "model"]],
    );
  });
});

describe("errors in Anthropic's shape raise the SDK's classes", () => {
  test("an unknown model is a NotFoundError with a did-you-mean", async () => {
    await assert.rejects(
      client.messages.create({ model: "claud", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
      (error: unknown) =>
        error instanceof Anthropic.NotFoundError &&
        error.type === "not_found_error" &&
        /did you mean "claude"/.test(messageOf(error)),
    );
  });

  test("a missing max_tokens or a server tool is a BadRequestError naming the field", async () => {
    const raw = await fetch(`${root}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": allKey, "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: "gpt", messages: [{ role: "user", content: "x" }] }),
    });
    assert.equal(raw.status, 400);
    assert.deepEqual(await raw.json(), {
      type: "error",
      error: {
        type: "invalid_request_error",
        message: "max_tokens: Field required: the most tokens to generate",
      },
    });
    await assert.rejects(
      client.messages.create({
        model: "gpt",
        max_tokens: 10,
        tools: [{ type: "web_search_20250305", name: "web_search" }],
        messages: [{ role: "user", content: "x" }],
      }),
      (error: unknown) =>
        error instanceof Anthropic.BadRequestError &&
        /^tools\[0\]\.type: .*server tools/.test(messageOf(error)),
    );
  });

  test("a wrong key is an AuthenticationError, as x-api-key and as a bearer token; a key's limits apply", async () => {
    for (const options of [{ apiKey: "sk-wrong-000" }, { apiKey: null, authToken: "sk-wrong-000" }]) {
      const wrong = new Anthropic({ baseURL: root, maxRetries: 0, ...options });
      await assert.rejects(
        wrong.messages.create({ model: "gpt", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
        (error: unknown) =>
          error instanceof Anthropic.AuthenticationError && error.type === "authentication_error",
      );
    }
    const team = new Anthropic({ baseURL: root, apiKey: null, authToken: teamKey, maxRetries: 0 });
    await assert.rejects(
      team.messages.create({ model: "claude", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
      (error: unknown) =>
        error instanceof Anthropic.PermissionDeniedError &&
        /may not use config "claude"/.test(messageOf(error)),
    );
    // A call spends more than the team's whole budget: at the latest the one after it is refused,
    // without a retry (whether the first is admitted depends on how the budget reserves).
    let refused: unknown;
    for (let calls = 0; calls < 3 && refused === undefined; calls++)
      await team.messages
        .create({ model: "gpt", max_tokens: 10, messages: [{ role: "user", content: "x" }] })
        .catch((error: unknown) => {
          refused = error;
        });
    assert.ok(refused instanceof Anthropic.RateLimitError, String(refused));
    assert.match(messageOf(refused), /^budget (exhausted|too low for this request): key "team"/);
    assert.equal(refused.headers.get("x-should-retry"), "false");
  });

  test("a failing upstream is an InternalServerError naming the config, never the upstream key", async () => {
    upstream.enqueue({ status: 500, message: `boom ${upstreamKey}` });
    await assert.rejects(
      client.messages.create({ model: "claude", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
      (error: unknown) =>
        error instanceof Anthropic.InternalServerError &&
        error.type === "api_error" &&
        /config "claude" \(model anthropic\/claude-sonnet-4-20250514\) failed/.test(messageOf(error)) &&
        !error.message.includes(upstreamKey),
    );
  });

  test("a stream that fails after its first byte ends with an error event the SDK raises", async () => {
    upstream.enqueue({ fault: "cut-stream", afterEvents: 3, text: "one two three four five six seven" });
    const stream = client.messages.stream({
      model: "gpt",
      max_tokens: 100,
      messages: [{ role: "user", content: "x" }],
    });
    await assert.rejects(
      stream.finalMessage(),
      (error: unknown) => error instanceof Anthropic.APIError && error.type === "api_error",
    );
  });

  test("the access log records Messages requests like chat completions", async () => {
    await client.messages.create({
      model: "claude",
      max_tokens: 10,
      messages: [{ role: "user", content: "log" }],
    });
    await serve.waitForStderr(/listening/);
    assert.match(serve.stdout(), /"path":"\/v1\/messages","status":200,"config":"claude"/);
    assert.ok(!serve.stdout().includes(allKey) && !serve.stderr().includes(allKey));
  });
});

describe("Messages stop sequences", () => {
  const ask = {
    max_tokens: 50,
    stop_sequences: ["STOP", "END"],
    messages: [{ role: "user" as const, content: "count" }],
  };

  test("an answer an Anthropic upstream ended on a stop sequence says which, whole and streamed", async () => {
    upstream.enqueue({ text: "one two ", stopSequence: "END" });
    const whole = await client.messages.create({ model: "claude", ...ask });
    assert.deepEqual(whole.content, [{ type: "text", text: "one two " }]);
    assert.equal(whole.stop_reason, "stop_sequence");
    assert.equal(whole.stop_sequence, "END");
    assert.deepEqual(bodyOf(0).stop_sequences, ["STOP", "END"]);

    upstream.enqueue({ text: "three four ", stopSequence: "STOP" });
    const stream = client.messages.stream({ model: "claude", ...ask });
    let delta: Anthropic.MessageDeltaEvent["delta"] | undefined;
    stream.on("streamEvent", (event) => {
      if (event.type === "message_delta") delta = event.delta;
    });
    const final = await stream.finalMessage();
    assert.deepEqual(delta, { stop_reason: "stop_sequence", stop_sequence: "STOP" });
    assert.equal(final.stop_reason, "stop_sequence");
    assert.equal(final.stop_sequence, "STOP");
  });

  test("an OpenAI-wire upstream never says which stop sequence matched: the answer stays end_turn", async () => {
    upstream.enqueue({ text: "one two ", stopSequence: "END" });
    const whole = await client.messages.create({ model: "gpt", ...ask });
    assert.equal(whole.stop_reason, "end_turn");
    assert.equal(whole.stop_sequence, null);
    assert.deepEqual(bodyOf(0).stop, ["STOP", "END"]);
  });
});

describe("Messages under operations", () => {
  test("/metrics counts Messages requests per config; a config added to the file answers after the reload", async () => {
    await client.messages.create({
      model: "claude",
      max_tokens: 10,
      messages: [{ role: "user", content: "m" }],
    });
    const metrics = await (await fetch(`${root}/metrics`)).text();
    assert.match(metrics, /llmconf_gateway_requests_total\{[^}]*config="claude"[^}]*\} [1-9]/);

    await assert.rejects(
      client.messages.create({ model: "fresh", max_tokens: 10, messages: [{ role: "user", content: "x" }] }),
      Anthropic.NotFoundError,
    );
    appendFileSync(
      configFile,
      `\n[llm.fresh]\nmodel = "openai/fake-fresh"\nbase_url = "${upstream.url}/v1"\n`,
    );
    await serve.waitForStderr(/reloaded; configs changed: fresh/);
    const { data, response } = await client.messages
      .create({ model: "fresh", max_tokens: 10, messages: [{ role: "user", content: "after reload" }] })
      .withResponse();
    assert.deepEqual(data.content, [{ type: "text", text: "echo: after reload" }]);
    assert.equal(response.headers.get("x-llmconf-model"), "openai/fake-fresh");
  });
});
