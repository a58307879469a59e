/**
 * Gateways side by side against the same fake upstream on loopback, each pinned to one core with
 * taskset (the upstream and wrk share the other): the upstream directly, a minimal node:http + undici
 * forwarding proxy (the floor for any Node gateway), `llmconf serve` (its fast path, then
 * `/v1/responses` and `/v1/messages` on the same process: translated paths) and the Portkey
 * gateway. wrk measures latency at 1 connection and throughput at 64, non-streaming and streaming; a
 * client here measures the time to the first streamed byte; /proc gives the peak RSS; cold start is
 * spawn → first answered request.
 *
 * GATEWAY_BENCH_SECONDS (default 3) sets each wrk run's length; GATEWAY_BENCH_TARGETS (comma list of
 * direct, minimal, llmconf, llmconf-ledger, llmconf-redis, portkey) selects targets. The two budget rows
 * send a key with `max_budget`, so every request reserves and settles its cost, in the local ledger or
 * in a redis-server started here. Run alone: `npm run bench bench/gateway.bench.ts`.
 */
import { type ChildProcess, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  freePort,
  gatewayCore,
  measure,
  messages,
  pinned,
  type Row,
  root,
  sharedCore,
  startRedis,
  stop,
  type Target,
  waitUntilAnswering,
} from "./gateway-harness.ts";
import { report } from "./gateway-report.ts";

const selected = (
  process.env.GATEWAY_BENCH_TARGETS ?? "direct,minimal,llmconf,llmconf-ledger,llmconf-redis,portkey"
).split(",");
const portkeyEntry = join(root, "node_modules/@portkey-ai/gateway/build/start-server.js");

/** One `llmconf serve` row: its [gateway] section, and whether it needs a redis-server. */
interface LlmconfVariant {
  id: string;
  name: string;
  gateway: string;
  redis?: boolean;
}

// llmconf alone, then with a budgeted key on the local ledger and on Redis (reserve-then-settle per request).
const budgeted = `\n[gateway]\nkeys = [{ key = "sk-bench-key-0001", name = "bench", max_budget = 1000000 }]\n`;
const llmconfVariants: LlmconfVariant[] = [
  { id: "llmconf", name: "llmconf serve", gateway: "" },
  { id: "llmconf-ledger", name: "llmconf serve, key budget, local ledger", gateway: budgeted },
  { id: "llmconf-redis", name: "llmconf serve, key budget, redis_url", gateway: budgeted, redis: true },
];

async function main() {
  if (spawnSync("wrk", ["--version"]).error) {
    console.log("wrk is not installed (apt-get install wrk); skipping the gateway benchmark");
    return;
  }
  const upstreamPort = await freePort();
  const upstreamProcess = pinned(sharedCore, ["dist/fake-upstream/main.js", "--port", String(upstreamPort)]);
  const upstreamUrl = `http://127.0.0.1:${upstreamPort}`;
  const direct: Target = {
    name: "upstream directly",
    url: `${upstreamUrl}/v1/chat/completions`,
    headers: {},
    model: "fake-model",
  };
  await waitUntilAnswering(direct, performance.now());
  const rows: Row[] = [];
  try {
    if (selected.includes("direct")) rows.push(await measure(direct, undefined));
    if (selected.includes("minimal")) rows.push(await measureMinimal(upstreamUrl));
    for (const variant of llmconfVariants)
      if (selected.includes(variant.id)) rows.push(...(await measureLlmconf(variant, upstreamUrl)));
    if (selected.includes("portkey")) rows.push(...(await measurePortkey(upstreamUrl)));
  } finally {
    await stop(upstreamProcess);
  }
  report(rows);
}

async function measureMinimal(upstreamUrl: string): Promise<Row> {
  const port = await freePort();
  const started = performance.now();
  const child = pinned(gatewayCore, ["bench/minimal-proxy.mjs", String(port), upstreamUrl]);
  const target = {
    name: "minimal node:http + undici proxy",
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: {},
    model: "fake-model",
    process: child,
  };
  try {
    return await measure(target, started);
  } finally {
    await stop(child);
  }
}

/** The rows of one `llmconf serve` variant: chat completions, and on the keyless one the translated dialects. */
async function measureLlmconf(variant: LlmconfVariant, upstreamUrl: string): Promise<Row[]> {
  let redis: ChildProcess | undefined;
  let gateway = variant.gateway;
  const dir = mkdtempSync(join(tmpdir(), "llmconf-gateway-bench-"));
  if (variant.redis) {
    if (spawnSync("redis-server", ["--version"]).error) {
      console.log("redis-server is not installed (apt-get install redis-server); skipping the Redis row");
      return [];
    }
    const redisPort = await freePort();
    redis = await startRedis(redisPort, dir);
    gateway = `${gateway}redis_url = "redis://127.0.0.1:${redisPort}"\n`;
  }
  writeFileSync(
    join(dir, "config.toml"),
    `[llm.gpt3]\nmodel = "openai/fake-model"\nbase_url = "${upstreamUrl}/v1"\napi_key = "sk-bench"\ninput_cost_per_token = 0.000001\noutput_cost_per_token = 0.000002\n${gateway}`,
  );
  const port = await freePort();
  const started = performance.now();
  const child = pinned(gatewayCore, [join(root, "dist/cli/bin.js"), "serve", "--port", String(port)], dir);
  const target = {
    name: variant.name,
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: variant.gateway === "" ? {} : { authorization: "Bearer sk-bench-key-0001" },
    model: "gpt3",
    process: child,
  };
  try {
    const rows = [await measure(target, started)];
    // The translated dialects once, on the process without keys.
    if (variant.id === "llmconf")
      for (const translated of translatedTargets(target, port))
        rows.push(await measure(translated, undefined));
    return rows;
  } finally {
    await stop(child);
    await stop(redis);
  }
}

/** The Responses API and Anthropic Messages on the same process: translated through the runtime. */
function translatedTargets(chat: Target, port: number): Target[] {
  return [
    {
      ...chat,
      name: "llmconf serve /v1/responses",
      url: `http://127.0.0.1:${port}/v1/responses`,
      body: (stream) => ({ model: "gpt3", input: messages[0]?.content, stream }),
    },
    {
      ...chat,
      name: "llmconf serve /v1/messages",
      url: `http://127.0.0.1:${port}/v1/messages`,
      headers: { "anthropic-version": "2023-06-01" },
      body: (stream) => ({ model: "gpt3", max_tokens: 64, messages, stream }),
    },
  ];
}

async function measurePortkey(upstreamUrl: string): Promise<Row[]> {
  if (!existsSync(portkeyEntry)) {
    console.log("@portkey-ai/gateway is not installed; skipping it");
    return [];
  }
  const port = await freePort();
  const started = performance.now();
  const child = pinned(gatewayCore, [portkeyEntry, `--port=${port}`]);
  const target = {
    name: "Portkey gateway",
    url: `http://127.0.0.1:${port}/v1/chat/completions`,
    headers: {
      "x-portkey-provider": "openai",
      "x-portkey-custom-host": `${upstreamUrl}/v1`,
      authorization: "Bearer sk-bench",
    },
    model: "fake-model",
    process: child,
  };
  try {
    return [await measure(target, started)];
  } finally {
    await stop(child);
  }
}

await main();
