/**
 * Per-call overhead of `llm.complete` against the fake upstream on loopback: over a raw `fetch` of the
 * same request, over the provider model's `doGenerate` alone, and over the AI SDK's `generateText`.
 * Sequential calls after a warm-up, the variants interleaved in rounds so machine noise hits them
 * alike; ratios come from the same run. Streaming: time to the first text delta and to the end.
 *
 * Run: node --import tsx bench/llm-overhead.bench.ts [calls per variant, default 2000]
 */
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { generateText, streamText } from "ai";
import { llmSchema } from "../src/config/schema.ts";
import { startFakeUpstream } from "../src/fake-upstream/server.ts";
import { createLlm } from "../src/llm/client.ts";
import { median } from "./measure.ts";

const calls = Number(process.argv[2] ?? 2000);
const rounds = 10;
const perRound = Math.max(1, Math.floor(calls / rounds));
const upstream = await startFakeUpstream();
const baseURL = `${upstream.url}/v1`;
const prompt = "Say hello in five words.";
const messages = [{ role: "user" as const, content: prompt }];
// A fixed multi-word reply so streams have several deltas.
const reply = { text: "Hello there, how are you today?" };

const config = llmSchema.parse({
  model: "openai/fake-model",
  base_url: baseURL,
  api_key: "bench",
  num_retries: 1,
});
const llm = createLlm(config, { env: {} });
const provider = createOpenAICompatible({ name: "openai", baseURL, apiKey: "bench", includeUsage: true });
const model = provider.chatModel("fake-model");

const rawBody = (stream: boolean) =>
  JSON.stringify({
    model: "fake-model",
    temperature: 0,
    top_p: 1,
    messages,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
const headers = { "content-type": "application/json", authorization: "Bearer bench" };

async function rawFetch(): Promise<void> {
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: "POST",
    headers,
    body: rawBody(false),
  });
  const body = (await response.json()) as { choices: { message: { content: string } }[] };
  if (!body.choices[0]?.message.content) throw new Error("no answer");
}

async function rawFetchStream(onFirst: () => void): Promise<void> {
  const response = await fetch(`${baseURL}/chat/completions`, {
    method: "POST",
    headers,
    body: rawBody(true),
  });
  const decoder = new TextDecoder();
  let first = true;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    if (first && decoder.decode(chunk, { stream: true }).includes('"content"')) {
      first = false;
      onFirst();
    }
  }
}

type Variant = { name: string; run: () => Promise<void> };

const nonStreaming: Variant[] = [
  { name: "raw fetch (baseline)", run: rawFetch },
  {
    name: "provider doGenerate",
    run: async () => {
      await model.doGenerate({
        prompt: [{ role: "user", content: [{ type: "text", text: prompt }] }],
        temperature: 0,
        topP: 1,
      });
    },
  },
  {
    name: "AI SDK generateText",
    run: async () => {
      await generateText({ model, prompt, temperature: 0, topP: 1, maxRetries: 0 });
    },
  },
  {
    name: "llm.complete",
    run: async () => {
      await llm.complete({ messages });
    },
  },
];

type StreamVariant = { name: string; run: (onFirst: () => void) => Promise<void> };

const streaming: StreamVariant[] = [
  { name: "raw fetch stream (baseline)", run: rawFetchStream },
  {
    name: "AI SDK streamText",
    run: async (onFirst) => {
      const result = streamText({ model, prompt, temperature: 0, topP: 1, maxRetries: 0 });
      let first = true;
      for await (const _ of result.textStream) {
        if (first) {
          first = false;
          onFirst();
        }
      }
    },
  },
  {
    name: "llm.stream",
    run: async (onFirst) => {
      let first = true;
      for await (const _ of llm.stream({ messages })) {
        if (first) {
          first = false;
          onFirst();
        }
      }
    },
  },
];

function setReply(): void {
  // Every request gets the same scripted reply; the queue is refilled well ahead of use.
  if (upstream.pendingCount() < 64) upstream.enqueue(...Array.from({ length: 256 }, () => reply));
  if (upstream.requests.length > 1000) upstream.requests.length = 0;
}

async function measureCalls(): Promise<Map<string, number[]>> {
  const times = new Map<string, number[]>(nonStreaming.map((variant) => [variant.name, []]));
  for (const variant of nonStreaming) {
    for (let i = 0; i < 200; i++) {
      setReply();
      await variant.run();
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const variant of nonStreaming) {
      const list = times.get(variant.name) as number[];
      for (let i = 0; i < perRound; i++) {
        setReply();
        const start = performance.now();
        await variant.run();
        list.push(performance.now() - start);
      }
    }
  }
  return times;
}

async function measureStreams(): Promise<Map<string, { first: number[]; total: number[] }>> {
  const times = new Map(
    streaming.map((variant) => [variant.name, { first: [] as number[], total: [] as number[] }]),
  );
  for (const variant of streaming) {
    for (let i = 0; i < 200; i++) {
      setReply();
      await variant.run(() => {});
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const variant of streaming) {
      const entry = times.get(variant.name) as { first: number[]; total: number[] };
      for (let i = 0; i < perRound; i++) {
        setReply();
        const start = performance.now();
        let firstAt = Number.NaN;
        await variant.run(() => {
          firstAt = performance.now();
        });
        entry.first.push(firstAt - start);
        entry.total.push(performance.now() - start);
      }
    }
  }
  return times;
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const format = (ms: number) => ms.toFixed(3);

const callTimes = await measureCalls();
const baseline = callTimes.get("raw fetch (baseline)") as number[];
const baseMean = mean(baseline);
const baseMedian = median(baseline);
console.log(
  `Non-streaming, ${perRound * rounds} sequential calls per variant after 200 warm-up calls (Node ${process.versions.node}):\n`,
);
console.log("| variant | mean ms/call | median ms/call | added over raw fetch (mean) | ratio to raw fetch |");
console.log("|---|---|---|---|---|");
for (const [name, list] of callTimes) {
  const m = mean(list);
  console.log(
    `| ${name} | ${format(m)} | ${format(median(list))} | ${format(m - baseMean)} | ${(m / baseMean).toFixed(2)}× |`,
  );
}
const complete = callTimes.get("llm.complete") as number[];
const generate = callTimes.get("AI SDK generateText") as number[];
const doGenerate = callTimes.get("provider doGenerate") as number[];
console.log(
  `\nllm.complete over generateText: ${format(mean(complete) - mean(generate))} ms mean; over doGenerate: ${format(mean(complete) - mean(doGenerate))} ms mean; medians over raw fetch: ${format(median(complete) - baseMedian)} ms.`,
);

const streamTimes = await measureStreams();
const streamBase = streamTimes.get("raw fetch stream (baseline)") as { first: number[]; total: number[] };
console.log(
  `\nStreaming (${perRound * rounds} calls per variant), time to first text delta and to the end of the stream:\n`,
);
console.log(
  "| variant | first delta, median ms | added over raw (median) | end of stream, median ms | added over raw (median) |",
);
console.log("|---|---|---|---|---|");
for (const [name, entry] of streamTimes) {
  console.log(
    `| ${name} | ${format(median(entry.first))} | ${format(median(entry.first) - median(streamBase.first))} | ${format(median(entry.total))} | ${format(median(entry.total) - median(streamBase.total))} |`,
  );
}
await upstream.close();
