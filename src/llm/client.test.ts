import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { llmSchema, type ResolvedLlmConfig } from "../config/schema.ts";
import { type FakeUpstream, startFakeUpstream } from "../fake-upstream/server.ts";
import { type CreateLlmOptions, createLlm, type LlmEvent } from "./client.ts";
import { LlmError, RetriesExhaustedError, TokenLimitError } from "./errors.ts";

let upstream: FakeUpstream;
before(async () => {
  upstream = await startFakeUpstream();
});
after(() => upstream.close());
beforeEach(() => upstream.reset());

const secret = "sk-test-do-not-print-4242";

function configOf(fields: Record<string, unknown>): ResolvedLlmConfig {
  return llmSchema.parse({
    model: "openai/fake-model",
    base_url: `${upstream.url}/v1`,
    api_key: secret,
    num_retries: 3,
    retry_multiplier: 1,
    retry_min_wait: 1,
    retry_max_wait: 10,
    ...fields,
  });
}

/** Options with a fake sleep: waits are recorded, never slept. */
function fakeTimeOptions(extra: CreateLlmOptions = {}) {
  const waits: number[] = [];
  const events: LlmEvent[] = [];
  const options: CreateLlmOptions = {
    sleep: async (ms) => {
      waits.push(ms);
    },
    onEvent: (event) => events.push(event),
    env: {},
    ...extra,
  };
  return { waits, events, options };
}

const ask = (content: string) => ({ messages: [{ role: "user" as const, content }] });

const bodyOf = (index: number) => upstream.requests[index]?.body as Record<string, unknown>;

test("an OpenAI-compatible config answers with text, usage, unknown cost, latency, attempts and its name", async () => {
  const { options } = fakeTimeOptions({ name: "local" });
  const llm = createLlm(configOf({}), options);
  const completion = await llm.complete(ask("hello there"));
  assert.equal(completion.text, "echo: hello there");
  assert.equal(completion.finishReason, "stop");
  assert.equal(completion.configName, "local");
  assert.equal(completion.attempts, 1);
  assert.ok(completion.usage.input_tokens > 0 && completion.usage.output_tokens > 0);
  assert.deepEqual(completion.cost, { usd: null, source: "unknown" });
  assert.ok(completion.latencyMs >= 0);
  assert.ok(upstream.requests[0]?.headers.authorization !== undefined);
  assert.equal(llm.metrics.snapshot().local?.answered, 1);
});

test("sampling fields, seed, max_output_tokens, top_k and completion_kwargs reach the request body", async () => {
  const { options } = fakeTimeOptions();
  const llm = createLlm(
    configOf({
      temperature: 0.3,
      top_p: 0.9,
      top_k: 40,
      seed: 7,
      max_output_tokens: 99,
      completion_kwargs: { logprobs: true },
    }),
    options,
  );
  await llm.complete(ask("hi"));
  const body = bodyOf(0);
  assert.equal(body.temperature, 0.3);
  assert.equal(body.top_p, 0.9);
  assert.equal(body.top_k, 40);
  assert.equal(body.seed, 7);
  assert.equal(body.max_tokens, 99);
  assert.equal(body.logprobs, true);
});

test("tools and tool choice are sent and tool calls come back in the OpenAI shape", async () => {
  const { options } = fakeTimeOptions();
  upstream.enqueue({ toolCalls: [{ name: "read_file", arguments: { path: "README.md" } }] });
  const llm = createLlm(configOf({}), options);
  const completion = await llm.complete({
    ...ask("read it"),
    tools: [
      {
        type: "function",
        function: {
          name: "read_file",
          parameters: { type: "object", properties: { path: { type: "string" } } },
        },
      },
    ],
    toolChoice: "required",
  });
  assert.equal(completion.finishReason, "tool_calls");
  assert.equal(completion.toolCalls[0]?.function.name, "read_file");
  assert.deepEqual(JSON.parse(completion.toolCalls[0]?.function.arguments ?? ""), { path: "README.md" });
  assert.equal(completion.message.content, null);
  assert.equal(bodyOf(0).tool_choice, "required");
});

