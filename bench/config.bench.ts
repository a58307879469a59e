// Config benchmarks: (1) in-process parse + validate + resolve as the file grows from 10 to 1,000 named
// LLM configs (with one agent section per five configs), against smol-toml's bare parse of the same
// text as the baseline; (2) whole-process start-up of the installed CLI (`--version`, `config check`,
// `complete` on the mock provider) against `node -e 0` in the same run.
// Run: npm run bench (or node --import tsx bench/config.bench.ts). Prints markdown tables.
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse } from "smol-toml";
import { loadConfig } from "../src/config/load.ts";
import { median, timeAsync, timeSync } from "./measure.ts";

const root = resolve(import.meta.dirname, "..");

function configText(llms: number): string {
  const parts = [
    '[core]\nmax_iterations = 50\n\n[llm]\nmodel = "gpt-4o"\napi_key = "${BENCH_KEY}"\ntemperature = 0.0\n',
  ];
  for (let i = 0; i < llms; i++) {
    parts.push(
      `[llm.config-${i}]\nmodel = "gpt-4o-mini"\ntemperature = 0.${i % 10}\nmax_output_tokens = ${1000 + i}\nnum_retries = ${1 + (i % 5)}\n`,
    );
  }
  for (let i = 0; i < llms / 5; i++) {
    parts.push(`[agent.Agent${i}]\nllm_config = "config-${i * 5}"\nenable_browsing = false\n`);
  }
  return parts.join("\n");
}

const dir = mkdtempSync(join(tmpdir(), "llmconf-bench-"));
const rows: string[] = [];
let perConfigAt10 = 0;
for (const size of [10, 100, 1000]) {
  const text = configText(size);
  const file = join(dir, `config-${size}.toml`);
  writeFileSync(file, text);
  const options = { configFile: file, env: { BENCH_KEY: "k" }, userFiles: false };
  const runs = size === 1000 ? 30 : 100;
  const load = await timeAsync(() => loadConfig(options), runs);
  const bare = timeSync(() => parse(text), runs);
  const perConfig = load / size;
  if (size === 10) perConfigAt10 = perConfig;
  rows.push(
    `| ${size} LLM + ${size / 5} agent sections | ${(text.length / 1024).toFixed(0)} KB | ${load.toFixed(2)} ms | ${bare.toFixed(2)} ms | ${(load / bare).toFixed(1)}x | ${(perConfig * 1000).toFixed(1)} µs | ${(perConfig / perConfigAt10).toFixed(2)} |`,
  );
}
console.log("### In-process loadConfig (parse + validate + resolve), median\n");
console.log(
  "| file | size | loadConfig | smol-toml parse only (baseline) | ratio | per named config | per-config cost vs 10 |",
);
console.log("|---|---|---|---|---|---|---|");
console.log(rows.join("\n"));

function wall(args: string[], runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = spawnSync(args[0] as string, args.slice(1), { cwd: root, stdio: "ignore" });
    times.push(performance.now() - start);
    if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}`);
  }
  return median(times);
}

const example = "examples/cost-optimization.toml";
const processRuns = 21;
// The installed bin (the esbuild bundle: an entry plus one chunk per command), for the cheapest
// command, the config check this benchmark is about, and a call that loads the runtime.
const commands = [
  { label: "`llmconf --version`", args: ["--version"], times: [] as number[] },
  {
    label: "`llmconf config check` (the installed bin, dist/cli/bin.js)",
    args: ["config", "check", "--config-file", example],
    times: [] as number[],
  },
  {
    label: "`llmconf complete` on the mock provider",
    args: ["complete", "--config-file", "examples/mock.toml", "hi"],
    times: [] as number[],
  },
];
// Interleave so machine noise hits every row alike.
const bare: number[] = [];
const npx: number[] = [];
for (let i = 0; i < processRuns; i++) {
  bare.push(wall([process.execPath, "-e", "0"], 1));
  for (const command of commands)
    command.times.push(wall([process.execPath, "dist/cli/bin.js", ...command.args], 1));
  if (i < 7) npx.push(wall(["npx", "llmconf", "config", "check", "--config-file", example], 1));
}
const bareMedian = median(bare);
const row = (label: string, times: number[]) =>
  `| ${label} | ${median(times).toFixed(0)} ms | ${(median(times) / bareMedian).toFixed(2)}x |`;
console.log("\n### Whole process: the installed CLI's start-up, median wall time\n");
console.log("| command | wall | ratio to `node -e 0` |");
console.log("|---|---|---|");
console.log(`| \`node -e 0\` (baseline) | ${bareMedian.toFixed(0)} ms | 1.0x |`);
for (const command of commands) console.log(row(command.label, command.times));
console.log(row("`npx llmconf config check` (npx's own start-up included)", npx));
