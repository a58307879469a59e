/**
 * An MCP server's tool as an agent tool: the server's JSON Schema sent to the model as it is (the server
 * checks the arguments), and every way a call can go wrong — an `isError` result, an error answer, a
 * timeout, a server that died, Ctrl-C — an error observation for the agent, never a crash of the run.
 */
import { z } from "zod";
import { defineTool, type Tool, ToolError } from "../tools/tool.ts";
import type { McpConnection, McpToolInfo } from "./connect.ts";
import { formatToolResult } from "./tool-result.ts";

/** JSON-RPC's "request timed out" code, as the SDK raises it. */
const REQUEST_TIMEOUT = -32001;

/** The arguments an MCP tool takes: any JSON object; its server validates them against its schema. */
const anyArguments = z.record(z.string(), z.unknown());

/** The server's input schema as providers accept it: an object schema, without the `$schema` marker. */
export function toProviderSchema(inputSchema: McpToolInfo["inputSchema"]): Record<string, unknown> {
  const { $schema: _ignored, ...schema } = inputSchema as Record<string, unknown>;
  return { ...schema, type: "object", properties: schema.properties ?? {} };
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}

/**
 * The agent tool for one tool of an open server, under the name the agent calls it by.
 * @example const tool = toAgentTool(connection, connection.tools[0], "echo");
 */
export function toAgentTool(connection: McpConnection, info: McpToolInfo, name: string): Tool {
  const server = connection.entry.name;
  const timeoutMs = connection.entry.callTimeoutMs;
  const description = `${info.description ?? info.title ?? info.name} (MCP server "${server}"${name === info.name ? "" : `, tool "${info.name}"`})`;
  return defineTool({
    name,
    description,
    parameters: anyArguments,
    inputSchema: toProviderSchema(info.inputSchema),
    async execute(args, context) {
      const failure = connection.failure;
      if (failure !== undefined)
        throw new ToolError(
          `MCP server "${server}" is not running (${failure}); its tools cannot be used in this run.`,
        );
      let result: Awaited<ReturnType<McpConnection["callTool"]>>;
      try {
        result = await connection.callTool(info.name, args, { signal: context.signal, timeoutMs });
      } catch (error) {
        if (context.signal.aborted) throw new ToolError(`${name} interrupted (Ctrl-C).`);
        if ((error as { code?: unknown }).code === REQUEST_TIMEOUT) {
          throw new ToolError(
            `${name} timed out after ${formatSeconds(timeoutMs)} (MCP server "${server}"); the call was cancelled. Try different arguments or another way.`,
          );
        }
        const died = connection.failure;
        if (died !== undefined)
          throw new ToolError(`${name} failed: MCP server "${server}" stopped (${died}).`);
        throw new ToolError(
          `${name} failed (MCP server "${server}"): ${(error as Error).message ?? String(error)}`,
        );
      }
      const text = formatToolResult(result, context.maxOutputChars);
      if (result.isError === true) throw new ToolError(`${name} failed: ${text}`);
      return text;
    },
  });
}
