// Builds dist/, then runs every *.test.ts under src/ and test/ with node:test (Node 20 has no test-file globs).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "./build.mjs";

function findTests(dir) {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".test.ts"))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

// End-to-end tests spawn the compiled CLI, so build it once, before any test runs.
const status = await build();
if (status !== 0) process.exit(status);

const only = process.argv.slice(2);
const files = only.length > 0 ? only : [...findTests("src"), ...findTests("test")];
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=2", ...files], {
  stdio: "inherit",
});
process.exit(result.status ?? 1);
