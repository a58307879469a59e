// The client's bounds on a stream, against the fake upstream over real HTTP: silence, endless output,
// and bodies that are not the wire format at all.
import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { llmSchema, type ResolvedLlmConfig } from "../config/schema.ts";
import { type FakeUpstream, startFakeUpstream } from "../fake-upstream/server.ts";
import { createLlm } from "./client.ts";
import { LlmError } from "./errors.ts";

let upstream: FakeUpstream;
before(async () => {
  upstream = await startFakeUpstream();
  // Load the provider once, so a slow first import on a busy machine never counts against a short timeout.
  await createLlm(configOf({}), noWait).complete(ask);
});
after(() => upstream.close());
beforeEach(() => upstream.reset());

function configOf(fields: Record<string, unknown>): ResolvedLlmConfig {
  return llmSchema.parse({
    model: "openai/fake-model",
    base_url: `${upstream.url}/v1`,
    api_key: "sk-test",
    num_retries: 3,
    ...fields,
  });
}

const noWait = { env: {}, sleep: async () => {} };
const ask = { messages: [{ role: "user" as const, content: "go on" }] };

function rejectsWith(kind: string, message: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof LlmError, String(error));
    assert.equal(error.kind, kind);
    assert.match(error.message, message);
    assert.doesNotMatch(error.message, /\n/);
    return true;
  };
}

test("a stream that goes silent for longer than timeout ends with a timeout, not retried once text arrived", async () => {
  upstream.enqueue({ fault: "stall-stream", afterEvents: 3, text: "one two three four" });
  const llm = createLlm(configOf({ timeout: 3 }), noWait);
  let streamed = "";
  await assert.rejects(
    llm.complete({
      ...ask,
      stream: true,
      onDelta: (delta) => (streamed += delta.type === "text-delta" ? delta.text : ""),
    }),
    rejectsWith(
      "timeout",
      /^config "llm" \(model openai\/fake-model\): the stream went silent for longer than timeout = 3 s \(after part of the answer was streamed; not retried\)$/,
    ),
  );
  assert.equal(streamed, "one two ");
  assert.equal(upstream.requests.length, 1);
});

test("a stream that never sends a part times out like a call and is retried", async () => {
  upstream.enqueue({ fault: "stall-stream", afterEvents: 0 });
  const completion = await createLlm(configOf({ timeout: 3 }), noWait).complete({ ...ask, stream: true });
  assert.equal(completion.text, "echo: go on");
  assert.equal(completion.attempts, 2);
});

test("an upstream that streams past max_output_tokens is cut off with a clear error", async () => {
  upstream.enqueue({ fault: "endless-stream" });
  const llm = createLlm(configOf({ max_output_tokens: 10 }), noWait);
  let received = 0;
  await assert.rejects(
    llm.complete({
      ...ask,
      stream: true,
      onDelta: (delta) => (received += delta.type === "text-delta" ? delta.text.length : 0),
    }),
    rejectsWith(
      "invalid_response",
      /the stream went on past max_output_tokens = 10 \(over \d+ characters\); cut off/,
    ),
  );
  // Cut at the bound: what reached the caller is the bound, not whatever the upstream kept sending.
  assert.ok(received > 40 && received < 20_000, `received ${received}`);
  assert.equal(upstream.requests.length, 1);
});

test("an endless stream on the Anthropic wire is cut off the same way", async () => {
  upstream.enqueue({ fault: "endless-stream" });
  const config = configOf({
    model: "anthropic/claude-3-5-sonnet-20241022",
    base_url: upstream.url,
    max_output_tokens: 10,
  });
  await assert.rejects(
    createLlm(config, noWait).complete({ ...ask, stream: true }),
    rejectsWith("invalid_response", /the stream went on past max_output_tokens = 10 /),
  );
  assert.equal(upstream.requests[0]?.path, "/v1/messages");
});

test("a slow drip that never finishes is cut at the output bound too", async () => {
  upstream.enqueue({ fault: "endless-stream", ms: 1, text: "x".repeat(2000) });
  const llm = createLlm(configOf({ max_output_tokens: 1, timeout: 5 }), noWait);
  await assert.rejects(
    llm.complete({ ...ask, stream: true }),
    rejectsWith("invalid_response", /past max_output_tokens = 1 /),
  );
});

const garbage: [string, { body: string; contentType?: string }][] = [
  ["an HTML page", { body: "<html><body><h1>502 Bad Gateway</h1></body></html>" }],
  ["invalid JSON events", { body: "data: {not json\n\n", contentType: "text/event-stream" }],
  [
    "events of the wrong shape",
    { body: 'data: {"hello":"world"}\n\ndata: [DONE]\n\n', contentType: "text/event-stream" },
  ],
  ["a JSON document of the wrong shape", { body: '{"unexpected":true}', contentType: "application/json" }],
];

for (const [name, body] of garbage) {
  for (const stream of [false, true]) {
    test(`${name} as the ${stream ? "stream" : "response"} is an invalid response in one line, not retried`, async () => {
      upstream.enqueue({ fault: "raw-body", ...body });
      await assert.rejects(
        createLlm(configOf({}), noWait).complete({ ...ask, stream }),
        rejectsWith("invalid_response", /^config "llm" \(model openai\/fake-model\): invalid response: /),
      );
      assert.equal(upstream.requests.length, 1);
    });
  }
}
