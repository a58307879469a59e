// Compiles src/ to dist/ and marks the CLI executable: npx and a global install run dist/cli/bin.js
// directly, and tsc does not set the mode bit.
import { spawnSync } from "node:child_process";
import { chmodSync } from "node:fs";

/** Builds dist/; returns tsc's exit status. */
export function build() {
  const result = spawnSync(
    process.execPath,
    ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"],
    {
      stdio: "inherit",
    },
  );
  if (result.status === 0) chmodSync("dist/cli/bin.js", 0o755);
  return result.status ?? 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(build());
