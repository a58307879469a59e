// `POST /v1/responses` of a real `llmconf serve` in front of the fake upstream, called with the official
// OpenAI SDK's responses.create and responses.stream, each through an OpenAI-format and an
// Anthropic-format upstream config: text, streaming, tool round trips, previous_response_id, errors.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import OpenAI from "openai";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { type ServeProcess, startServe } from "./serve-cli.ts";

const upstreamKey = "sk-upstream-responses-never-shown-5151";
const mainKey = "sk-e2e-responses-main-1111";
const poorKey = "sk-e2e-responses-poor-2222";
const narrowKey = "sk-e2e-responses-narrow-3333";
let upstream: FakeUpstream;
let serve: ServeProcess;
let client: OpenAI;

before(async () => {
  upstream = await startFakeUpstream();
  const dir = mkdtempSync(join(tmpdir(), "llmconf-responses-e2e-"));
  writeFileSync(
    join(dir, "config.toml"),
    `[llm]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
api_key = "${upstreamKey}"
num_retries = 2
retry_min_wait = 0
retry_multiplier = 0

[llm.gpt3]
model = "openai/fake-gpt3"
input_cost_per_token = 0.001
output_cost_per_token = 0.001

[llm.claude]
model = "anthropic/claude-sonnet-4-20250514"
base_url = "${upstream.url}"

[llm.pinned]
model = "openai/fake-pinned"
temperature = 0.1
pinned_params = ["temperature"]

[gateway]
keys = [
  { key = "${mainKey}", name = "main" },
  { key = "${poorKey}", name = "poor", max_budget = 0.02 },
  { key = "${narrowKey}", name = "narrow", configs = ["claude"] },
]
`,
  );
  serve = await startServe(dir);
  client = new OpenAI({ baseURL: serve.baseURL, apiKey: mainKey, maxRetries: 0 });
});

after(async () => {
  await serve?.stop();
  await upstream?.close();
});

beforeEach(() => upstream.reset());

const bodyOf = (index: number) => (upstream.requests[index]?.body ?? {}) as Record<string, unknown>;

const readTool: OpenAI.Responses.FunctionTool = {
  type: "function",
  name: "read_file",
  description: "Read a file",
  parameters: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
  strict: false,
};

/** What each upstream format received as the conversation, flattened to text for assertions. */
function sentConversation(index: number): string {
  const body = bodyOf(index);
  return JSON.stringify([body.system ?? null, body.messages]);
}

