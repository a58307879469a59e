import assert from "node:assert/strict";
import { test } from "node:test";
import type { NewRunEvent, RunEvent } from "../../agents/events.ts";
import { createPaint } from "../output.ts";
import { createChatRender } from "./render.ts";

const usage = { input_tokens: 10, output_tokens: 2, cache_read_tokens: 0, cache_write_tokens: 0 };
let id = 0;
const stamped = (event: NewRunEvent) =>
  ({ id: id++, timestamp: "2026-01-01T00:00:00.000Z", ...event }) as RunEvent;

function response(content: string, depth = 0): RunEvent {
  return stamped({
    type: "llm_response",
    agent: depth === 0 ? "Main" : "Helper",
    depth,
    llm_config: "llm",
    model: "gpt-4o",
    content,
    tool_calls: [],
    usage,
    cost: 0.5,
    latency_ms: 1,
    attempts: 1,
  });
}

const toolCall = stamped({
  type: "tool_call",
  agent: "Main",
  depth: 0,
  tool_call_id: "a",
  tool: "execute_bash",
  arguments: '{"command":"ls"}',
});

function createScreen(live: boolean) {
  let text = "";
  const out = { isTTY: live, columns: 200, write: (chunk: string) => (text += chunk) };
  const render = createChatRender(out, { live, paint: createPaint(false) });
  return { render, text: () => text };
}

test("streamed text is printed as it arrives, its line ended before the tool call, and not repeated", () => {
  const { render, text } = createScreen(false);
  const main = { name: "Main", depth: 0 };
  render.onTextDelta(main, "\n  Let me ");
  assert.equal(text(), "Let me", "leading space dropped, trailing space held until text follows");
  render.onTextDelta(main, "look.\n\n");
  assert.equal(text(), "Let me look.");
  render.onEvent(response("\n  Let me look.\n\n"));
  render.onEvent(toolCall);
  render.onTextDelta(main, "Two files.");
  render.onEvent(response("Two files."));
  assert.equal(render.endTask(), "Two files.");
  assert.equal(text(), "Let me look.\n  $ ls  ($0.500000)\nTwo files.\n");
});

test("a whole answer (no stream) is printed at the end of its step as before", () => {
  const { render, text } = createScreen(false);
  render.onEvent(response("All done."));
  assert.equal(render.endTask(), "All done.");
  assert.equal(text(), "All done.\n");
});

test("streamed text keeps its line breaks, is indented by the agent's depth and shows control characters escaped", () => {
  const { render, text } = createScreen(false);
  const helper = { name: "Helper", depth: 1 };
  render.onTextDelta(helper, "one \u001b[2Jline");
  render.onTextDelta(helper, "\nanother\tline");
  render.onEvent(response("one \u001b[2Jline\nanother\tline", 1));
  assert.equal(text(), "  one \\x1b[2Jline\n  another  line\n");
});

test("on a terminal the status line is cleared before streamed text, and a fallback ends the text's line first", () => {
  const { render, text } = createScreen(true);
  const main = { name: "Main", depth: 0 };
  render.onEvent(
    stamped({
      type: "agent_start",
      agent: "Main",
      depth: 0,
      llm_config: "llm",
      llm_config_reason: "default",
      model: "gpt-4o",
      task: "t",
    }),
  );
  assert.ok(text().endsWith("Main · llm · gpt-4o · step 0 · $0.000000"), "the status line is drawn");
  render.onTextDelta(main, "Half an");
  assert.ok(text().endsWith("$0.000000\r\u001b[2KHalf an"), "cleared before the text");
  render.onLlmEvent(main, { type: "fallback", from: "llm", to: "cheap", kind: "server", message: "503" });
  render.onTextDelta(main, "A whole answer.");
  assert.ok(
    text().endsWith(
      "Half an\n  llm failed (server); falling back to cheap\n\r\u001b[2KMain · llm · gpt-4o · step 0 · $0.000000\r\u001b[2KA whole answer.",
    ),
    JSON.stringify(text()),
  );
  render.clearStatus();
  assert.ok(text().endsWith("A whole answer.\n"), "the line is ended before a question or Ctrl-C's line");
});
