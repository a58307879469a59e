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
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { request } from "undici";
import { median } from "./measure.ts";

const root = resolve(import.meta.dirname, "..");
const seconds = Number(process.env.GATEWAY_BENCH_SECONDS ?? "3");
const selected = (
  process.env.GATEWAY_BENCH_TARGETS ?? "direct,minimal,llmconf,llmconf-ledger,llmconf-redis,portkey"
).split(",");
const cores = availableParallelism();
const gatewayCore = String(cores > 1 ? 1 : 0);
const sharedCore = "0";
const portkeyEntry = join(root, "node_modules/@portkey-ai/gateway/build/start-server.js");

const messages = [{ role: "user", content: "Say hello to the benchmark in a short sentence." }];

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  model: string;
  /** The request body; @default a chat-completions body */
  body?: (stream: boolean) => Record<string, unknown>;
  process?: ChildProcess;
}

const bodyOf = (target: Target, stream: boolean) =>
  target.body?.(stream) ?? { model: target.model, messages, stream };

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function pinned(core: string, args: string[], cwd = root): ChildProcess {
  return spawn("taskset", ["-c", core, process.execPath, ...args], {
    cwd,
    stdio: ["ignore", "ignore", "ignore"],
  });
}

async function ask(
  target: Target,
  stream: boolean,
  retried = false,
): Promise<{ status: number; firstByteMs: number }> {
  try {
    return await askOnce(target, stream);
  } catch (error) {
    // A kept-alive connection the server closed while idle (its timer and the client's race on a
    // loaded machine): the request never reached the server, so asking again is the same request.
    if (retried || (error as { code?: unknown }).code !== "UND_ERR_SOCKET") throw error;
    return ask(target, stream, true);
  }
}

async function askOnce(target: Target, stream: boolean): Promise<{ status: number; firstByteMs: number }> {
  const started = performance.now();
  const response = await request(target.url, {
    method: "POST",
    headers: { "content-type": "application/json", ...target.headers },
    body: JSON.stringify(bodyOf(target, stream)),
  });
  let firstByteMs = 0;
  for await (const _chunk of response.body) if (firstByteMs === 0) firstByteMs = performance.now() - started;
  return { status: response.statusCode, firstByteMs };
}

/** Spawn → first 200, polling every 2 ms. */
async function waitUntilAnswering(target: Target, started: number): Promise<number> {
  for (;;) {
    try {
      if ((await ask(target, false)).status === 200) return performance.now() - started;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 2));
    if (performance.now() - started > 30_000) throw new Error(`${target.name} did not answer within 30 s`);
  }
}

interface WrkResult {
  rps: number;
  p50: number;
  p99: number;
}

function toMs(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === "us"
    ? value / 1000
    : match[2] === "ms"
      ? value
      : match[2] === "s"
        ? value * 1000
        : value * 60_000;
}

function wrk(target: Target, connections: number, stream: boolean, duration = seconds): WrkResult {
  const result = spawnSync(
    "taskset",
    [
      "-c",
      sharedCore,
      "wrk",
      "-t1",
      `-c${connections}`,
      `-d${duration}s`,
      "--latency",
      // wrk's default 2 s timeout drops every request of a slower path at 64 connections on a loaded box.
      "--timeout",
      "10s",
      "-s",
      join(root, "bench/wrk-post.lua"),
      target.url,
    ],
    {
      encoding: "utf8",
      env: {
        ...process.env,
        WRK_BODY: JSON.stringify(bodyOf(target, stream)),
        WRK_HEADERS: Object.entries(target.headers)
          .map(([name, value]) => `${name}: ${value}`)
          .join("\n"),
      },
    },
  );
  const out = result.stdout;
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out);
  if (errors) throw new Error(`${target.name}: ${errors[1]} error responses under wrk`);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? Number.NaN),
    p50: toMs(/^\s+50%\s+(\S+)/m.exec(out)?.[1] ?? ""),
    p99: toMs(/^\s+99%\s+(\S+)/m.exec(out)?.[1] ?? ""),
  };
}

function peakRssMb(child: ChildProcess | undefined): number | undefined {
  if (child?.pid === undefined) return undefined;
  const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1]);
  return kb / 1024;
}