for (const [config, format] of [
  ["gpt3", "OpenAI"],
  ["claude", "Anthropic"],
] as const) {
  describe(`responses through an ${format}-format config (${config})`, () => {
    test("responses.create answers text with usage, instructions and the llmconf headers", async () => {
      const { data, response } = await client.responses
        .create({ model: config, instructions: "be brief", input: "hello responses" })
        .withResponse();
      assert.equal(data.object, "response");
      assert.equal(data.status, "completed");
      assert.equal(data.output_text, "echo: hello responses");
      assert.match(data.id, /^resp_/);
      assert.equal(
        data.usage?.total_tokens,
        (data.usage?.input_tokens ?? 0) + (data.usage?.output_tokens ?? 0),
      );
      assert.ok((data.usage?.output_tokens ?? 0) > 0);
      assert.equal(response.headers.get("x-llmconf-config"), config);
      assert.equal(response.headers.get("x-llmconf-attempts"), "1");
      assert.match(response.headers.get("x-llmconf-cost") ?? "", /^\d+\.\d{8}$/);
      assert.match(sentConversation(0), /be brief/);
      assert.equal(upstream.requests[0]?.path, format === "OpenAI" ? "/v1/chat/completions" : "/v1/messages");
    });

    test("responses.stream delivers text deltas and a final response with usage", async () => {
      const stream = client.responses.stream({ model: config, input: "stream me please" });
      let text = "";
      const types: string[] = [];
      stream.on("response.output_text.delta", (event) => {
        text += event.delta;
      });
      stream.on("event", (event) => types.push(event.type));
      const final = await stream.finalResponse();
      assert.equal(text, "echo: stream me please");
      const message = final.output.find((item) => item.type === "message");
      assert.deepEqual(
        message?.type === "message"
          ? message.content.map((part) => part.type === "output_text" && part.text)
          : [],
        ["echo: stream me please"],
      );
      assert.equal(final.status, "completed");
      assert.ok((final.usage?.output_tokens ?? 0) > 0);
      assert.equal(types[0], "response.created");
      assert.equal(types[1], "response.in_progress");
      assert.equal(types.at(-1), "response.completed");
      assert.ok(types.indexOf("response.output_text.done") < types.indexOf("response.output_item.done"));
    });

    test("a tool round trip continues with previous_response_id", async () => {
      upstream.enqueue({ toolCalls: [{ name: "read_file", arguments: { path: "README.md" } }] });
      const first = await client.responses.create({
        model: config,
        tools: [readTool],
        input: "read the readme",
      });
      const call = first.output.find((item) => item.type === "function_call");
      assert.ok(call?.type === "function_call");
      assert.equal(call.name, "read_file");
      assert.deepEqual(JSON.parse(call.arguments), { path: "README.md" });
      const second = await client.responses.create({
        model: config,
        tools: [readTool],
        previous_response_id: first.id,
        input: [
          { type: "function_call_output", call_id: call.call_id, output: "# llmconf readme" },
          { role: "user", content: "summarize it" },
        ],
      });
      assert.equal(second.output_text, "echo: summarize it");
      assert.equal(second.previous_response_id, first.id);
      // The upstream saw the whole conversation: the first question, the call and its result.
      const sent = sentConversation(1);
      for (const part of ["read the readme", "README.md", "# llmconf readme", call.call_id])
        assert.ok(sent.includes(part), `${part} missing from ${sent}`);
    });

    test("a tool round trip without previous_response_id sends the items back itself", async () => {
      upstream.enqueue({ toolCalls: [{ name: "read_file", arguments: { path: "a.ts" } }] });
      const stream = client.responses.stream({
        model: config,
        tools: [readTool],
        input: "read a.ts",
        store: false,
      });
      let argumentsText = "";
      stream.on("response.function_call_arguments.delta", (event) => {
        argumentsText += event.delta;
      });
      const first = await stream.finalResponse();
      const call = first.output.find((item) => item.type === "function_call");
      assert.ok(call?.type === "function_call");
      assert.deepEqual(JSON.parse(call.arguments), { path: "a.ts" });
      assert.deepEqual(JSON.parse(argumentsText), { path: "a.ts" });
      const second = await client.responses.create({
        model: config,
        tools: [readTool],
        input: [
          { role: "user", content: "read a.ts" },
          { type: "function_call", call_id: call.call_id, name: call.name, arguments: call.arguments },
          { type: "function_call_output", call_id: call.call_id, output: "export const a = 1;" },
        ],
      });
      assert.equal(second.status, "completed");
      assert.ok(sentConversation(1).includes("export const a = 1;"));
    });
  });
}

