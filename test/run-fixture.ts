// What the `llmconf run` end-to-end tests share: the fake upstream a test file talks to, a fresh
// directory holding config.toml and a workspace beside it, scripted tool calls, and what the run left
// behind (its trajectory, the observations sent back).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, beforeEach } from "node:test";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import type { Behaviour } from "../src/llm/replies/behaviours.ts";
import { bin, root } from "./run-cli.ts";

/**
 * Starts the fake upstream for the calling test file (once dist/ is built): reset before each test,
 * closed after the last.
 */
export async function useFakeUpstream(): Promise<FakeUpstream> {
  assert.ok(existsSync(join(root, "dist/cli/bin.js")), "run `npm run build` before the e2e tests");
  const upstream = await startFakeUpstream();
  after(() => upstream.close());
  beforeEach(() => upstream.reset());
  return upstream;
}

/** A run's directory: config.toml in `dir`, the workspace `repo` beside it. */
export interface RunDirectory {
  dir: string;
  workspace: string;
}

/**
 * A fresh directory (`prefix` names it in the temporary directory) with `configText` as config.toml and
 * a workspace `repo` holding `files` (paths relative to it).
 */
export function setUpRun(
  prefix: string,
  configText: string,
  files: Readonly<Record<string, string>> = {},
): RunDirectory {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), prefix)));
  const workspace = join(dir, "repo");
  mkdirSync(workspace);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(workspace, path)), { recursive: true });
    writeFileSync(join(workspace, path), text);
  }
  writeFileSync(join(dir, "config.toml"), configText);
  return { dir, workspace };
}

/** A scripted answer that calls one tool. */
export function toolCall(name: string, args: Record<string, unknown>): Behaviour {
  return { toolCalls: [{ name, arguments: args }] };
}

/** The events of the trajectory a run saved as `trajectory.json` in `dir`. */
export function trajectoryOf(dir: string): { type: string; [key: string]: unknown }[] {
  return JSON.parse(readFileSync(join(dir, "trajectory.json"), "utf8"));
}

/** The tool observations the upstream was sent in its last request. */
export function lastObservations(upstream: FakeUpstream): string[] {
  const body = upstream.requests.at(-1)?.body as { messages: { role: string; content: string }[] };
  return body.messages.filter((message) => message.role === "tool").map((message) => message.content);
}

/**
 * A config with a strong `[llm]` (gpt-4o) and a cheap `[llm.cheap]` (gpt-4o-mini), both priced and on
 * the fake upstream, commands on the host, then `extra`: what the chat tests switch between.
 */
export function strongAndCheapConfig(upstream: FakeUpstream, apiKey: string, extra = ""): string {
  const llm = (model: string, input: number) =>
    `model = "openai/${model}"\nbase_url = "${upstream.url}/v1"\napi_key = "${apiKey}"\nnum_retries = 0\ninput_cost_per_token = ${input}\noutput_cost_per_token = ${input * 2}\n`;
  return `[core]\nruntime = "local"\n\n[llm]\n${llm("gpt-4o", 0.00001)}\n[llm.cheap]\n${llm("gpt-4o-mini", 0.000001)}\n${extra}`;
}

/** A run's `--json` breakdown as `[agent, llm_config, model, calls]` rows, the bill's split at a glance. */
export function breakdownRows(output: {
  breakdown: { agent: string; llm_config: string; model: string; calls: number }[];
}): [string, string, string, number][] {
  return output.breakdown.map((row) => [row.agent, row.llm_config, row.model, row.calls]);
}

/** A `run -d repo -t wait` in `dir` left running, to interrupt: its stderr so far and its exit code. */
export interface RunningRun {
  interrupt(): void;
  stderr(): string;
  closed: Promise<number | null>;
}

/**
 * Starts `run` as a child process whose tool call is about to run, and resolves once `startedFile`
 * exists (what the tool writes when it has started), without a clock.
 */
export async function startRunUntil(dir: string, startedFile: string): Promise<RunningRun> {
  const child = spawn(process.execPath, [bin, "run", "-d", "repo", "-t", "wait"], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent" },
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const closed = new Promise<number | null>((done) => child.on("close", done));
  while (!existsSync(startedFile)) await new Promise((done) => setImmediate(done));
  return { interrupt: () => child.kill("SIGINT"), stderr: () => stderr, closed };
}
