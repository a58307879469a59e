/**
 * The stdio transport of a local MCP server: the SDK's wire framing (one JSON-RPC message per line,
 * `ReadBuffer` / `serializeMessage`) over a child process that llmconf owns. Unlike the SDK's
 * `StdioClientTransport`, the server runs in its own process group, so closing it (or Ctrl-C, or
 * llmconf exiting) kills every process it started — an `npx` or `uvx` launcher and the real server
 * behind it alike — and the program may be the sandbox's (`bwrap … -- node server.js`). Its stderr is
 * kept (the tail only) to say why a server would not start or died.
 */
import { type ChildProcess, spawn } from "node:child_process";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { killGroupsAtExit } from "./exit-guard.ts";

/** What to start: a program, its arguments, where and with which environment. */
export interface ProcessPlan {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/** How a server process ended: its exit code or the signal that killed it. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** How long `close` waits for the server to leave on its own (stdin closed), then after SIGTERM. */
const GRACE_MS = 1_000;
/** The stderr kept for messages, in characters (the tail). */
const STDERR_TAIL = 2_000;

/** The framing helpers, loaded with the SDK (never at start-up when no server is configured). */
type Framing = typeof import("@modelcontextprotocol/sdk/shared/stdio.js");

/** Kills a process group; one that has gone already is not an error. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing of the group is left.
  }
}

/** A `Transport` over a server process in its own process group. */
export class ProcessTransport implements Transport {
  onclose?: (() => void) | undefined;
  onerror?: ((error: Error) => void) | undefined;
  onmessage?: ((message: JSONRPCMessage) => void) | undefined;
  private child: ChildProcess | undefined;
  private stderr = "";
  private exited: ProcessExit | undefined;
  private readonly exitPromise: Promise<void>;
  private markExited: () => void = () => {};
  private readonly buffer: InstanceType<Framing["ReadBuffer"]>;

  constructor(
    private readonly plan: ProcessPlan,
    private readonly framing: Framing,
  ) {
    this.buffer = new framing.ReadBuffer();
    this.exitPromise = new Promise((resolve) => {
      this.markExited = resolve;
    });
  }

  /** The server's pid (the sandbox's, when it runs confined), once started. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** How the process ended, or `undefined` while it runs. */
  get exit(): ProcessExit | undefined {
    return this.exited;
  }

  /** The last lines the server wrote to stderr. */
  get stderrTail(): string {
    return this.stderr.trim();
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.plan.file, [...this.plan.args], {
        cwd: this.plan.cwd,
        env: this.plan.env,
        // Its own process group: closing kills every process the server started.
        detached: true,
        stdio: ["pipe", "pipe", "pipe"],
      });
      this.child = child;
      // `on`, not `once`: a second error event without a listener would crash llmconf.
      child.on("error", (error) => {
        if (this.exited !== undefined) return;
        this.finish({ code: null, signal: null });
        reject(error);
      });
      child.once("spawn", () => {
        if (child.pid !== undefined) killGroupsAtExit.add(child.pid);
        resolve();
      });
      child.once("exit", (code, signal) => {
        this.exited = { code, signal };
        // A server's background helpers would outlive it: the group goes with it.
        if (child.pid !== undefined) killGroup(child.pid, "SIGKILL");
      });
      child.once("close", () => this.finish(this.exited ?? { code: null, signal: null }));
      child.stdout?.on("data", (chunk: Buffer) => {
        this.buffer.append(chunk);
        this.readMessages();
      });
      child.stderr?.setEncoding("utf8").on("data", (chunk: string) => {
        this.stderr = (this.stderr + chunk).slice(-STDERR_TAIL);
      });
      // A pipe error (writing to a server that has just died) is reported by `exit`, never thrown.
      for (const stream of [child.stdin, child.stdout, child.stderr]) stream?.on("error", () => {});
    });
  }

  private readMessages(): void {
    for (;;) {
      let message: JSONRPCMessage | null;
      try {
        message = this.buffer.readMessage();
      } catch (error) {
        // A line that is not JSON-RPC (a server logging to stdout): reported, the stream goes on.
        this.onerror?.(error as Error);
        continue;
      }
      if (message === null) return;
      this.onmessage?.(message);
    }
  }

  private finish(exit: ProcessExit): void {
    if (this.child?.pid !== undefined) killGroupsAtExit.delete(this.child.pid);
    this.exited ??= exit;
    this.buffer.clear();
    this.markExited();
    this.onclose?.();
    this.onclose = undefined;
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve, reject) => {
      const stdin = this.child?.stdin;
      if (!stdin || this.exited !== undefined) {
        reject(new Error("the server process is not running"));
        return;
      }
      if (stdin.write(this.framing.serializeMessage(message))) resolve();
      else stdin.once("drain", resolve);
    });
  }

  /**
   * Stops the server: stdin closed (a well-behaved server leaves), then SIGTERM to its group, then
   * SIGKILL; bounded by two grace periods. Resolves once the process has exited.
   */
  async close(): Promise<void> {
    const child = this.child;
    if (child === undefined || child.pid === undefined || this.exited !== undefined) {
      if (child?.pid !== undefined) killGroup(child.pid, "SIGKILL");
      return;
    }
    const pid = child.pid;
    const exited = () => this.exited !== undefined;
    const wait = () =>
      Promise.race([this.exitPromise, new Promise((resolve) => setTimeout(resolve, GRACE_MS).unref())]);
    child.stdin?.end();
    await wait();
    if (!exited()) {
      killGroup(pid, "SIGTERM");
      await wait();
    }
    killGroup(pid, "SIGKILL");
    if (!exited()) await wait();
  }
}
