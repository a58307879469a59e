import assert from "node:assert/strict";
import { test } from "node:test";
import type { RunEvent } from "../agents/events.ts";
import { createPaint } from "./output.ts";
import { createRunProgress, summarizeToolCall } from "./run-progress.ts";

const stamp = { id: 0, timestamp: "2026-01-01T00:00:00.000Z" };
const usage = { input_tokens: 10, output_tokens: 2, cache_read_tokens: 0, cache_write_tokens: 0 };
const events: RunEvent[] = [
  {
    ...stamp,
    type: "agent_start",
    agent: "Main",
    depth: 0,
    llm_config: "llm",
    llm_config_reason: "default",
    model: "gpt-4",
    task: "t",
  },
  {
    ...stamp,
    type: "llm_response",
    agent: "Main",
    depth: 0,
    llm_config: "llm",
    model: "gpt-4",
    content: null,
    tool_calls: [],
    usage,
    cost: 0.25,
    latency_ms: 1,
    attempts: 1,
  },
  {
    ...stamp,
    type: "tool_call",
    agent: "Main",
    depth: 0,
    tool_call_id: "a",
    tool: "delegate",
    arguments: '{"agent":"Explorer","task":"look"}',
  },
  {
    ...stamp,
    type: "agent_start",
    agent: "Explorer",
    depth: 1,
    llm_config: "cheap",
    llm_config_reason: "agent",
    model: "mini",
    task: "look",
  },
  {
    ...stamp,
    type: "llm_response",
    agent: "Explorer",
    depth: 1,
    llm_config: "cheap",
    model: "mini",
    content: null,
    tool_calls: [],
    usage,
    cost: null,
    latency_ms: 1,
    attempts: 1,
  },
  {
    ...stamp,
    type: "tool_call",
    agent: "Explorer",
    depth: 1,
    tool_call_id: "b",
    tool: "grep",
    arguments: '{"pattern":"x","path":"src"}',
  },
  {
    ...stamp,
    type: "observation",
    agent: "Explorer",
    depth: 1,
    tool_call_id: "b",
    tool: "grep",
    content: "ERROR: bad\nthing",
    error: true,
  },
  { ...stamp, type: "agent_end", agent: "Explorer", depth: 1, status: "finished", message: "found" },
];

function render(isTTY: boolean): string {
  let text = "";
  const out = { isTTY, columns: 200, write: (chunk: string) => (text += chunk) };
  const progress = createRunProgress(out, { live: isTTY, paint: createPaint(false) });
  for (const event of events) progress.onEvent(event);
  progress.finish();
  return text;
}

test("without a terminal, progress is plain lines: delegations indented, the spend on each tool line", () => {
  assert.equal(
    render(false),
    [
      "Main [llm · gpt-4] (default [llm])",
      "  delegate → Explorer: look  ($0.250000)",
      "  Explorer [cheap · mini] (its own llm_config)",
      '    grep "x" in src  ($0.250000 + 1 unpriced call)',
      "    ! ERROR: bad thing",
      "  Explorer done",
      "",
    ].join("\n"),
  );
});

test("on a terminal, a status line with the acting agent, its config and the spend updates in place", () => {
  const text = render(true);
  assert.ok(text.includes("\r\u001b[2KExplorer · cheap · mini · step 2 · $0.250000 + 1 unpriced call"));
  assert.ok(text.endsWith("\r\u001b[2K"), "the status line is cleared at the end");
  assert.ok(!text.includes("($0.250000)"), "tool lines carry no spend: the status line shows it");
});

test("tool calls are summarised by the arguments that say what they do", () => {
  assert.equal(summarizeToolCall("execute_bash", '{"command":"npm  test\\n"}'), "$ npm test");
  assert.equal(summarizeToolCall("str_replace_editor", '{"command":"create","path":"a.ts"}'), "create a.ts");
  assert.equal(summarizeToolCall("custom", "not json"), "custom not json");
});

