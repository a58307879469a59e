// What the MCP tests share to start the stdio fixture server (test/fixtures/mcp/echo-server.mjs) from
// a config, and to check afterwards that no process of it is left.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { root } from "./run-cli.ts";

/** The stdio MCP server of the fixtures: tools echo, add, fail, hang, exit, picture, env. */
export const echoServer = join(root, "test/fixtures/mcp/echo-server.mjs");

/** A `stdio_servers` entry (a TOML inline table) running the fixture server with `args` and `env`. */
export function echoServerEntry(
  name: string,
  options: { args?: readonly string[]; env?: Readonly<Record<string, string>> } = {},
): string {
  const args = JSON.stringify([echoServer, ...(options.args ?? [])]);
  const env = Object.entries(options.env ?? {})
    .map(([key, value]) => `${key} = ${JSON.stringify(value)}`)
    .join(", ");
  return `{ name = "${name}", command = ${JSON.stringify(process.execPath)}, args = ${args}, env = { ${env} } }`;
}

/** Live (not zombie) processes whose command line contains `marker`: the server, or bwrap around it. */
export function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const state = readFileSync(`/proc/${entry}/stat`, "utf8").replace(/^.*\) /, "")[0];
      if (commandLine.includes(marker) && state !== "Z") found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Whether a process is still there. */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