describe("responses: parameters, storage and keys", () => {
  test("request values override config defaults except pinned ones; json_schema reaches the upstream", async () => {
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
    await client.responses.create({
      model: "gpt3",
      input: "x",
      temperature: 0.7,
      max_output_tokens: 33,
      text: { format: { type: "json_schema", name: "reply", schema } },
    });
    await client.responses.create({ model: "pinned", input: "y", temperature: 0.7 });
    assert.equal(bodyOf(0).temperature, 0.7);
    assert.equal(bodyOf(0).max_tokens, 33);
    assert.deepEqual(bodyOf(0).response_format, { type: "json_object" });
    assert.match(sentConversation(0), /JSON Schema/);
    assert.equal(bodyOf(1).temperature, 0.1);
  });

  test("a response made with store: false, or with another key, cannot be continued", async () => {
    const unstored = await client.responses.create({ model: "claude", input: "forget me", store: false });
    await assert.rejects(
      client.responses.create({ model: "claude", input: "again", previous_response_id: unstored.id }),
      (error: unknown) =>
        error instanceof OpenAI.BadRequestError &&
        error.param === "previous_response_id" &&
        error.code === "previous_response_not_found" &&
        /store: false/.test(error.message),
    );
    const stored = await client.responses.create({ model: "claude", input: "mine" });
    const other = new OpenAI({ baseURL: serve.baseURL, apiKey: narrowKey, maxRetries: 0 });
    await assert.rejects(
      other.responses.create({ model: "claude", input: "theirs", previous_response_id: stored.id }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && error.param === "previous_response_id",
    );
  });

  test("a key not allowed the model is refused (403) before any stored response is looked up", async () => {
    const other = new OpenAI({ baseURL: serve.baseURL, apiKey: narrowKey, maxRetries: 0 });
    await assert.rejects(
      other.responses.create({ model: "gpt3", input: "x", previous_response_id: "resp_unknown" }),
      (error: unknown) => error instanceof OpenAI.PermissionDeniedError,
    );
  });

  test("the access log records the path, config and tokens, never a key", async () => {
    await client.responses.create({ model: "gpt3", input: "log me" });
    await serve.waitForStderr(/listening/);
    assert.match(
      serve.stdout(),
      /"path":"\/v1\/responses","status":200,"config":"gpt3".*"output_tokens":\d+/,
    );
    assert.ok(!serve.stdout().includes(mainKey) && !serve.stdout().includes(upstreamKey));
  });
});

describe("responses: errors raise the SDK's classes", () => {
  test("an unknown model is a NotFoundError with a did-you-mean", async () => {
    await assert.rejects(
      client.responses.create({ model: "gtp3", input: "x" }),
      (error: unknown) =>
        error instanceof OpenAI.NotFoundError &&
        error.code === "model_not_found" &&
        /did you mean "gpt3"/.test(error.message),
    );
  });

  test("a wrong key is an AuthenticationError; a config the key may not use a PermissionDeniedError", async () => {
    const wrong = new OpenAI({ baseURL: serve.baseURL, apiKey: "sk-not-a-key", maxRetries: 0 });
    await assert.rejects(wrong.responses.create({ model: "gpt3", input: "x" }), OpenAI.AuthenticationError);
    const narrow = new OpenAI({ baseURL: serve.baseURL, apiKey: narrowKey, maxRetries: 0 });
    await assert.rejects(
      narrow.responses.create({ model: "gpt3", input: "x" }),
      OpenAI.PermissionDeniedError,
    );
  });

  test("malformed input and an unknown previous_response_id are BadRequestErrors naming the field", async () => {
    await assert.rejects(
      client.responses.create({ model: "gpt3", input: [] }),
      (error: unknown) => error instanceof OpenAI.BadRequestError && error.param === "input",
    );
    await assert.rejects(
      client.responses.create({ model: "gpt3", input: "x", previous_response_id: "resp_never_made" }),
      (error: unknown) =>
        error instanceof OpenAI.BadRequestError &&
        /"resp_never_made" is not a response this gateway keeps/.test(error.message),
    );
  });

  test("a request the budget cannot cover is a RateLimitError that the SDK does not retry", async () => {
    const poor = new OpenAI({ baseURL: serve.baseURL, apiKey: poorKey, maxRetries: 2 });
    // Admitted: its prompt and 5 output tokens fit the budget. The next may produce 4096 tokens, which do not.
    await poor.responses.create({ model: "gpt3", input: "spend it", max_output_tokens: 5 });
    const before = upstream.requests.length;
    await assert.rejects(
      poor.responses.create({ model: "gpt3", input: "more" }),
      (error: unknown) => error instanceof OpenAI.RateLimitError && error.code === "budget_exceeded",
    );
    assert.equal(upstream.requests.length, before);
  });

  test("an upstream that keeps failing is a 502 InternalServerError, streamed or not, never showing the upstream key", async () => {
    const failing = { status: 500, message: `boom ${upstreamKey}` };
    upstream.enqueue(failing, failing);
    await assert.rejects(
      client.responses.create({ model: "gpt3", input: "x" }),
      (error: unknown) =>
        error instanceof OpenAI.InternalServerError &&
        error.status === 502 &&
        /config "gpt3".*2 attempts/.test(error.message) &&
        !JSON.stringify(error.error).includes(upstreamKey),
    );
    upstream.enqueue(failing, failing);
    await assert.rejects(
      client.responses.stream({ model: "claude", input: "x" }).finalResponse(),
      (error: unknown) => error instanceof OpenAI.InternalServerError && error.status === 502,
    );
  });

  test("a stream cut by the upstream after it began ends with response.failed", async () => {
    upstream.enqueue({ fault: "cut-stream", text: "a long answer that the upstream will cut in the middle" });
    const stream = client.responses.stream({ model: "claude", input: "x" });
    const types: string[] = [];
    let failed: OpenAI.Responses.ResponseFailedEvent | undefined;
    stream.on("event", (event) => types.push(event.type));
    stream.on("response.failed", (event) => {
      failed = event;
    });
    await stream.done().catch(() => {});
    assert.equal(types.at(-1), "response.failed");
    assert.equal(failed?.response.status, "failed");
    assert.match(failed?.response.error?.message ?? "", /config "claude"/);
  });
});
