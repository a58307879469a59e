// Spawns the built CLI as a user runs it. Asynchronous on purpose: tests that serve a fake upstream
// from their own process must keep answering while the CLI runs.
import { type ChildProcess, spawn } from "node:child_process";
import { join, resolve } from "node:path";

/** The repository root. */
export const root = resolve(import.meta.dirname, "..");

/** The compiled executable (built by scripts/run-tests.mjs before any test runs). */
export const bin = join(root, "dist/cli/bin.js");

/** What a CLI run printed, and its exit code. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `llmconf ARGS` with a minimal environment (HOME points nowhere, so no user files are read). */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return runNode([bin, ...args], options);
}

/** How `runCli` and `runNode` start the child. */
export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  stdin?: string;
  /** Called with the running child, to signal it (SIGINT) while it works. */
  onSpawn?: (child: ChildProcess) => void;
}

/** Runs `node ARGS` (a script and its arguments) with the same minimal environment as `runCli`. */
export function runNode(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [...args], {
      cwd: options.cwd ?? root,
      env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", ...options.env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? "");
    options.onSpawn?.(child);
  });
}
