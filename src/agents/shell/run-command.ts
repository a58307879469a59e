/**
 * `runCommand`: one shell command for the agent's `execute_bash` tool. It runs in its own process group
 * with the workspace as cwd, is bounded by a timeout and an abort signal, and the whole group (children
 * included) is killed when either fires or when the command itself ends, so nothing outlives a call.
 * Output is kept bounded while it streams (head and tail), then middle-truncated with a note.
 */
import { spawn } from "node:child_process";
import { truncationNotice } from "../../llm/truncate.ts";

/** Turns a command into the program to start; the seam the sandbox (bubblewrap) plugs into. */
export type CommandWrapper = (command: string, cwd: string) => { file: string; args: string[] };

/** The default wrapper: the host's `bash -c`. */
export const hostBash: CommandWrapper = (command) => ({ file: "bash", args: ["-c", command] });

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  command: string;
  /** The working directory (the workspace). */
  cwd: string;
  /** Kill the command (and every process it started) after this many milliseconds. */
  timeoutMs: number;
  /** Kills the command when aborted (Ctrl-C). */
  signal?: AbortSignal | undefined;
  /** Output longer than this is cut in the middle, with a note. @default 30000 */
  maxOutputChars?: number | undefined;
  /** How the command is started. @default hostBash */
  wrap?: CommandWrapper | undefined;
  /** The command's environment. @default process.env */
  env?: Readonly<Record<string, string | undefined>> | undefined;
}

/** What became of a command. */
export interface CommandResult {
  /** The exit code; null when the command was killed by a signal. */
  exitCode: number | null;
  /** Standard output and error interleaved as they arrived, truncated to `maxOutputChars`. */
  output: string;
  /** The command outlived its timeout and was killed with its children. */
  timedOut: boolean;
  /** The abort signal fired and the command was killed with its children. */
  aborted: boolean;
  /** Characters cut out of the middle of the output (0 when nothing was cut). */
  truncatedChars: number;
  /** How long the command ran, in milliseconds. */
  durationMs: number;
}

/** Head and tail of a stream kept within a bound, so a command printing gigabytes costs no memory. */
function createBoundedText(limit: number) {
  let head = "";
  let tail = "";
  let total = 0;
  const half = Math.max(1, Math.ceil(limit / 2));
  return {
    append(chunk: string) {
      total += chunk.length;
      if (head.length < half) {
        const room = half - head.length;
        head += chunk.slice(0, room);
        chunk = chunk.slice(room);
      }
      if (chunk === "") return;
      tail = (tail + chunk).slice(-half);
    },
    /** The text, middle-cut with OpenHands' notice when it exceeded the limit, and how much was cut. */
    finish(): { text: string; cut: number } {
      const cut = total - head.length - tail.length;
      return cut <= 0 ? { text: head + tail, cut: 0 } : { text: head + truncationNotice + tail, cut };
    },
  };
}

/** Kills a whole process group; a group that has already gone is not an error. */
function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: every process of the group has exited already.
  }
}

/**
 * Runs a command in its own process group and resolves when it and its output are done; never rejects
 * for a failing command (the exit code says so), only when the program cannot be started at all.
 * @example
 * const result = await runCommand({ command: "ls -la", cwd: workspace, timeoutMs: 120_000 });
 * console.log(formatCommandResult(result, 120_000));
 */
export function runCommand(options: RunCommandOptions): Promise<CommandResult> {
  const wrap = options.wrap ?? hostBash;
  const { file, args } = wrap(options.command, options.cwd);
  const started = performance.now();
  const output = createBoundedText(options.maxOutputChars ?? 30_000);
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      resolve({
        exitCode: null,
        output: "",
        timedOut: false,
        aborted: true,
        truncatedChars: 0,
        durationMs: 0,
      });
      return;
    }
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: (options.env ?? process.env) as NodeJS.ProcessEnv,
      // Its own process group, so a timeout or Ctrl-C can kill every process the command started.
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let timedOut = false;
    let aborted = false;
    let exitCode: number | null = null;
    const onAbort = () => {
      aborted = true;
      killGroup(child.pid);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => output.append(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => output.append(chunk));
    child.once("error", (error) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      reject(error);
    });
    child.once("exit", (code) => {
      exitCode = code;
      // Background processes left behind would hold the output pipes open (and outlive the run).
      killGroup(child.pid);
    });
    child.once("close", () => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      const { text, cut } = output.finish();
      resolve({
        exitCode: timedOut || aborted ? null : exitCode,
        output: text,
        timedOut,
        aborted,
        truncatedChars: cut,
        durationMs: performance.now() - started,
      });
    });
  });
}

/** The observation an agent sees for a command: its output, then how it ended. */
export function formatCommandResult(result: CommandResult, timeoutMs: number): string {
  const notes: string[] = [];
  if (result.truncatedChars > 0) {
    notes.push(`[output truncated: ${result.truncatedChars} characters cut from the middle]`);
  }
  if (result.timedOut) {
    notes.push(
      `[command timed out after ${formatSeconds(timeoutMs)} and was killed with all its child processes]`,
    );
  } else if (result.aborted) {
    notes.push("[command interrupted: killed with all its child processes]");
  } else {
    notes.push(`[exit code ${result.exitCode ?? "unknown"}]`);
  }
  const body = result.output.endsWith("\n") || result.output === "" ? result.output : `${result.output}\n`;
  return `${body}${notes.join("\n")}`;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
