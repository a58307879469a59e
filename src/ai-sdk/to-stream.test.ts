import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { type ProviderMetadata, stepCountIs, streamObject, streamText, tool } from "ai";
import { z } from "zod";
import { type FakeUpstream, startFakeUpstream } from "../fake-upstream/server.ts";
import { LlmError } from "../llm/index.ts";
import { type ConfigProviderOptions, createConfigProvider } from "./provider.ts";
import type { LlmconfCallMetadata } from "./to-result.ts";

let upstream: FakeUpstream;
let dir: string;
let configFile: string;
before(async () => {
  upstream = await startFakeUpstream();
  dir = await mkdtemp(join(tmpdir(), "llmconf-ai-sdk-stream-"));
  configFile = join(dir, "config.toml");
  await writeFile(
    configFile,
    `[llm]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
api_key = "sk-test-ai-sdk"
num_retries = 3
input_cost_per_token = 0.000001
output_cost_per_token = 0.000002

[llm.cheap]
temperature = 0.2
`,
  );
});
after(async () => {
  await upstream.close();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(() => upstream.reset());

/** The call's `providerMetadata.llmconf`, which every result must carry. */
function llmconfOf(metadata: ProviderMetadata | undefined): LlmconfCallMetadata {
  const found = metadata?.llmconf;
  assert.ok(found !== undefined, "providerMetadata.llmconf is missing");
  return found as unknown as LlmconfCallMetadata;
}

function providerWith(extra: ConfigProviderOptions = {}) {
  return createConfigProvider({
    configFile,
    cwd: dir,
    env: {},
    userFiles: false,
    sleep: async () => {},
    ...extra,
  });
}

/**
 * A fetch that passes the upstream's events through up to the first one carrying text, then holds the
 * rest (the end of the answer) until `release` is called, noting in `log` when the end is sent.
 */
function holdingBackTheEnd(log: string[]) {
  let release: (why: string) => void = () => {};
  const released = new Promise<string>((resolve) => {
    release = resolve;
  });
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const response = await globalThis.fetch(input, init);
    const text = await response.text();
    const events = text.split(/(?<=\n\n)/);
    const firstText = events.findIndex((event) => /"content":"[^"]/.test(event));
    const encoder = new TextEncoder();
    // Like a real connection, the held body fails when the caller aborts.
    const signal = init?.signal;
    const aborted = new Promise<string>((_resolve, reject) => {
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
    aborted.catch(() => {});
    let next = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (next === firstText + 1) log.push(`end held (${await Promise.race([released, aborted])})`);
        const event = events[next++];
        if (event === undefined) controller.close();
        else controller.enqueue(encoder.encode(event));
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return { fetch, release };
}

test("streamText hands on the first delta before the upstream has sent the end of the answer", async () => {
  const log: string[] = [];
  const { fetch, release } = holdingBackTheEnd(log);
  upstream.enqueue({ text: "Hello there, streaming world" });
  const result = streamText({ model: providerWith({ fetch })("cheap"), prompt: "hi" });
  // Bounds the test if deltas were buffered: the end is then released anyway, and the log says so.
  const bound = setTimeout(() => release("by the test's bound: no delta arrived first"), 10_000);
  const deltas: string[] = [];
  for await (const delta of result.textStream) {
    if (deltas.length === 0) {
      log.push(`first delta "${delta}"`);
      release("after the first delta");
    }
    deltas.push(delta);
  }
  clearTimeout(bound);
  assert.deepEqual(log, [`first delta "${deltas[0]}"`, "end held (after the first delta)"]);
  assert.ok(deltas.length > 1);
  assert.equal(deltas.join(""), "Hello there, streaming world");
});

test("a stream ends with usage, finish reason and providerMetadata.llmconf", async () => {
  const llmconf = providerWith();
  const result = streamText({ model: llmconf("cheap"), prompt: "count the cost" });
  const types = new Set<string>();
  for await (const part of result.fullStream) types.add(part.type);
  for (const type of ["start", "text-start", "text-delta", "text-end", "finish-step", "finish"])
    assert.ok(types.has(type), `missing ${type}`);
  assert.equal(await result.text, "echo: count the cost");
  assert.equal(await result.finishReason, "stop");
  const usage = await result.usage;
  const metadata = llmconfOf(await result.providerMetadata);
  assert.equal(metadata.config, "cheap");
  assert.equal(metadata.cost, (usage.inputTokens ?? 0) * 0.000001 + (usage.outputTokens ?? 0) * 0.000002);
  assert.equal(llmconf.metrics.snapshot().cheap?.costUsd, metadata.cost);
});

test("a failure before the first delta is retried invisibly; the attempts are reported", async () => {
  upstream.enqueue({ status: 503 }, { fault: "cut-stream", afterEvents: 0 });
  const result = streamText({ model: providerWith()("cheap"), prompt: "third time" });
  assert.equal(await result.text, "echo: third time");
  assert.equal(llmconfOf(await result.providerMetadata).attempts, 3);
  assert.equal(upstream.requests.length, 3);
});

test("streamed tool calls arrive as tool-input parts and a tool-call, and the loop continues", async () => {
  upstream.enqueue({ toolCalls: [{ name: "lookup", arguments: { word: "llm" } }] }, { text: "Done." });
  const looked: string[] = [];
  const result = streamText({
    model: providerWith()("cheap"),
    prompt: "define llm",
    tools: {
      lookup: tool({
        inputSchema: z.object({ word: z.string() }),
        execute: async ({ word }) => {
          looked.push(word);
          return "large language model";
        },
      }),
    },
    stopWhen: stepCountIs(3),
  });
  const types: string[] = [];
  for await (const part of result.fullStream) types.push(part.type);
  assert.deepEqual(looked, ["llm"]);
  const order = ["tool-input-start", "tool-input-delta", "tool-input-end", "tool-call", "tool-result"];
  assert.deepEqual(
    types.filter((type) => order.includes(type)).filter((type, index, all) => all.indexOf(type) === index),
    order,
  );
  assert.equal(await result.text, "Done.");
});

test("streamObject parses the streamed JSON against a zod schema", async () => {
  upstream.enqueue({ text: '{"name":"llmconf","stars":42}' });
  const result = streamObject({
    model: providerWith()("cheap"),
    schema: z.object({ name: z.string(), stars: z.number() }),
    prompt: "a repository",
  });
  const partials: unknown[] = [];
  for await (const partial of result.partialObjectStream) partials.push(partial);
  assert.ok(partials.length > 0);
  assert.deepEqual(await result.object, { name: "llmconf", stars: 42 });
});

test("an abortSignal stops a stream whose answer is still coming", async () => {
  const log: string[] = [];
  const { fetch, release } = holdingBackTheEnd(log);
  upstream.enqueue({ text: "a long answer that never ends" });
  const controller = new AbortController();
  const errors: unknown[] = [];
  const result = streamText({
    model: providerWith({ fetch })("cheap"),
    prompt: "go",
    abortSignal: controller.signal,
    onError: ({ error }) => {
      errors.push(error);
    },
  });
  const seen: string[] = [];
  for await (const part of result.fullStream) {
    seen.push(part.type);
    if (part.type === "text-delta") controller.abort();
  }
  release("after the abort");
  assert.ok(seen.includes("text-delta"));
  assert.ok(seen.includes("abort") || errors.some((error) => error instanceof LlmError));
  assert.ok(!seen.includes("finish"), "an aborted stream must not finish as if it were complete");
  assert.equal(upstream.requests.length, 1);
});
