// Spawns `llmconf serve` from the built CLI, as a user runs it, and waits for its listening line.
import { type ChildProcess, spawn } from "node:child_process";
import { bin } from "./run-cli.ts";

/** A running `llmconf serve` process. */
export interface ServeProcess {
  /** The base URL for an OpenAI SDK, ending in /v1. */
  baseURL: string;
  child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr has printed a line matching `pattern` (checked on every write). */
  waitForStderr(pattern: RegExp): Promise<void>;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts `llmconf serve --port 0` in `cwd`; rejects with its output when it exits before listening. */
export function startServe(
  cwd: string,
  args: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bin, "serve", "--port", "0", ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", ...env },
  });
  let stdout = "";
  let stderr = "";
  const waiters: { pattern: RegExp; done: () => void }[] = [];
  const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
    for (const waiter of [...waiters]) {
      if (waiter.pattern.test(stderr)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.done();
      }
    }
  });
  const waitForStderr = (pattern: RegExp) =>
    new Promise<void>((done, fail) => {
      if (pattern.test(stderr)) return done();
      waiters.push({ pattern, done });
      exited.then(() => fail(new Error(`llmconf serve exited before printing ${pattern}:\n${stderr}`)));
    });
  return waitForStderr(/listening on (\S+)/).then(() => ({
    baseURL: /listening on (\S+)/.exec(stderr)?.[1] ?? "",
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStderr,
    stop: (signal: NodeJS.Signals = "SIGTERM") => {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  }));
}
