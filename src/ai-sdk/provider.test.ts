import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { generateObject, generateText, type ProviderMetadata, stepCountIs, tool } from "ai";
import { z } from "zod";
import { ConfigError } from "../config/issues.ts";
import { loadConfig } from "../config/load.ts";
import { type FakeUpstream, startFakeUpstream } from "../fake-upstream/server.ts";
import { createLlmFromConfig, LlmError, RetriesExhaustedError, TokenLimitError } from "../llm/index.ts";
import { type ConfigProviderOptions, createConfigProvider } from "./provider.ts";
import type { LlmconfCallMetadata } from "./to-result.ts";

let upstream: FakeUpstream;
let dir: string;
let configFile: string;
before(async () => {
  upstream = await startFakeUpstream();
  dir = await mkdtemp(join(tmpdir(), "llmconf-ai-sdk-"));
  configFile = join(dir, "config.toml");
  await writeFile(
    configFile,
    `[llm]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
api_key = "sk-test-ai-sdk"
num_retries = 2
retry_multiplier = 1
retry_min_wait = 1
retry_max_wait = 10
input_cost_per_token = 0.000001
output_cost_per_token = 0.000002

[llm.cheap]
temperature = 0.2
max_output_tokens = 300

[llm.primary]
fallbacks = ["backup"]

[llm.backup]
model = "openai/backup-model"

[llm.tiny]
max_input_tokens = 10

[llm.logged]
log_completions = true
log_completions_folder = "${join(dir, "logs")}"

[llm.keyless]
api_key = "\${NO_SUCH_KEY_FOR_TESTS}"
`,
  );
});
after(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => upstream.reset());

/** A provider over the test config; retry waits are recorded, never slept. */
/** The call's `providerMetadata.llmconf`, which every result must carry. */
function llmconfOf(metadata: ProviderMetadata | undefined): LlmconfCallMetadata {
  const found = metadata?.llmconf;
  assert.ok(found !== undefined, "providerMetadata.llmconf is missing");
  return found as unknown as LlmconfCallMetadata;
}

function providerWith(extra: ConfigProviderOptions = {}) {
  const waits: number[] = [];
  const llmconf = createConfigProvider({
    configFile,
    cwd: dir,
    env: {},
    userFiles: false,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...extra,
  });
  return { llmconf, waits };
}

const bodyOf = (index: number) => upstream.requests[index]?.body as Record<string, unknown>;

test("generateText answers through the named config with its model, base URL, key and defaults", async () => {
  const { llmconf } = providerWith();
  const { text, usage, finishReason } = await generateText({ model: llmconf("cheap"), prompt: "hello" });
  assert.equal(text, "echo: hello");
  assert.equal(finishReason, "stop");
  assert.ok((usage.inputTokens ?? 0) > 0 && (usage.outputTokens ?? 0) > 0);
  const body = bodyOf(0);
  assert.equal(body.model, "fake-model");
  assert.equal(body.temperature, 0.2);
  assert.equal(body.max_tokens, 300);
  // The fake upstream records the key redacted; that one was sent is what matters here.
  assert.equal(upstream.requests[0]?.headers.authorization, "[redacted]");
});

test("call options override the config's defaults for that call", async () => {
  const { llmconf } = providerWith();
  await generateText({
    model: llmconf.languageModel("cheap"),
    prompt: "hi",
    temperature: 0.9,
    maxOutputTokens: 7,
    topP: 0.5,
    stopSequences: ["END"],
  });
  const body = bodyOf(0);
  assert.deepEqual([body.temperature, body.max_tokens, body.top_p, body.stop], [0.9, 7, 0.5, ["END"]]);
});

test("system, user, assistant and tool messages reach the upstream in order", async () => {
  const { llmconf } = providerWith();
  await generateText({
    model: llmconf("cheap"),
    system: "Be brief.",
    messages: [
      { role: "user", content: "weather?" },
      {
        role: "assistant",
        content: [{ type: "tool-call", toolCallId: "c1", toolName: "weather", input: { city: "Oslo" } }],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "weather",
            output: { type: "json", value: { sky: "clear" } },
          },
        ],
      },
      { role: "user", content: "thanks" },
    ],
  });
  const messages = bodyOf(0).messages as Array<Record<string, unknown>>;
  assert.deepEqual(
    messages.map((message) => message.role),
    ["system", "user", "assistant", "tool", "user"],
  );
  assert.equal(messages[0]?.content, "Be brief.");
  assert.deepEqual(messages[2]?.tool_calls, [
    { id: "c1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
  ]);
  assert.deepEqual([messages[3]?.tool_call_id, messages[3]?.content], ["c1", '{"sky":"clear"}']);
});

