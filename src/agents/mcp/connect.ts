/**
 * Opening one MCP server with the official SDK client: a process (on the host or inside the sandbox),
 * Streamable HTTP or SSE; then `initialize` and `tools/list`, all within a start bound. A server that
 * cannot be opened is an `McpStartError` whose message says why in the user's terms (command not
 * found, exited with code 3 and what it printed, no answer within 30 s, HTTP 401, …).
 */
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult, Tool as McpToolInfo } from "@modelcontextprotocol/sdk/types.js";
import { redactSecrets } from "../../config/secrets.ts";
import type { SpawnPlan } from "../shell/sandbox.ts";
import { ProcessTransport } from "./process-transport.ts";
import type { McpServerEntry } from "./server-entries.ts";

export type { CallToolResult, McpToolInfo };

/** A server that could not be opened; `message` says why (no secrets in it). */
export class McpStartError extends Error {
  override name = "McpStartError";
}

/** An open server: its tools, and a way to call them. */
export interface McpConnection {
  readonly entry: McpServerEntry;
  readonly tools: readonly McpToolInfo[];
  /** The server process (the sandbox's, when confined); `undefined` for HTTP servers. */
  readonly pid: number | undefined;
  /** Why the server can no longer be used (it died), or `undefined` while it can. */
  readonly failure: string | undefined;
  callTool(
    name: string,
    args: Record<string, unknown>,
    options: { signal: AbortSignal; timeoutMs: number },
  ): Promise<CallToolResult>;
  /** Stops the server (bounded); calling it again does nothing. */
  close(): Promise<void>;
}

/** What opening a server needs from the run. */
export interface ConnectOptions {
  /** Where a stdio server starts: the workspace. */
  readonly cwd: string;
  /** The environment the server's `PATH`, `HOME`, … come from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `[sandbox] runtime_startup_env_vars`: set for a stdio server as for agent commands (its own `env` wins). */
  readonly startupEnv?: Readonly<Record<string, string>> | undefined;
  /** Runs a stdio server confined (the sandbox's `wrapArgv`); on the host when absent. */
  readonly wrapArgv?: ((argv: readonly string[], cwd: string) => SpawnPlan) | undefined;
  /** The bound of starting, `initialize` and `tools/list` together. */
  readonly startTimeoutMs: number;
  /** Ctrl-C. */
  readonly signal: AbortSignal;
  /** Values never to show (api keys, env values), redacted from anything the server printed. */
  readonly secrets: readonly string[];
  /** Called once if the server dies after it was opened, with why. */
  readonly onDeath: (reason: string) => void;
}

/** What a stdio server inherits from llmconf's environment, as the SDK's own stdio transport does. */
const INHERITED_ENV = ["HOME", "LOGNAME", "PATH", "SHELL", "TERM", "USER"];
const CLIENT_INFO = { name: "llmconf", version: "0.1.0" };
const CLOSE_BOUND_MS = 3_000;

/** The SDK, loaded on first use so that runs without MCP servers never load it. */
function loadSdk() {
  return Promise.all([
    import("@modelcontextprotocol/sdk/client/index.js"),
    import("@modelcontextprotocol/sdk/shared/stdio.js"),
  ]);
}

/** The headers OpenHands sends with an `api_key`: the bearer token and the two session headers. */
export function authHeaders(apiKey: string | null): Record<string, string> {
  if (apiKey === null || apiKey === "") return {};
  return { Authorization: `Bearer ${apiKey}`, s: apiKey, "X-Session-API-Key": apiKey };
}

function stdioEnvironment(
  entry: Extract<McpServerEntry, { transport: "stdio" }>,
  env: ConnectOptions["env"],
  startupEnv: ConnectOptions["startupEnv"],
): Record<string, string> {
  const inherited: Record<string, string> = {};
  for (const name of INHERITED_ENV) {
    const value = env[name];
    // Exported shell functions are code, not settings.
    if (value !== undefined && !value.startsWith("()")) inherited[name] = value;
  }
  // The user's variables for the run's processes, then the server's own, which knows best what it needs.
  return { ...inherited, ...startupEnv, ...entry.env };
}

async function createTransport(
  entry: McpServerEntry,
  options: ConnectOptions,
): Promise<{ transport: Transport; process?: ProcessTransport }> {
  if (entry.transport === "stdio") {
    const [, framing] = await loadSdk();
    const argv = [entry.command, ...entry.args];
    const plan = options.wrapArgv
      ? options.wrapArgv(argv, options.cwd)
      : { file: entry.command, args: [...entry.args] };
    const process = new ProcessTransport(
      { ...plan, cwd: options.cwd, env: stdioEnvironment(entry, options.env, options.startupEnv) },
      framing,
    );
    return { transport: process, process };
  }
  const requestInit = { headers: authHeaders(entry.apiKey) };
  if (entry.transport === "shttp") {
    const { StreamableHTTPClientTransport } = await import(
      "@modelcontextprotocol/sdk/client/streamableHttp.js"
    );
    return { transport: new StreamableHTTPClientTransport(new URL(entry.url), { requestInit }) };
  }
  const { SSEClientTransport } = await import("@modelcontextprotocol/sdk/client/sse.js");
  return { transport: new SSEClientTransport(new URL(entry.url), { requestInit }) };
}

