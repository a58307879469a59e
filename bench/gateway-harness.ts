/**
 * The gateway benchmark's machinery: the processes it starts (pinned with taskset), the requests it
 * sends (a Node client for cold start and first byte, wrk for latency and throughput), and one row's
 * measurement of a target.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { request } from "undici";
import { median } from "./measure.ts";

/** The repository's root. */
export const root = resolve(import.meta.dirname, "..");
/** Each wrk run's length in seconds (GATEWAY_BENCH_SECONDS). */
export const seconds = Number(process.env.GATEWAY_BENCH_SECONDS ?? "3");
const cores = availableParallelism();
/** The core every gateway is pinned to. */
export const gatewayCore = String(cores > 1 ? 1 : 0);
/** The core the upstream, wrk and redis-server share. */
export const sharedCore = "0";

/** The benchmark's prompt, one user message. */
export const messages = [{ role: "user", content: "Say hello to the benchmark in a short sentence." }];

/** One thing measured: where to send, with which headers and body, and its process when it has one. */
export interface Target {
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

/** A free port on loopback. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** A Node process pinned to a core. */
export function pinned(core: string, args: string[], cwd = root): ChildProcess {
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
export async function waitUntilAnswering(target: Target, started: number): Promise<number> {
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

/** What wrk measured: requests per second and latency percentiles in ms. */
export interface WrkResult {
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

/** One target's row of the table. */
export interface Row {
  name: string;
  coldStartMs?: number | undefined;
  one: WrkResult;
  many: WrkResult;
  streamOne: WrkResult;
  streamMany: WrkResult;
  firstByteMs: number;
  rssMb?: number | undefined;
}

/** Measures a target: cold start (when `started` is given), wrk runs, peak RSS, first byte. */
export async function measure(target: Target, started: number | undefined): Promise<Row> {
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
export function startRedis(port: number, dir: string): Promise<ChildProcess> {
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

/** Kills a child process and waits for it to exit. */
export async function stop(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.exitCode !== null) return;
  const exited = new Promise((done) => child.once("close", done));
  child.kill("SIGKILL");
  await exited;
}