test("an Anthropic config sends system, cache markers and max_tokens from the model table", async () => {
  const { options } = fakeTimeOptions();
  const llm = createLlm(
    configOf({ model: "anthropic/claude-3-5-sonnet-20241022", base_url: upstream.url }),
    options,
  );
  const completion = await llm.complete({
    messages: [
      { role: "system", content: "be brief" },
      { role: "user", content: "hi" },
    ],
  });
  assert.equal(completion.text, "echo: hi");
  assert.equal(typeof completion.cost.usd, "number");
  const body = bodyOf(0);
  assert.equal(upstream.requests[0]?.path, "/v1/messages");
  assert.deepEqual(body.system, [{ type: "text", text: "be brief", cache_control: { type: "ephemeral" } }]);
  assert.equal(typeof body.max_tokens, "number");
});

test("caching_prompt = false sends no cache markers", async () => {
  const { options } = fakeTimeOptions();
  const llm = createLlm(
    configOf({
      model: "anthropic/claude-3-5-sonnet-20241022",
      base_url: upstream.url,
      caching_prompt: false,
    }),
    options,
  );
  await llm.complete({
    messages: [
      { role: "system", content: "s" },
      { role: "user", content: "hi" },
    ],
  });
  assert.equal(JSON.stringify(bodyOf(0)).includes("cache_control"), false);
});

test("a 429 with retry-after-ms is retried after exactly that wait", async () => {
  const { options, waits, events } = fakeTimeOptions();
  upstream.enqueue({ status: 429, headers: { "retry-after-ms": "250" } });
  const completion = await createLlm(configOf({}), options).complete(ask("x"));
  assert.equal(completion.attempts, 2);
  assert.deepEqual(waits, [250]);
  assert.ok(events.some((event) => event.type === "retry" && event.status === 429 && event.waitMs === 250));
});

test("5xx, resets and empty answers are retried with the backoff formula; the final error names everything", async () => {
  const { options, waits } = fakeTimeOptions({ name: "fast" });
  upstream.enqueue({ status: 503 }, { fault: "reset" }, { fault: "empty-choices" });
  await assert.rejects(createLlm(configOf({}), options).complete(ask("x")), (error: unknown) => {
    assert.ok(error instanceof RetriesExhaustedError);
    assert.equal(error.configName, "fast");
    assert.match(
      error.message,
      /config "fast" \(model openai\/fake-model\): 3 attempts failed in .* s \(503, connection, empty_response\)/,
    );
    return true;
  });
  assert.deepEqual(waits, [1000, 2000]);
  assert.equal(upstream.requests.length, 3);
});

test("an empty answer at temperature 0 is retried at temperature 1", async () => {
  const { options } = fakeTimeOptions();
  upstream.enqueue({ fault: "empty-choices" });
  await createLlm(configOf({}), options).complete(ask("x"));
  assert.equal(bodyOf(0).temperature, 0);
  assert.equal(bodyOf(1).temperature, 1);
});

test("a 401 fails at once with one line naming the config, never the key", async () => {
  const { options, events } = fakeTimeOptions({ name: "prod" });
  upstream.enqueue({ status: 401, message: `Incorrect API key provided: ${secret}` });
  await assert.rejects(createLlm(configOf({}), options).complete(ask("x")), (error: unknown) => {
    assert.ok(error instanceof LlmError);
    assert.equal(error.kind, "authentication");
    assert.equal(error.status, 401);
    assert.equal(error.message.includes(secret), false);
    assert.equal(error.message.includes("\n"), false);
    assert.match(error.message, /^config "prod"/);
    return true;
  });
  assert.equal(upstream.requests.length, 1);
  assert.equal(JSON.stringify(events).includes(secret), false);
});

test("a Retry-After longer than retry_max_wait fails fast and says so", async () => {
  const { options, waits } = fakeTimeOptions();
  upstream.enqueue({ status: 429, headers: { "retry-after": "3600" } });
  await assert.rejects(createLlm(configOf({}), options).complete(ask("x")), (error: unknown) => {
    assert.ok(error instanceof LlmError);
    assert.equal(error.kind, "retry_after_too_long");
    assert.match(error.message, /longer than retry_max_wait = 10 s/);
    return true;
  });
  assert.deepEqual(waits, []);
});