/** How a process ended, in words: `exited with code 3`, `was killed by SIGKILL`. */
function describeExit(process: ProcessTransport): string | undefined {
  const exit = process.exit;
  if (exit === undefined) return undefined;
  return exit.signal !== null ? `was killed by ${exit.signal}` : `exited with code ${exit.code ?? "unknown"}`;
}

/** Text from a server as it may reach a terminal: control characters (escape sequences) blanked. */
function printable(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: blanking control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ");
}

/** The last few lines a server printed on stderr, redacted and cut, for a message. */
function stderrExcerpt(process: ProcessTransport | undefined, secrets: readonly string[]): string {
  const lines = redactSecrets(process?.stderrTail ?? "", secrets)
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  if (lines.length === 0) return "";
  // A crash prints a stack after its message (Node: the error line, frames, then "Node.js v20…"):
  // the line naming the error says more than the last lines.
  const errorLine = lines.find((line) => /error|exception|cannot|not found|denied|refus/i.test(line));
  const text = printable(errorLine ?? lines.slice(-3).join(" | "));
  return `; its stderr: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}`;
}

/** Why a server did not open, from the error and what its process did. */
function describeStartFailure(
  error: unknown,
  entry: McpServerEntry,
  options: ConnectOptions,
  process: ProcessTransport | undefined,
  timedOut: boolean,
): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (entry.transport === "stdio" && (code === "ENOENT" || code === "EACCES")) {
    return code === "ENOENT"
      ? `command "${entry.command}" was not found (not on PATH, or the path does not exist)`
      : `command "${entry.command}" cannot be executed (permission denied)`;
  }
  if (timedOut)
    return `it did not answer initialize and tools/list within ${options.startTimeoutMs / 1000} s`;
  const exit = process === undefined ? undefined : describeExit(process);
  if (exit !== undefined)
    return `its process ${exit} before it answered${stderrExcerpt(process, options.secrets)}`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message;
  const message = (error as Error).message ?? String(error);
  return printable(
    redactSecrets(`${message}${detail && !message.includes(detail) ? ` (${detail})` : ""}`, options.secrets),
  );
}

/**
 * Opens one server and lists its tools; throws `McpStartError` saying why when it cannot.
 * @example const server = await connectMcpServer(entry, { cwd, env, startTimeoutMs: 30_000, signal, secrets: [], onDeath });
 */
export async function connectMcpServer(
  entry: McpServerEntry,
  options: ConnectOptions,
): Promise<McpConnection> {
  const [{ Client: ClientClass }] = await loadSdk();
  let opened: Awaited<ReturnType<typeof createTransport>>;
  try {
    opened = await createTransport(entry, options);
  } catch (error) {
    throw new McpStartError(describeStartFailure(error, entry, options, undefined, false));
  }
  const { transport, process } = opened;
  const client: Client = new ClientClass(CLIENT_INFO, { capabilities: {} });
  const deadline = AbortSignal.timeout(options.startTimeoutMs);
  const signal = AbortSignal.any([options.signal, deadline]);
  const tools: McpToolInfo[] = [];
  // Set before closing starts: the SDK reports our own close through the same `onclose`.
  let stopping = false;
  let closing: Promise<void> | undefined;
  const close = () => {
    stopping = true;
    closing ??= Promise.race([
      client.close().catch(() => {}),
      new Promise<void>((resolve) => setTimeout(resolve, CLOSE_BOUND_MS).unref()),
    ]).then(() => process?.close());
    return closing;
  };
  try {
    await abortable(client.connect(transport, { signal, timeout: options.startTimeoutMs }), signal);
    let cursor: string | undefined;
    do {
      const page = await client.listTools(cursor === undefined ? undefined : { cursor }, {
        signal,
        timeout: options.startTimeoutMs,
      });
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor !== undefined && tools.length < 10_000);
  } catch (error) {
    // Let a process that exited report it before the message is written.
    if (process !== undefined && process.exit === undefined) await new Promise((r) => setTimeout(r, 50));
    const reason = options.signal.aborted
      ? "interrupted (Ctrl-C) while it started"
      : describeStartFailure(error, entry, options, process, deadline.aborted);
    await close();
    throw new McpStartError(reason);
  }
  let failure: string | undefined;
  client.onclose = () => {
    if (stopping || failure !== undefined) return;
    failure =
      process === undefined
        ? "the connection to it closed"
        : `its process ${describeExit(process) ?? "ended"}${stderrExcerpt(process, options.secrets)}`;
    options.onDeath(failure);
  };
  return {
    entry,
    tools,
    pid: process?.pid,
    get failure() {
      return failure;
    },
    async callTool(name, args, callOptions) {
      const result = await client.callTool({ name, arguments: args }, undefined, {
        signal: callOptions.signal,
        timeout: callOptions.timeoutMs,
      });
      return result as CallToolResult;
    },
    close,
  };
}

/** A promise that rejects as soon as `signal` aborts (the SDK's `connect` may wait on a transport). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