test("providerMetadata.llmconf and the provider's metrics carry the runtime's own cost figure", async () => {
  const { llmconf } = providerWith();
  const result = await generateText({ model: llmconf("cheap"), prompt: "what does it cost" });
  const metadata = llmconfOf(result.providerMetadata);
  assert.equal(metadata.config, "cheap");
  assert.equal(metadata.attempts, 1);
  const expected = (result.usage.inputTokens ?? 0) * 0.000001 + (result.usage.outputTokens ?? 0) * 0.000002;
  assert.ok(expected > 0);
  assert.equal(metadata.cost, expected);
  assert.equal(llmconf.metrics.snapshot().cheap?.costUsd, expected);
  assert.equal(llmconf.metrics.snapshot().cheap?.answered, 1);

  const direct = createLlmFromConfig(llmconf.config, "cheap", { env: {} });
  const completion = await direct.complete({ messages: [{ role: "user", content: "what does it cost" }] });
  assert.equal(completion.cost.usd, metadata.cost);
});

test("the cost is null, not 0, when the model's price is unknown", async () => {
  const config = await loadConfig({ configFile, cwd: dir, env: {}, userFiles: false });
  const unpriced = createConfigProvider({
    config: {
      ...config,
      usableLlmConfig: (name) => ({
        ...config.usableLlmConfig(name),
        input_cost_per_token: null,
        output_cost_per_token: null,
      }),
    },
    env: {},
  });
  const result = await generateText({ model: unpriced("cheap"), prompt: "free?" });
  assert.equal(llmconfOf(result.providerMetadata).cost, null);
  assert.equal(unpriced.metrics.snapshot().cheap?.unknownCostCalls, 1);
});

test("an unknown config name throws the loader's did-you-mean error at once", () => {
  const { llmconf } = providerWith();
  assert.throws(
    () => llmconf("chep"),
    (error: unknown) =>
      error instanceof ConfigError &&
      /unknown LLM config "chep"; did you mean "cheap"\? \(defined: llm, cheap, primary, backup, tiny, logged, keyless\)/.test(
        error.message,
      ),
  );
  assert.throws(() => llmconf.languageModel("missng"), ConfigError);
  assert.equal(upstream.requests.length, 0);
});

test("a config that needs an unset ${VAR} throws, located, when its model is asked for; others still work", async () => {
  const { llmconf } = providerWith();
  assert.throws(
    () => llmconf("keyless"),
    (error: unknown) => error instanceof ConfigError && /NO_SUCH_KEY_FOR_TESTS/.test(error.message),
  );
  assert.equal(
    (await generateText({ model: llmconf("cheap"), prompt: "still here" })).text,
    "echo: still here",
  );
});

test("a tool loop runs two tool calls and answers with their results", async () => {
  const { llmconf } = providerWith();
  upstream.enqueue(
    { toolCalls: [{ name: "weather", arguments: { city: "Paris" } }] },
    { toolCalls: [{ name: "weather", arguments: { city: "Rome" } }] },
    { text: "Paris is sunny, Rome is rainy." },
  );
  const asked: string[] = [];
  const result = await generateText({
    model: llmconf("cheap"),
    prompt: "Weather in Paris and Rome?",
    tools: {
      weather: tool({
        description: "Today's weather in a city",
        inputSchema: z.object({ city: z.string() }),
        execute: async ({ city }) => {
          asked.push(city);
          return city === "Paris" ? "sunny" : "rainy";
        },
      }),
    },
    stopWhen: stepCountIs(5),
  });
  assert.deepEqual(asked, ["Paris", "Rome"]);
  assert.equal(result.text, "Paris is sunny, Rome is rainy.");
  assert.equal(result.steps.length, 3);
  const firstTools = bodyOf(0).tools as Array<{ function: { name: string; parameters: unknown } }>;
  assert.equal(firstTools[0]?.function.name, "weather");
  const last = bodyOf(2).messages as Array<{ role: string; content: unknown }>;
  assert.deepEqual(
    last.filter((message) => message.role === "tool").map((message) => message.content),
    ["sunny", "rainy"],
  );
  assert.equal(llmconf.metrics.snapshot().cheap?.calls, 3);
});

test("generateObject with a zod schema returns the typed object; the schema reaches the model", async () => {
  const { llmconf } = providerWith();
  upstream.enqueue({ text: '{"city":"Paris","population":2100000}' });
  const { object, providerMetadata } = await generateObject({
    model: llmconf("cheap"),
    schema: z.object({ city: z.string(), population: z.number() }),
    prompt: "The largest city of France",
  });
  assert.deepEqual(object, { city: "Paris", population: 2100000 });
  assert.equal(llmconfOf(providerMetadata).config, "cheap");
  const body = bodyOf(0) as { response_format: unknown; messages: Array<{ content: string }> };
  assert.deepEqual(body.response_format, { type: "json_object" });
  assert.match(body.messages[0]?.content ?? "", /JSON Schema:\n.*"population"/s);
});

