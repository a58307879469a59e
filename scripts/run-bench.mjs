// Builds dist/ (the whole-process benchmarks run the compiled CLI), then runs every bench/*.bench.ts
// in turn, or only those named on the command line.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "./build.mjs";

const status = await build();
if (status !== 0) process.exit(status);
const only = process.argv.slice(2);
const files =
  only.length > 0
    ? only
    : readdirSync("bench")
        .filter((name) => name.endsWith(".bench.ts"))
        .sort()
        .map((name) => join("bench", name));
for (const file of files) {
  console.log(`\n## ${file}\n`);
  const result = spawnSync(process.execPath, ["--import", "tsx", file], { stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
