import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { test } from "node:test";

const llmDir = import.meta.dirname;

/** Every module of the runtime (tests excluded: they may start the fake upstream). */
function runtimeModules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return runtimeModules(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

test("no runtime module imports the fake upstream (the test server sits above the runtime)", () => {
  const offenders = runtimeModules(llmDir).filter((file) =>
    /from\s+"[^"]*fake-upstream\//.test(readFileSync(file, "utf8")),
  );
  assert.deepEqual(
    offenders.map((file) => relative(llmDir, file)),
    [],
  );
});