test("timeout limits each attempt; a stalled attempt is retried", async () => {
  const { options } = fakeTimeOptions();
  upstream.enqueue({ fault: "stall" });
  const completion = await createLlm(configOf({ timeout: 1 }), options).complete(ask("x"));
  assert.equal(completion.attempts, 2);
  assert.equal(completion.text, "echo: x");
});

test("an abort stops a stalled call at once, without retrying", async () => {
  const { options } = fakeTimeOptions();
  upstream.enqueue({ fault: "stall" });
  const controller = new AbortController();
  const pending = createLlm(configOf({}), options).complete({ ...ask("x"), signal: controller.signal });
  // Abort once the upstream holds the request, however slow the machine is to send it.
  while (upstream.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort();
  await assert.rejects(pending, (error: unknown) => error instanceof LlmError && error.kind === "aborted");
  assert.equal(upstream.requests.length, 1);
});

test("an abort that lands just before an attempt starts still stops it", { timeout: 60_000 }, async () => {
  const { options } = fakeTimeOptions();
  upstream.enqueue({ fault: "stall" });
  const controller = new AbortController();
  const llm = createLlm(configOf({}), {
    ...options,
    onEvent: (event) => {
      if (event.type === "request") controller.abort();
    },
  });
  await assert.rejects(
    llm.complete({ ...ask("x"), signal: controller.signal }),
    (error: unknown) => error instanceof LlmError && error.kind === "aborted",
  );
});

test("an abort during a backoff wait ends the call with no further attempt", async () => {
  upstream.enqueue({ status: 503 });
  const controller = new AbortController();
  const llm = createLlm(configOf({ retry_min_wait: 60, retry_max_wait: 60 }), {
    env: {},
    onEvent: (event) => {
      if (event.type === "retry") controller.abort();
    },
  });
  await assert.rejects(llm.complete({ ...ask("x"), signal: controller.signal }), (error: unknown) => {
    return error instanceof LlmError && error.kind === "aborted";
  });
  assert.equal(upstream.requests.length, 1);
});

test("after retries are exhausted the fallbacks are tried in order and metrics say which config answered", async () => {
  const configs: Record<string, ResolvedLlmConfig> = {
    cheap: configOf({ num_retries: 1 }),
    local: configOf({ model: "anthropic/claude-3-5-haiku-20241022", base_url: upstream.url }),
  };
  const { options, events } = fakeTimeOptions({
    name: "primary",
    resolveConfig: (name) => configs[name] as ResolvedLlmConfig,
  });
  upstream.enqueue({ status: 503 }, { status: 503 }, { status: 500 });
  const llm = createLlm(configOf({ num_retries: 2, fallbacks: ["cheap", "local"] }), options);
  const completion = await llm.complete(ask("x"));
  assert.equal(completion.configName, "local");
  assert.equal(completion.requestedConfig, "primary");
  assert.equal(completion.attempts, 4);
  const metrics = llm.metrics.snapshot();
  assert.equal(metrics.primary?.errors, 1);
  assert.equal(metrics.cheap?.errors, 1);
  assert.equal(metrics.local?.answeredAsFallback, 1);
  assert.deepEqual(
    events.filter((event) => event.type === "fallback").map((event) => event.type === "fallback" && event.to),
    ["cheap", "local"],
  );
});

test("fallbacks chain depth-first: a failing fallback's own fallbacks come before the rest of the list", async () => {
  const configs: Record<string, ResolvedLlmConfig> = {
    cheap: configOf({ num_retries: 1, fallbacks: ["local"] }),
    local: configOf({ num_retries: 1, fallbacks: ["cheap"] }),
    last: configOf({ num_retries: 1 }),
  };
  const { options, events } = fakeTimeOptions({
    name: "primary",
    resolveConfig: (name) => configs[name] as ResolvedLlmConfig,
  });
  upstream.enqueue({ status: 503 }, { status: 503 }, { status: 503 });
  const llm = createLlm(configOf({ num_retries: 1, fallbacks: ["cheap", "last"] }), options);
  const completion = await llm.complete(ask("x"));
  assert.equal(completion.configName, "last");
  assert.deepEqual(
    events.filter((event) => event.type === "fallback").map((event) => event.type === "fallback" && event.to),
    ["cheap", "local", "last"],
  );
  assert.equal(upstream.requests.length, 4);
});

test("a non-retryable error does not fall back", async () => {
  const { options } = fakeTimeOptions({ resolveConfig: () => configOf({}) });
  upstream.enqueue({ status: 400, message: "bad thing" });
  await assert.rejects(
    createLlm(configOf({ fallbacks: ["cheap"] }), options).complete(ask("x")),
    (error: unknown) => {
      return error instanceof LlmError && error.kind === "bad_request";
    },
  );
  assert.equal(upstream.requests.length, 1);
});

test("max_input_tokens is enforced before sending, naming the config, the count and the limit", async () => {
  const { options } = fakeTimeOptions({ name: "small" });
  const llm = createLlm(configOf({ model: "openai/gpt-4o", max_input_tokens: 10 }), options);
  await assert.rejects(llm.complete(ask("word ".repeat(100))), (error: unknown) => {
    assert.ok(error instanceof TokenLimitError);
    assert.equal(error.limit, 10);
    assert.ok(error.count > 100);
    assert.match(
      error.message,
      /config "small" .*prompt has \d+ tokens \(o200k_base\), over max_input_tokens = 10/,
    );
    return true;
  });
  assert.equal(upstream.requests.length, 0);
});

test("a prompt over max_input_tokens goes to the fallback", async () => {
  const { options } = fakeTimeOptions({ resolveConfig: () => configOf({ max_input_tokens: 100_000 }) });
  const llm = createLlm(configOf({ max_input_tokens: 10, fallbacks: ["big"] }), options);
  const completion = await llm.complete(ask("word ".repeat(100)));
  assert.equal(completion.configName, "big");
});

test("max_message_chars middle-truncates long user text", async () => {
  const { options } = fakeTimeOptions();
  await createLlm(configOf({ max_message_chars: 20 }), options).complete(
    ask(`${"a".repeat(50)}${"b".repeat(50)}`),
  );
  const messages = bodyOf(0).messages as { content: string }[];
  assert.match(
    messages[0]?.content ?? "",
    /^a{10}\n\[\.\.\. Observation truncated due to length \.\.\.\]\nb{10}$/,
  );
});

test("reasoning models drop temperature and top_p with drop_params, and refuse them without", async () => {
  const { options } = fakeTimeOptions();
  const completion = await createLlm(
    configOf({ model: "openai/o3-mini", reasoning_effort: "high" }),
    options,
  ).complete(ask("x"));
  assert.equal(bodyOf(0).temperature, undefined);
  assert.equal(bodyOf(0).reasoning_effort, "high");
  assert.ok(completion.notes.some((note) => note.startsWith("temperature dropped")));
  await assert.rejects(
    createLlm(configOf({ model: "openai/o3-mini", drop_params: false }), options).complete(ask("x")),
    (error: unknown) => error instanceof LlmError && /set drop_params = true/.test(error.message),
  );
});

test("streaming delivers deltas as they arrive and ends with the full completion", async () => {
  const { options } = fakeTimeOptions();
  upstream.enqueue({ text: "one two three" });
  const stream = createLlm(configOf({}), options).stream(ask("x"));
  const pieces: string[] = [];
  for await (const delta of stream) if (delta.type === "text-delta") pieces.push(delta.text);
  assert.ok(pieces.length >= 3);
  assert.equal(pieces.join(""), "one two three");
  const completion = await stream.completion;
  assert.equal(completion.text, "one two three");
  assert.ok(completion.usage.output_tokens > 0);
});

test("a stream cut before any delta is retried; one cut after a delta is not", async () => {
  const { options } = fakeTimeOptions();
  upstream.enqueue({ fault: "cut-stream", afterEvents: 0 });
  const first = await createLlm(configOf({}), options).complete({ ...ask("x"), stream: true });
  assert.equal(first.attempts, 2);
  upstream.enqueue({ fault: "cut-stream", text: "alpha beta gamma delta epsilon" });
  await assert.rejects(
    createLlm(configOf({}), options).complete({ ...ask("x"), stream: true }),
    (error: unknown) => {
      return error instanceof LlmError && error.kind === "connection" && !error.retryable;
    },
  );
});

test("log_completions writes one JSON file per call without any secret", async () => {
  const folder = await mkdtemp(join(tmpdir(), "llmconf-log-"));
  try {
    const { options } = fakeTimeOptions({ name: "logged", wallClock: () => 1_700_000_000_000 });
    const llm = createLlm(configOf({ log_completions: true, log_completions_folder: folder }), options);
    await llm.complete(ask(`the key is ${secret}`));
    const files = await readdir(folder);
    assert.equal(files.length, 1);
    assert.match(files[0] ?? "", /^openai__fake-model-1700000000\.000-[0-9a-f]{8}\.json$/);
    const text = await readFile(join(folder, files[0] ?? ""), "utf8");
    assert.equal(text.includes(secret), false);
    assert.equal(/authorization|bearer/i.test(text), false);
    const record = JSON.parse(text);
    assert.equal(record.config, "logged");
    assert.equal(record.model, "openai/fake-model");
    assert.equal(record.attempts, 1);
    assert.deepEqual(record.cost, { usd: null, source: "unknown" });
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test("a missing api key is one clear error before anything is sent", async () => {
  const { options } = fakeTimeOptions({ name: "claude" });
  const llm = createLlm(configOf({ model: "anthropic/claude-3-5-sonnet-20241022", api_key: null }), options);
  await assert.rejects(llm.complete(ask("x")), (error: unknown) => {
    assert.ok(error instanceof LlmError);
    assert.equal(error.kind, "missing_api_key");
    assert.match(
      error.message,
      /no api_key; set api_key in \[llm\.claude\] or the ANTHROPIC_API_KEY environment variable/,
    );
    return true;
  });
  assert.equal(upstream.requests.length, 0);
});

test("an unknown provider names the config and the supported list", async () => {
  const { options } = fakeTimeOptions();
  await assert.rejects(
    createLlm(configOf({ model: "nonesuch/model" }), options).complete(ask("x")),
    (error: unknown) => {
      assert.ok(error instanceof LlmError);
      assert.equal(error.kind, "provider_setup");
      assert.match(
        error.message,
        /config "llm": unknown provider "nonesuch".*supported providers: openai, anthropic/,
      );
      return true;
    },
  );
});

test("an unreachable base_url is a connection error after the configured attempts", async () => {
  const { options } = fakeTimeOptions();
  await assert.rejects(
    createLlm(configOf({ base_url: "http://127.0.0.1:9/v1", num_retries: 2 }), options).complete(ask("x")),
    (error: unknown) =>
      error instanceof RetriesExhaustedError && /\(connection, connection\)/.test(error.message),
  );
});

test("mock/echo answers with no key and no network, at zero cost", async () => {
  const llm = createLlm(llmSchema.parse({ model: "mock/echo" }), { env: {} });
  const completion = await llm.complete(ask("ping"));
  assert.equal(completion.text, "echo: ping");
  assert.deepEqual(completion.cost, { usd: 0, source: "price-table" });
});

test("call parameters reach the wire in place of the config's defaults", async () => {
  const { options } = fakeTimeOptions();
  const llm = createLlm(configOf({ temperature: 0.1, max_output_tokens: 50 }), options);
  await llm.complete({
    ...ask("hi"),
    parameters: { temperature: 0.7, maxOutputTokens: 12, stopSequences: ["X"] },
  });
  const body = bodyOf(0);
  assert.deepEqual([body.temperature, body.max_tokens, body.stop], [0.7, 12, ["X"]]);
});
