// Cost of MCP tools in a run: (1) opening one stdio MCP server (spawn, initialize, tools/list) and
// closing it, through `openMcpTools`, against the same server spoken to with hand-written JSON-RPC
// lines (no client SDK) and against `node -e 0`, interleaved; (2) the client SDK's one-time import in a
// fresh process; (3) `llmconf config check` on a config with and without an [mcp] server (the SDK
// must not load). Run: npm run bench -- bench/mcp.bench.ts [rounds, default 10]. Prints markdown.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openMcpTools } from "../src/agents/mcp/open-tools.ts";
import { loadConfig } from "../src/config/load.ts";
import { median } from "./measure.ts";

const root = resolve(import.meta.dirname, "..");
const rounds = Number(process.argv[2] ?? 10);
const perRound = 3;
const server = join(root, "test/fixtures/mcp/echo-server.mjs");
const dir = mkdtempSync(join(tmpdir(), "llmconf-bench-mcp-"));
const withMcp = join(dir, "with-mcp.toml");
const withoutMcp = join(dir, "without-mcp.toml");
const base = '[core]\nruntime = "local"\n\n[llm]\nmodel = "mock/echo"\n';
writeFileSync(withoutMcp, base);
writeFileSync(
  withMcp,
  `${base}\n[mcp]\nstdio_servers = [{ name = "echo", command = ${JSON.stringify(process.execPath)}, args = [${JSON.stringify(server)}] }]\n`,
);
const config = await loadConfig({
  configFile: withMcp,
  userFiles: false,
  env: { PATH: process.env.PATH ?? "" },
});

/** Milliseconds until the tools are listed, then until the server process has gone. */
interface Timing {
  open: number;
  close: number;
}

/** Opens the server through llmconf (SDK client, own transport, tool adapters) and closes it. */
async function throughLlmconf(): Promise<Timing> {
  const start = performance.now();
  const mcp = await openMcpTools(config, {
    workspace: dir,
    onWarning: (message) => {
      throw new Error(message);
    },
  });
  if (mcp.tools.length !== 7) throw new Error(`expected 7 tools, got ${mcp.tools.length}`);
  const listed = performance.now();
  await mcp.close();
  return { open: listed - start, close: performance.now() - listed };
}

/** The same exchange by hand: initialize, initialized, tools/list as JSON lines, then stdin closed. */
function byHand(): Promise<Timing> {
  return new Promise((done, fail) => {
    const start = performance.now();
    let listed = 0;
    const child = spawn(process.execPath, [server], { stdio: ["pipe", "pipe", "ignore"] });
    let buffer = "";
    child.once("error", fail);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      buffer += chunk;
      if (buffer.includes('"id":1') && !buffer.includes('"id":2')) {
        child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })}\n`);
        child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" })}\n`);
      } else if (listed === 0 && buffer.includes('"id":2') && buffer.endsWith("\n")) {
        listed = performance.now();
        child.stdin.end();
      }
    });
    child.once("exit", () => done({ open: listed - start, close: performance.now() - listed }));
    const init = {
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "bench", version: "0" },
      },
    };
    child.stdin.write(`${JSON.stringify(init)}\n`);
  });
}

function nodeBare(): Promise<Timing> {
  return new Promise((done, fail) => {
    const start = performance.now();
    const child = spawn(process.execPath, ["-e", "0"], { stdio: "ignore" });
    child.once("error", fail);
    child.once("exit", () => done({ open: performance.now() - start, close: 0 }));
  });
}

const variants: [string, () => Promise<Timing>][] = [
  ["`node -e 0`, start to exit (floor of any Node process)", nodeBare],
  ["the server spoken to by hand: JSON lines, no client SDK (baseline)", byHand],
  ["**`openMcpTools`: one stdio server, its 7 tools as agent tools**", throughLlmconf],
];
const times = new Map<string, Timing[]>(variants.map(([name]) => [name, []]));
for (const [, run] of variants) await run();
for (let round = 0; round < rounds; round++) {
  for (const [name, run] of variants) {
    for (let i = 0; i < perRound; i++) (times.get(name) as Timing[]).push(await run());
  }
}
const medianOf = (name: string, key: keyof Timing) =>
  median((times.get(name) ?? []).map((timing) => timing[key]));
const baselineName = variants[1]?.[0] as string;
console.log(`### Opening one stdio MCP server, ${rounds * perRound} runs per variant, interleaved, median\n`);
console.log(
  "| variant | open: spawn → tools listed | ratio to baseline | close: stdin closed → process gone |",
);
console.log("|---|---|---|---|");
for (const [name] of variants) {
  const open = medianOf(name, "open");
  const close = name === variants[0]?.[0] ? "–" : `${medianOf(name, "close").toFixed(0)} ms`;
  console.log(
    `| ${name} | ${open.toFixed(0)} ms | ${(open / medianOf(baselineName, "open")).toFixed(2)}x | ${close} |`,
  );
}

function wall(args: string[], runs: number): number {
  const list: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = spawnSync(args[0] as string, args.slice(1), { cwd: root, stdio: "ignore" });
    list.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}`);
  }
  return median(list);
}
const runs = rounds * 2;
const node = process.execPath;
const bin = join(root, "dist/cli/bin.js");
const rows: [string, string[]][] = [
  ["`node -e 0` (baseline)", [node, "-e", "0"]],
  [
    "`node` importing the SDK client (`@modelcontextprotocol/sdk/client`)",
    [node, "--input-type=module", "-e", 'await import("@modelcontextprotocol/sdk/client/index.js")'],
  ],
  ["`llmconf config check`, no [mcp] server", [node, bin, "config", "check", "--config-file", withoutMcp]],
  [
    "`llmconf config check`, one [mcp] stdio server",
    [node, bin, "config", "check", "--config-file", withMcp],
  ],
];
const results = rows.map(([name]) => [name, 0] as [string, number]);
for (let round = 0; round < 2; round++) {
  for (const [index, [, args]] of rows.entries())
    (results[index] as [string, number])[1] += wall(args, runs / 2) / 2;
}
console.log(`\n### Whole process, ${runs} runs each, median\n`);
console.log("| command | wall | ratio to `node -e 0` |");
console.log("|---|---|---|");
const floor = results[0]?.[1] ?? 1;
for (const [name, ms] of results)
  console.log(`| ${name} | ${ms.toFixed(0)} ms | ${(ms / floor).toFixed(2)}x |`);
