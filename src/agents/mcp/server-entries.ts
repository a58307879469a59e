/**
 * The `[mcp]` servers of a config as one list the run can open: each entry says how to reach the server
 * (a process, Streamable HTTP or SSE), where it was configured (for located warnings), how long one call
 * may take, and which of its values are secrets (never printed: `api_key`, `env` values).
 */
import type { Config } from "../../config/load.ts";
import { maskSecrets } from "../../config/secrets.ts";

/** The three `[mcp]` lists. */
export type McpServerList = "stdio_servers" | "shttp_servers" | "sse_servers";

/** One configured MCP server, ready to open. */
export type McpServerEntry = {
  /** Which list and position it comes from: `stdio_servers[0]`. */
  readonly list: McpServerList;
  readonly index: number;
  /** The name shown to people and used to qualify clashing tool names: a stdio `name`, a URL's host. */
  readonly name: string;
  /** `[mcp] stdio_servers[0]`, with `file:line` when the entry comes from a file. */
  readonly where: string;
  /** The bound of one tool call, in milliseconds. */
  readonly callTimeoutMs: number;
} & (
  | {
      readonly transport: "stdio";
      readonly command: string;
      readonly args: readonly string[];
      readonly env: Readonly<Record<string, string>>;
    }
  | {
      readonly transport: "shttp" | "sse";
      readonly url: string;
      /** The URL as it may be printed (credentials in it masked). */
      readonly shownUrl: string;
      readonly apiKey: string | null;
    }
);

/** Whether the config lists any MCP server (checked before anything MCP is loaded). */
export function hasMcpServers(config: Pick<Config, "mcp">): boolean {
  const { mcp } = config;
  return mcp.stdio_servers.length + mcp.shttp_servers.length + mcp.sse_servers.length > 0;
}

/** Where a list entry was written: `config.toml:12:1`, the env variable, or nothing for a default. */
async function locate(config: Config, list: McpServerList, index: number): Promise<string> {
  const source = config.provenance.sections.mcp?.[list]?.source;
  if (source?.kind === "env") return ` from ${source.env}`;
  if (source?.kind !== "file") return "";
  const position = await config.locate({ ...source, path: [...source.path, index] });
  return position === undefined ? ` in ${source.file}` : ` at ${source.file}:${position.line}`;
}

/** A short name from a server URL: its host and port (`localhost_8931`). */
function nameFromUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}${parsed.port === "" ? "" : `_${parsed.port}`}`;
  } catch {
    return "server";
  }
}

/**
 * The configured servers in a stable order (stdio, then Streamable HTTP, then SSE), located.
 * `defaultCallTimeoutMs` bounds a call where the entry has no `timeout` of its own (stdio and SSE).
 * @example const entries = await listMcpServers(config, config.sandbox.timeout * 1000);
 */
export async function listMcpServers(
  config: Config,
  defaultCallTimeoutMs: number,
): Promise<McpServerEntry[]> {
  const entries: McpServerEntry[] = [];
  const where = async (list: McpServerList, index: number) =>
    `[mcp] ${list}[${index}]${await locate(config, list, index)}`;
  for (const [index, server] of config.mcp.stdio_servers.entries()) {
    entries.push({
      list: "stdio_servers",
      index,
      name: server.name,
      where: await where("stdio_servers", index),
      callTimeoutMs: defaultCallTimeoutMs,
      transport: "stdio",
      command: server.command,
      args: server.args,
      env: server.env,
    });
  }
  const http = [
    ...config.mcp.shttp_servers.map((server) => ({ list: "shttp_servers" as const, server })),
    ...config.mcp.sse_servers.map((server) => ({ list: "sse_servers" as const, server })),
  ];
  const counters = { shttp_servers: 0, sse_servers: 0 };
  for (const { list, server } of http) {
    const index = counters[list]++;
    const timeout = "timeout" in server ? server.timeout : null;
    entries.push({
      list,
      index,
      name: nameFromUrl(server.url),
      where: await where(list, index),
      callTimeoutMs: timeout === null ? defaultCallTimeoutMs : timeout * 1000,
      transport: list === "shttp_servers" ? "shttp" : "sse",
      url: server.url,
      shownUrl: maskSecrets(server.url, ["mcp", list, index, "url"]),
      apiKey: server.api_key,
    });
  }
  return entries;
}

/** The values of `[mcp]` a run must never print: every `api_key` and every stdio `env` value. */
export function mcpSecretsOf(config: Pick<Config, "mcp">): string[] {
  const values: (string | null)[] = [
    ...config.mcp.shttp_servers.map((server) => server.api_key),
    ...config.mcp.sse_servers.map((server) => server.api_key),
    ...config.mcp.stdio_servers.flatMap((server) => Object.values(server.env)),
  ];
  // Very short values ("1", "on") would blank out ordinary words wherever they appear.
  return values.filter((value): value is string => typeof value === "string" && value.length >= 6);
}