test("control characters in a tool call's arguments and in an error observation are shown escaped", () => {
  let text = "";
  const out = { isTTY: false, write: (chunk: string) => (text += chunk) };
  const progress = createRunProgress(out, { live: false, paint: createPaint(false) });
  progress.onEvent({
    ...stamp,
    type: "tool_call",
    agent: "Main",
    depth: 0,
    tool_call_id: "a",
    tool: "str_replace_editor",
    arguments: JSON.stringify({ command: "view", path: "\u001b]0;owned\u0007a.ts" }),
  });
  progress.onEvent({
    ...stamp,
    type: "observation",
    agent: "Main",
    depth: 0,
    tool_call_id: "a",
    tool: "execute_bash",
    content: "ERROR: \u001b[2Jgone",
    error: true,
  });
  assert.ok(!text.includes("\u001b"), "no raw ESC reaches the terminal");
  assert.match(text, /^ {2}view \\x1b\]0;owned\\x07a\.ts {2}\(\$0\.000000\)$/m);
  assert.match(text, /^ {2}! ERROR: \\x1b\[2Jgone$/m);
});

test("names from the config file, MCP servers, warnings, retries and fallbacks are shown escaped", () => {
  let text = "";
  const out = { isTTY: true, columns: 300, write: (chunk: string) => (text += chunk) };
  const progress = createRunProgress(out, { live: true, paint: createPaint(false) });
  const esc = "\u001b[2J";
  progress.onEvent({
    ...stamp,
    type: "agent_start",
    agent: `Main${esc}`,
    depth: 0,
    llm_config: `fast${esc}`,
    llm_config_reason: "default",
    model: `gpt-4${esc}`,
    task: "t",
  });
  progress.onEvent({
    ...stamp,
    type: "llm_response",
    agent: `Main${esc}`,
    depth: 0,
    llm_config: `fast${esc}`,
    model: `gpt-4${esc}`,
    content: null,
    tool_calls: [],
    usage,
    cost: 0,
    latency_ms: 1,
    attempts: 1,
  });
  progress.onEvent({
    ...stamp,
    type: "mcp_servers",
    servers: [{ name: `files${esc}`, where: "stdio", tools: [`read${esc}`], pid: 1 }],
  });
  progress.onEvent({
    ...stamp,
    type: "warning",
    message: `server ${esc}"x" is not started:\nits stderr${esc}`,
  });
  progress.onEvent({
    ...stamp,
    type: "agent_end",
    agent: `Helper${esc}`,
    depth: 1,
    status: "error",
    message: `failed${esc}`,
  });
  progress.onLlmEvent(
    { name: "Main", depth: 0 },
    {
      type: "retry",
      configName: `fast${esc}`,
      model: "m",
      attempt: 1,
      attempts: 3,
      kind: "server",
      status: 503,
      waitMs: 1000,
      fromRetryAfter: false,
      message: `503${esc}`,
    },
  );
  progress.onLlmEvent(
    { name: "Main", depth: 0 },
    { type: "fallback", from: `fast${esc}`, to: `slow${esc}`, kind: "server", message: "x" },
  );
  progress.finish();
  // The status line is redrawn in place: each drawing on a line of its own here.
  const shown = text.replaceAll("\r\u001b[2K", "\n");
  assert.ok(!shown.includes("\u001b"), `no raw ESC reaches the terminal: ${JSON.stringify(shown)}`);
  const lines = shown.split("\n");
  assert.ok(lines.includes("Main\\x1b[2J [fast\\x1b[2J · gpt-4\\x1b[2J] (default [llm])"));
  assert.ok(shown.includes("Main\\x1b[2J · fast\\x1b[2J · gpt-4\\x1b[2J · step 1"), "the status line");
  assert.ok(lines.includes('MCP server "files\\x1b[2J": read\\x1b[2J'));
  assert.ok(lines.includes('warning: server \\x1b[2J"x" is not started:'), "a warning keeps its lines");
  assert.ok(lines.includes("its stderr\\x1b[2J"));
  assert.ok(lines.includes("  Helper\\x1b[2J stopped: failed\\x1b[2J"));
  assert.ok(lines.includes("  fast\\x1b[2J: 503\\x1b[2J; retrying in 1.0 s (attempt 2 of 3)"));
  assert.ok(lines.includes("  fast\\x1b[2J failed (server); falling back to slow\\x1b[2J"));
});
