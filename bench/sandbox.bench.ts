/**
 * Cost of confining one agent command: `bash -c true` started through bubblewrap against the same
 * command started on the host, and a small real command (`ls -la` of the workspace) the same way.
 * Sequential runs, the variants interleaved in rounds so machine noise hits them alike.
 *
 * Run: node --import tsx bench/sandbox.bench.ts [runs per variant, default 200]
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openSandbox, type SpawnPlan } from "../src/agents/shell/sandbox.ts";
import { median } from "./measure.ts";

const runs = Number(process.argv[2] ?? 200);
const rounds = 10;
const perRound = Math.max(1, Math.floor(runs / rounds));
const workspace = await mkdtemp(join(tmpdir(), "llmconf-bench-sandbox-"));
const sandbox = await openSandbox({ workspace });

function runOnce(plan: SpawnPlan): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(plan.file, plan.args, { cwd: workspace, stdio: "ignore", detached: true });
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`exit ${code}`))));
  });
}

const host = (command: string): SpawnPlan => ({ file: "bash", args: ["-c", command] });
const commands = ["true", "ls -la"];
const variants = commands.flatMap((command) => [
  { name: `host: bash -c "${command}" (baseline)`, command, plan: host(command) },
  { name: `bubblewrap: bash -c "${command}"`, command, plan: sandbox.wrapShell(command, workspace) },
]);
const times = new Map<string, number[]>(variants.map((variant) => [variant.name, []]));

for (const variant of variants) for (let i = 0; i < 5; i++) await runOnce(variant.plan);
for (let round = 0; round < rounds; round++) {
  for (const variant of variants) {
    const list = times.get(variant.name) as number[];
    for (let i = 0; i < perRound; i++) {
      const start = performance.now();
      await runOnce(variant.plan);
      list.push(performance.now() - start);
    }
  }
}

console.log(`Sequential starts, ${perRound * rounds} per variant, median wall time to exit.\n`);
console.log("| command | host (baseline) | bubblewrap | ratio | added per command |");
console.log("|---|---|---|---|---|");
for (const command of commands) {
  const [hostVariant, sandboxVariant] = variants.filter((variant) => variant.command === command);
  const hostMs = median(times.get(hostVariant?.name ?? "") ?? []);
  const sandboxMs = median(times.get(sandboxVariant?.name ?? "") ?? []);
  console.log(
    `| \`bash -c "${command}"\` | ${hostMs.toFixed(2)} ms | ${sandboxMs.toFixed(2)} ms | ${(sandboxMs / hostMs).toFixed(2)}x | ${(sandboxMs - hostMs).toFixed(2)} ms |`,
  );
}
await sandbox.close();
await rm(workspace, { recursive: true, force: true });
