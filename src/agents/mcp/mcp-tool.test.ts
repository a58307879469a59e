import assert from "node:assert/strict";
import { test } from "node:test";
import { runToolCall } from "../tool-calls.ts";
import { type ToolContext, toToolDefinition } from "../tools/tool.ts";
import type { Workspace } from "../workspace.ts";
import type { CallToolResult, McpConnection, McpToolInfo } from "./connect.ts";
import { toAgentTool } from "./mcp-tool.ts";
import type { McpServerEntry } from "./server-entries.ts";

const entry: McpServerEntry = {
  list: "stdio_servers",
  index: 0,
  name: "notes",
  where: "[mcp] stdio_servers[0]",
  callTimeoutMs: 2_000,
  transport: "stdio",
  command: "notes-server",
  args: [],
  env: {},
};

const searchInfo: McpToolInfo = {
  name: "search",
  description: "Searches the notes.",
  inputSchema: {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    properties: { query: { type: "string" } },
    required: ["query"],
  } as McpToolInfo["inputSchema"],
};

/** A connection whose calls answer with `answer` (an in-process stand-in for a server). */
function connection(
  answer: (name: string, args: Record<string, unknown>, signal: AbortSignal) => Promise<CallToolResult>,
  failure?: string,
): McpConnection & { calls: { name: string; args: Record<string, unknown>; timeoutMs: number }[] } {
  const calls: { name: string; args: Record<string, unknown>; timeoutMs: number }[] = [];
  return {
    entry,
    tools: [searchInfo],
    pid: undefined,
    failure,
    calls,
    callTool(name, args, options) {
      calls.push({ name, args, timeoutMs: options.timeoutMs });
      return answer(name, args, options.signal);
    },
    close: async () => {},
  };
}

function context(signal = new AbortController().signal): ToolContext {
  return {
    workspace: { root: "/tmp" } as Workspace,
    signal,
    agent: { name: "CodeActAgent", depth: 0 },
    maxOutputChars: 1_000,
    commandTimeoutMs: 1_000,
    fileHistory: new Map(),
  };
}

const callOf = (name: string, args: Record<string, unknown>) => ({
  id: "call_1",
  type: "function" as const,
  function: { name, arguments: JSON.stringify(args) },
});

test("the model is sent the server's JSON Schema as the parameters, without $schema, and the server's name in the description", () => {
  const tool = toAgentTool(
    connection(async () => ({ content: [] })),
    searchInfo,
    "search",
  );
  assert.deepEqual(toToolDefinition(tool), {
    type: "function",
    function: {
      name: "search",
      description: 'Searches the notes. (MCP server "notes")',
      parameters: { type: "object", properties: { query: { type: "string" } }, required: ["query"] },
    },
  });
});

test("a call goes to the server under the tool's own name, with the arguments and the entry's timeout", async () => {
  const server = connection(async (_name, args) => ({
    content: [{ type: "text", text: `found ${args.query}` }],
  }));
  const tool = toAgentTool(server, searchInfo, "notes__search");
  const result = await runToolCall(callOf("notes__search", { query: "mcp" }), [tool], context());
  assert.deepEqual(result, { tool: "notes__search", content: "found mcp", error: false, finishes: false });
  assert.deepEqual(server.calls, [{ name: "search", args: { query: "mcp" }, timeoutMs: 2_000 }]);
});

test("an isError result is an error observation carrying the server's text", async () => {
  const tool = toAgentTool(
    connection(async () => ({ isError: true, content: [{ type: "text", text: "index is locked" }] })),
    searchInfo,
    "search",
  );
  const result = await runToolCall(callOf("search", { query: "x" }), [tool], context());
  assert.deepEqual([result.error, result.content], [true, "ERROR: search failed: index is locked"]);
});

test("a timeout is an error observation naming the bound; another failure names the server", async () => {
  const timeout = Object.assign(new Error("MCP error -32001: Request timed out"), { code: -32001 });
  const timedOut = toAgentTool(
    connection(() => Promise.reject(timeout)),
    searchInfo,
    "search",
  );
  const first = await runToolCall(callOf("search", { query: "x" }), [timedOut], context());
  assert.equal(first.error, true);
  assert.match(
    first.content,
    /^ERROR: search timed out after 2 s \(MCP server "notes"\); the call was cancelled/,
  );

  const broken = toAgentTool(
    connection(() => Promise.reject(new Error("socket hang up"))),
    searchInfo,
    "search",
  );
  const second = await runToolCall(callOf("search", { query: "x" }), [broken], context());
  assert.equal(second.content, 'ERROR: search failed (MCP server "notes"): socket hang up');
});

test("a server that died answers with why, without being called", async () => {
  const server = connection(async () => ({ content: [] }), "its process exited with code 1");
  const tool = toAgentTool(server, searchInfo, "search");
  const result = await runToolCall(callOf("search", { query: "x" }), [tool], context());
  assert.equal(
    result.content,
    'ERROR: MCP server "notes" is not running (its process exited with code 1); its tools cannot be used in this run.',
  );
  assert.equal(server.calls.length, 0);
});

test("Ctrl-C during a call is an interrupted observation, not a crash", async () => {
  const controller = new AbortController();
  const server = connection(
    (_name, _args, signal) =>
      new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error("AbortError")))),
  );
  const tool = toAgentTool(server, searchInfo, "search");
  const pending = runToolCall(callOf("search", { query: "x" }), [tool], context(controller.signal));
  controller.abort();
  const result = await pending;
  assert.deepEqual([result.error, result.content], [true, "ERROR: search interrupted (Ctrl-C)."]);
});
