// Builds dist/ in two steps. tsc compiles src/ but the CLI, one file per module: the library that
// package.json "exports" points at (dist/index.js, dist/ai-sdk/index.js) with its .d.ts files. Then
// esbuild bundles the CLI into dist/cli/, because start-up pays for every file Node opens: the entry
// dist/cli/bin.js ("bin") holds what every command needs, and each lazily imported command becomes its
// own chunk in dist/cli/chunks/.
// Third-party packages stay external, so their lazy imports and JSON data still resolve in node_modules.
import { spawnSync } from "node:child_process";
import { chmodSync, rmSync } from "node:fs";
import { relative, resolve } from "node:path";
import { build as esbuild } from "esbuild";

const entry = "dist/cli/bin.js";

/**
 * Modules the CLI shares with a custom agent's module (`[agent.X] classpath`), which imports the
 * library: a tool's ToolError or WorkspaceEscapeError is recognised by its class, so the bundle imports
 * the library's own copy (through package.json "imports") instead of holding a second class.
 */
const SHARED_MODULES = {
  "src/agents/tools/tool.ts": "#agents/tools/tool",
  "src/agents/workspace.ts": "#agents/workspace",
};

/** The esbuild plugin that leaves {@link SHARED_MODULES} to the library. */
const shareLibraryModules = {
  name: "share-library-modules",
  setup(plugin) {
    plugin.onResolve({ filter: /\.ts$/ }, (args) => {
      const file = relative(process.cwd(), resolve(args.resolveDir, args.path)).replaceAll("\\", "/");
      const shared = SHARED_MODULES[file];
      return shared === undefined ? undefined : { path: shared, external: true };
    });
  },
};

/** Compiles src/ to dist/ with tsc; returns its exit status. */
function compile() {
  const result = spawnSync(
    process.execPath,
    ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"],
    {
      stdio: "inherit",
    },
  );
  return result.status ?? 1;
}

/** Bundles the CLI into dist/cli/bin.js and its chunks; resolves to 0, or 1 after saying what went wrong. */
async function bundle() {
  // Chunk names carry a content hash, and older builds left tsc's files here: clear dist/cli/ so
  // only the bundle is shipped.
  rmSync("dist/cli", { recursive: true, force: true });
  const result = await esbuild({
    entryPoints: { bin: "src/cli/bin.ts" },
    outdir: "dist/cli",
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    metafile: true,
    logLevel: "warning",
    plugins: [shareLibraryModules],
  });
  // main.ts reads ../../package.json from its own URL, which is right only from dist/cli/.
  const inputs = Object.keys(result.metafile.outputs[entry]?.inputs ?? {});
  if (!inputs.includes("src/cli/main.ts")) {
    console.error(`build: src/cli/main.ts is not in ${entry}: --version would not find package.json`);
    return 1;
  }
  // npx and a global install run the bin directly; esbuild keeps bin.ts's shebang but sets no mode bit.
  chmodSync(entry, 0o755);
  return 0;
}

/** Builds dist/ (the library, then the CLI bundle); resolves to the exit status. */
export async function build() {
  const status = compile();
  if (status !== 0) return status;
  try {
    return await bundle();
  } catch {
    // esbuild has already printed its errors.
    return 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(await build());