async function firstByteP50(target: Target, runs = 200): Promise<number> {
  for (let index = 0; index < 20; index++) await ask(target, true);
  const times: number[] = [];
  for (let index = 0; index < runs; index++) times.push((await ask(target, true)).firstByteMs);
  return median(times);
}

interface Row {
  name: string;
  coldStartMs?: number | undefined;
  one: WrkResult;
  many: WrkResult;
  streamOne: WrkResult;
  streamMany: WrkResult;
  firstByteMs: number;
  rssMb?: number | undefined;
}

async function measure(target: Target, started: number | undefined): Promise<Row> {
  const coldStartMs = started === undefined ? undefined : await waitUntilAnswering(target, started);
  wrk(target, 16, false, 1);
  const one = wrk(target, 1, false);
  const many = wrk(target, 64, false);
  const streamOne = wrk(target, 1, true);
  const streamMany = wrk(target, 64, true);
  const rssMb = peakRssMb(target.process);
  const firstByteMs = await firstByteP50(target);
  return { name: target.name, coldStartMs, one, many, streamOne, streamMany, firstByteMs, rssMb };
}

/** redis-server on the shared core, without persistence, once it accepts connections. */
function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn(
    "taskset",
    [
      "-c",
      sharedCore,
      "redis-server",
      "--port",
      String(port),
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
    ],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  let output = "";
  return new Promise((done, fail) => {
    child.stdout?.on("data", (chunk) => {
      output += chunk;
      if (output.includes("Ready to accept connections")) done(child);
    });
    child.once("exit", (code) => fail(new Error(`redis-server exited (${code}):\n${output}`)));
  });
}

async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((done) => child.once("close", done));
  child.kill("SIGKILL");
  await exited;
}

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

    if (selected.includes("minimal")) {
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
        rows.push(await measure(target, started));
      } finally {
        await stop(child);
      }
    }

    // llmconf alone, then with a budgeted key on the local ledger and on Redis (reserve-then-settle per request).
    const budgeted = `\n[gateway]\nkeys = [{ key = "sk-bench-key-0001", name = "bench", max_budget = 1000000 }]\n`;
    const llmconfTargets = [
      { id: "llmconf", name: "llmconf serve", gateway: "" },
      { id: "llmconf-ledger", name: "llmconf serve, key budget, local ledger", gateway: budgeted },
      { id: "llmconf-redis", name: "llmconf serve, key budget, redis_url", gateway: budgeted, redis: true },
    ];
    for (const variant of llmconfTargets) {
      if (!selected.includes(variant.id)) continue;
      let redis: ChildProcess | undefined;
      let gateway = variant.gateway;
      const dir = mkdtempSync(join(tmpdir(), "llmconf-gateway-bench-"));
      if (variant.redis) {
        if (spawnSync("redis-server", ["--version"]).error) {
          console.log("redis-server is not installed (apt-get install redis-server); skipping the Redis row");
          continue;
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
      const child = pinned(
        gatewayCore,
        [join(root, "dist/cli/bin.js"), "serve", "--port", String(port)],
        dir,
      );
      const target = {
        name: variant.name,
        url: `http://127.0.0.1:${port}/v1/chat/completions`,
        headers: variant.gateway === "" ? {} : { authorization: "Bearer sk-bench-key-0001" },
        model: "gpt3",
        process: child,
      };
      // The Responses API on the same process: translated through the runtime (no fast path).
      const responses: Target = {
        ...target,
        name: "llmconf serve /v1/responses",
        url: `http://127.0.0.1:${port}/v1/responses`,
        body: (stream) => ({ model: "gpt3", input: messages[0]?.content, stream }),
      };
      // Anthropic Messages on the same process: translated both ways through the runtime.
      const anthropicMessages: Target = {
        ...target,
        name: "llmconf serve /v1/messages",
        url: `http://127.0.0.1:${port}/v1/messages`,
        headers: { "anthropic-version": "2023-06-01" },
        body: (stream) => ({ model: "gpt3", max_tokens: 64, messages, stream }),
      };
      try {
        rows.push(await measure(target, started));
        // The translated dialects once, on the process without keys.
        if (variant.id === "llmconf") {
          rows.push(await measure(responses, undefined));
          rows.push(await measure(anthropicMessages, undefined));
        }
      } finally {
        await stop(child);
        await stop(redis);
      }
    }

    if (selected.includes("portkey")) {
      if (!existsSync(portkeyEntry)) console.log("@portkey-ai/gateway is not installed; skipping it");
      else {
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
          rows.push(await measure(target, started));
        } finally {
          await stop(child);
        }
      }
    }
  } finally {
    await stop(upstreamProcess);
  }
  report(rows);
}

