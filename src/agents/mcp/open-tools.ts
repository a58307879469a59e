/**
 * `openMcpTools`: the `[mcp]` servers of a config opened for one run (or one chat session) — all at
 * once, each within a start bound — and their tools as agent tools. A server that cannot start, or dies
 * later, is a located warning and the run goes on without its tools. `close` stops every server (also
 * after Ctrl-C), bounded; nothing of the MCP SDK is loaded when no server is configured.
 */
import { ConfigError, formatIssue } from "../../config/issues.ts";
import type { Config } from "../../config/load.ts";
import { redactSecrets } from "../../config/secrets.ts";
import type { SpawnPlan } from "../shell/sandbox.ts";
import { delegateTool } from "../tools/delegate.ts";
import { executeBashTool } from "../tools/execute-bash.ts";
import { finishTool } from "../tools/finish.ts";
import { globTool, grepTool, viewTool } from "../tools/read-only.ts";
import { strReplaceEditorTool } from "../tools/str-replace-editor.ts";
import { thinkTool } from "../tools/think.ts";
import type { Tool } from "../tools/tool.ts";
import { connectMcpServer, type McpConnection, McpStartError } from "./connect.ts";
import { toAgentTool } from "./mcp-tool.ts";
import { hasMcpServers, listMcpServers, type McpServerEntry, mcpSecretsOf } from "./server-entries.ts";
import { assignToolNames } from "./tool-names.ts";

/** The bound of opening one server (start, `initialize`, `tools/list`), as OpenHands' connect timeout. */
export const MCP_START_TIMEOUT_MS = 30_000;

/** The names of llmconf's own tools, which MCP tools never take. */
const BUILTIN_TOOL_NAMES = [
  executeBashTool,
  strReplaceEditorTool,
  thinkTool,
  finishTool,
  delegateTool,
  viewTool,
  grepTool,
  globTool,
].map((tool) => tool.name);

/** A server that opened, as progress and trajectories show it. */
export interface OpenedMcpServer {
  readonly name: string;
  /** `[mcp] stdio_servers[0] at config.toml:12`. */
  readonly where: string;
  /** The names the agent calls its tools by. */
  readonly tools: readonly string[];
  /** Its process (the sandbox's when confined); `undefined` for HTTP servers. */
  readonly pid: number | undefined;
}

/** The MCP tools of a run and the servers behind them. */
export interface McpToolset {
  /** Every tool of every server that opened, under unique provider-valid names. */
  readonly tools: readonly Tool[];
  readonly servers: readonly OpenedMcpServer[];
  /** Stops every server (bounded; safe to call twice). */
  close(): Promise<void>;
}

/** What opening the servers needs from the run. */
export interface OpenMcpToolsOptions {
  /** The workspace: where stdio servers start. */
  readonly workspace: string;
  /** The environment stdio servers take `PATH`, `HOME`, … from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined;
  /** The sandbox's `wrapArgv` when `[core] runtime` confines commands; stdio servers then run inside it. */
  readonly wrapArgv?: ((argv: readonly string[], cwd: string) => SpawnPlan) | undefined;
  /** Ctrl-C: stops the servers still starting. */
  readonly signal?: AbortSignal | undefined;
  /** @default MCP_START_TIMEOUT_MS */
  readonly startTimeoutMs?: number | undefined;
  /** The bound of one call for servers without their own `timeout`. @default `[sandbox] timeout` */
  readonly callTimeoutMs?: number | undefined;
  /** Receives each warning: a server that did not start or stopped, located, saying what to do. */
  readonly onWarning: (message: string) => void;
}

/** An empty toolset: no server configured, or none wanted. */
export const NO_MCP_TOOLS: McpToolset = { tools: [], servers: [], close: async () => {} };

function advice(entry: McpServerEntry, sandboxed: boolean): string {
  if (entry.transport !== "stdio")
    return `check that the server is running at ${entry.shownUrl} and that url and api_key are right, or remove the entry`;
  const where = sandboxed
    ? ' (it runs in the sandbox: the workspace is its only writable directory; [core] runtime = "local" runs it on the host)'
    : "";
  return `check its command, args and env (run the command yourself to see what it prints), or remove the entry${where}`;
}

/**
 * Opens every configured server in parallel and returns their tools; never throws for a server.
 * @example
 * const mcp = await openMcpTools(config, { workspace, wrapArgv: runtime.sandbox?.wrapArgv, onWarning });
 * try { ...run agents with mcp.tools... } finally { await mcp.close(); }
 */
export async function openMcpTools(config: Config, options: OpenMcpToolsOptions): Promise<McpToolset> {
  if (!hasMcpServers(config)) return NO_MCP_TOOLS;
  const entries = await listMcpServers(config, options.callTimeoutMs ?? config.sandbox.timeout * 1000);
  const signal = options.signal ?? new AbortController().signal;
  const secrets = mcpSecretsOf(config);
  const sandboxed = options.wrapArgv !== undefined;
  const label = (entry: McpServerEntry) => `MCP server "${entry.name}" (${entry.where})`;

  const opened = await Promise.all(
    entries.map(async (entry): Promise<McpConnection | undefined> => {
      try {
        config.assertMcpServerUsable(entry.list, entry.index);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        const problems = error.issues.map((issue) => formatIssue(issue)).join("; ");
        options.onWarning(`${label(entry)} is not started: ${problems}. The run goes on without its tools.`);
        return undefined;
      }
      try {
        return await connectMcpServer(entry, {
          cwd: options.workspace,
          env: options.env ?? process.env,
          startupEnv: config.sandbox.runtime_startup_env_vars,
          wrapArgv: entry.transport === "stdio" ? options.wrapArgv : undefined,
          startTimeoutMs: options.startTimeoutMs ?? MCP_START_TIMEOUT_MS,
          signal,
          secrets,
          onDeath: (reason) =>
            options.onWarning(
              `${label(entry)} stopped during the run: ${reason}. Its tools now answer with an error; ${advice(entry, sandboxed)}.`,
            ),
        });
      } catch (error) {
        // Whatever went wrong (an McpStartError says why in the user's terms), the run goes on.
        const why =
          error instanceof McpStartError
            ? error.message
            : `unexpected error: ${redactSecrets(String(error), secrets)}`;
        options.onWarning(
          `${label(entry)} did not start: ${why}. The run goes on without its tools; ${advice(entry, sandboxed)}.`,
        );
        return undefined;
      }
    }),
  );
  const connections = opened.filter((connection): connection is McpConnection => connection !== undefined);
  const offered = connections.flatMap((connection) =>
    connection.tools.map((info) => ({ connection, info, server: connection.entry.name, tool: info.name })),
  );
  const names = assignToolNames(offered, BUILTIN_TOOL_NAMES);
  const tools = offered.map(({ connection, info }, index) =>
    toAgentTool(connection, info, names[index] as string),
  );
  let closing: Promise<void> | undefined;
  return {
    tools,
    servers: connections.map((connection) => ({
      name: connection.entry.name,
      where: connection.entry.where,
      tools: tools.filter((_, index) => offered[index]?.connection === connection).map((tool) => tool.name),
      pid: connection.pid,
    })),
    close() {
      closing ??= Promise.all(connections.map((connection) => connection.close())).then(() => {});
      return closing;
    },
  };
}