test("a 429 is retried after its Retry-After and the attempts are reported, not repeated by the AI SDK", async () => {
  const { llmconf, waits } = providerWith();
  upstream.enqueue({ status: 429, headers: { "retry-after-ms": "250" } });
  const result = await generateText({ model: llmconf("cheap"), prompt: "again" });
  assert.equal(result.text, "echo: again");
  assert.deepEqual(waits, [250]);
  assert.equal(llmconfOf(result.providerMetadata).attempts, 2);
  assert.equal(upstream.requests.length, 2);
});

test("when retries are spent the fallback answers, and the metadata names it", async () => {
  const { llmconf } = providerWith();
  upstream.enqueue({ status: 503 }, { fault: "reset" });
  const result = await generateText({ model: llmconf("primary"), prompt: "anyone?" });
  assert.equal(result.text, "echo: anyone?");
  assert.deepEqual(llmconfOf(result.providerMetadata), {
    config: "backup",
    attempts: 3,
    cost: llmconfOf(result.providerMetadata).cost,
  });
  assert.deepEqual(
    upstream.requests.map((request) => (request.body as { model: string }).model),
    ["fake-model", "fake-model", "backup-model"],
  );
  const snapshot = llmconf.metrics.snapshot();
  assert.equal(snapshot.primary?.errors, 1);
  assert.equal(snapshot.backup?.answeredAsFallback, 1);
});

test("a failed call rejects with the runtime's error after the config's attempts, whatever maxRetries says", async () => {
  const { llmconf } = providerWith();
  upstream.enqueue({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
  await assert.rejects(
    generateText({ model: llmconf("cheap"), prompt: "down", maxRetries: 2 }),
    (error: unknown) =>
      error instanceof RetriesExhaustedError &&
      error.configName === "cheap" &&
      /2 attempts/.test(error.message),
  );
  assert.equal(upstream.requests.length, 2);
});

test("max_input_tokens is checked before anything is sent", async () => {
  const { llmconf } = providerWith();
  await assert.rejects(
    generateText({ model: llmconf("tiny"), prompt: "word ".repeat(200) }),
    (error: unknown) => error instanceof TokenLimitError && error.limit === 10,
  );
  assert.equal(upstream.requests.length, 0);
});

test("an abortSignal stops a stalled call without retrying it", async () => {
  const { llmconf } = providerWith();
  upstream.enqueue({ fault: "stall" });
  const controller = new AbortController();
  const pending = generateText({ model: llmconf("cheap"), prompt: "wait", abortSignal: controller.signal });
  // Abort once the upstream holds the request, so the abort cancels a call in flight.
  while (upstream.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  controller.abort();
  await assert.rejects(pending, (error: unknown) => error instanceof LlmError && error.kind === "aborted");
  assert.equal(upstream.requests.length, 1);
});

test("log_completions writes one file per call made through the AI SDK", async () => {
  const { llmconf } = providerWith();
  await generateText({ model: llmconf("logged"), prompt: "keep a record" });
  const files = await readdir(join(dir, "logs"), { recursive: true });
  assert.equal(files.filter((file) => String(file).endsWith(".json")).length, 1);
});

test("an already loaded Config is used as is, and the provider has no embedding or image models", async () => {
  const config = await loadConfig({ configFile, cwd: dir, env: {}, userFiles: false });
  const llmconf = createConfigProvider(config);
  assert.equal(llmconf.config, config);
  assert.equal(llmconf("cheap").modelId, "cheap");
  assert.equal(llmconf("cheap").provider, "llmconf");
  assert.equal(llmconf().modelId, "llm");
  assert.throws(() => llmconf.embeddingModel("cheap"), /llmconf configs are chat models/);
  assert.throws(() => llmconf.imageModel("cheap"), /llmconf configs are chat models/);
});

test("a broken config.toml throws one located ConfigError when the provider is created", async () => {
  const broken = join(dir, "broken.toml");
  await writeFile(broken, '[llm]\nmodel = "gpt-4o"\ntemprature = 0.5\n');
  assert.throws(
    () => createConfigProvider({ configFile: broken, cwd: dir, env: {}, userFiles: false }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.issues[0]?.line === 3 &&
      /did you mean "temperature"/.test(error.message),
  );
});

test("a length-limited answer finishes with the AI SDK's 'length' and the runtime's raw reason", async () => {
  const { llmconf } = providerWith();
  upstream.enqueue({ text: "cut sho", finishReason: "length" });
  const result = await generateText({ model: llmconf("cheap"), prompt: "long story" });
  assert.equal(result.finishReason, "length");
  assert.equal(result.rawFinishReason, "length");
});