const ms = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? "–" : value.toFixed(2);
const plus = (value: number, base: number | undefined) =>
  base === undefined ? "–" : `+${(value - base).toFixed(2)}`;

function report(rows: readonly Row[]) {
  const base = rows.find((row) => row.name === "upstream directly");
  console.log(
    `Each gateway pinned to core ${gatewayCore}; upstream and wrk share core ${sharedCore}; wrk runs of ${seconds} s; times in ms.\n`,
  );
  console.log(
    "| target | p50 @1 | added p50 | p99 @1 | added p99 | req/s @64 | p99 @64 | stream p50 @1 | stream req/s @64 | first byte p50 | added first byte | peak RSS MB | cold start ms |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${ms(row.one.p50)} | ${row === base ? "–" : plus(row.one.p50, base?.one.p50)} | ${ms(row.one.p99)} | ${row === base ? "–" : plus(row.one.p99, base?.one.p99)} | ${Math.round(row.many.rps)} | ${ms(row.many.p99)} | ${ms(row.streamOne.p50)} | ${Math.round(row.streamMany.rps)} | ${ms(row.firstByteMs)} | ${row === base ? "–" : plus(row.firstByteMs, base?.firstByteMs)} | ${row.rssMb === undefined ? "–" : row.rssMb.toFixed(0)} | ${ms(row.coldStartMs)} |`,
    );
  }
  const find = (prefix: string) => rows.find((row) => row.name.startsWith(prefix));
  const llmconf = rows.find((row) => row.name === "llmconf serve");
  const responses = find("llmconf serve /v1/responses");
  const anthropicMessages = find("llmconf serve /v1/messages");
  const ledger = find("llmconf serve, key budget, local");
  const redis = find("llmconf serve, key budget, redis");
  if (ledger && redis)
    console.log(
      `\nBudgets in Redis / in the local ledger, throughput at 64 connections: ${(redis.many.rps / ledger.many.rps).toFixed(2)}× (streaming ${(redis.streamMany.rps / ledger.streamMany.rps).toFixed(2)}×); added p50 at 1 connection: ${plus(redis.one.p50, ledger.one.p50)} ms`,
    );
  const minimal = find("minimal");
  const portkey = find("Portkey");
  if (llmconf && minimal)
    console.log(
      `\nllmconf / minimal proxy throughput at 64 connections: ${(llmconf.many.rps / minimal.many.rps).toFixed(2)}× (streaming ${(llmconf.streamMany.rps / minimal.streamMany.rps).toFixed(2)}×)`,
    );
  if (llmconf && responses)
    console.log(
      `/v1/responses (translated) against chat completions (fast path), same process: p50 @1 +${(responses.one.p50 - llmconf.one.p50).toFixed(2)} ms, throughput at 64 connections ${(responses.many.rps / llmconf.many.rps).toFixed(2)}× (streaming ${(responses.streamMany.rps / llmconf.streamMany.rps).toFixed(2)}×)`,
    );
  if (llmconf && anthropicMessages)
    console.log(
      `/v1/messages (translated) against chat completions (fast path), same process: p50 @1 +${(anthropicMessages.one.p50 - llmconf.one.p50).toFixed(2)} ms, throughput at 64 connections ${(anthropicMessages.many.rps / llmconf.many.rps).toFixed(2)}× (streaming ${(anthropicMessages.streamMany.rps / llmconf.streamMany.rps).toFixed(2)}×)`,
    );
  if (llmconf && portkey)
    console.log(
      `llmconf / Portkey throughput at 64 connections: ${(llmconf.many.rps / portkey.many.rps).toFixed(1)}× (streaming ${(llmconf.streamMany.rps / portkey.streamMany.rps).toFixed(1)}×)`,
    );
}

await main();
