import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Completion } from "../llm/index.ts";
import { GatewayError } from "./errors.ts";
import { renderMessage, toAnthropicErrorBody, toAnthropicErrorType } from "./messages-response.ts";
import { createMessageEventRenderer } from "./messages-stream.ts";

const identity = { id: "msg_1", model: "anthropic/claude-test" };

function completion(overrides: Partial<Completion> = {}): Completion {
  return {
    text: "Hello",
    toolCalls: [],
    finishReason: "stop",
    usage: { input_tokens: 30, output_tokens: 7, cache_read_tokens: 10, cache_write_tokens: 5 },
    cost: { usd: null, source: "unknown" },
    latencyMs: 1,
    attempts: 1,
    configName: "fast",
    requestedConfig: "fast",
    model: "anthropic/claude-test",
    notes: [],
    message: { role: "assistant", content: "Hello" },
    ...overrides,
  };
}

/** Splits rendered SSE text into [event name, data] pairs, checking each event's name matches its type. */
function parseEvents(text: string): [string, Record<string, unknown>][] {
  return text
    .split("\n\n")
    .filter((block) => block !== "")
    .map((block) => {
      const match = /^event: (\S+)\ndata: (.*)$/.exec(block);
      assert.ok(match, `not one SSE event: ${block}`);
      const data = JSON.parse(match[2] as string) as Record<string, unknown>;
      assert.equal(data.type, match[1]);
      return [match[1] as string, data];
    });
}

describe("runtime completions → Anthropic messages", () => {
  test("a text answer is a message with a text block, end_turn and usage without cached tokens", () => {
    assert.deepEqual(renderMessage(completion(), identity), {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "anthropic/claude-test",
      content: [{ type: "text", text: "Hello" }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: {
        input_tokens: 15,
        cache_creation_input_tokens: 5,
        cache_read_input_tokens: 10,
        output_tokens: 7,
      },
    });
  });

  test("tool calls are tool_use blocks with parsed input and stop_reason tool_use", () => {
    const message = renderMessage(
      completion({
        text: "",
        finishReason: "stop",
        toolCalls: [
          { id: "call_1", type: "function", function: { name: "f", arguments: '{"a":1}' } },
          { id: "call_2", type: "function", function: { name: "g", arguments: "not json" } },
        ],
      }),
      identity,
    );
    assert.deepEqual(message.content, [
      { type: "tool_use", id: "call_1", name: "f", input: { a: 1 } },
      { type: "tool_use", id: "call_2", name: "g", input: {} },
    ]);
    assert.equal(message.stop_reason, "tool_use");
  });

  test("length is max_tokens and content_filter is refusal", () => {
    assert.equal(renderMessage(completion({ finishReason: "length" }), identity).stop_reason, "max_tokens");
    assert.equal(
      renderMessage(completion({ finishReason: "content_filter" }), identity).stop_reason,
      "refusal",
    );
  });

  test("errors take Anthropic's type for their status", () => {
    const table: [number, string][] = [
      [400, "invalid_request_error"],
      [401, "authentication_error"],
      [403, "permission_error"],
      [404, "not_found_error"],
      [413, "request_too_large"],
      [429, "rate_limit_error"],
      [500, "api_error"],
      [502, "api_error"],
      [529, "overloaded_error"],
    ];
    for (const [status, type] of table) assert.equal(toAnthropicErrorType(status), type);
    const error = new GatewayError("budget exhausted", {
      status: 429,
      type: "insufficient_quota",
      code: "x",
    });
    assert.deepEqual(toAnthropicErrorBody(error), {
      type: "error",
      error: { type: "rate_limit_error", message: "budget exhausted" },
    });
  });
});

describe("runtime streams → Anthropic's event sequence", () => {
  test("text then two tool calls: blocks open and close in order, one ping, then message_delta and message_stop", () => {
    const renderer = createMessageEventRenderer(identity);
    let text = renderer.start();
    text += renderer.delta({ type: "text-delta", text: "Let me " });
    text += renderer.delta({ type: "text-delta", text: "check." });
    text += renderer.delta({
      type: "tool-call-delta",
      index: 0,
      id: "c1",
      name: "f",
      argumentsDelta: '{"a"',
    });
    text += renderer.delta({ type: "tool-call-delta", index: 0, id: "c1", name: "f", argumentsDelta: ":1}" });
    text += renderer.delta({ type: "tool-call-delta", index: 1, id: "c2", name: "g", argumentsDelta: "{}" });
    text += renderer.end(completion({ finishReason: "tool_calls" }));
    const events = parseEvents(text);
    assert.deepEqual(
      events.map(([name, data]) => (name.startsWith("content_block") ? `${name}@${data.index}` : name)),
      [
        "message_start",
        "content_block_start@0",
        "ping",
        "content_block_delta@0",
        "content_block_delta@0",
        "content_block_stop@0",
        "content_block_start@1",
        "content_block_delta@1",
        "content_block_delta@1",
        "content_block_stop@1",
        "content_block_start@2",
        "content_block_delta@2",
        "content_block_stop@2",
        "message_delta",
        "message_stop",
      ],
    );
    const start = events[0]?.[1].message as Record<string, unknown>;
    assert.equal(start.id, "msg_1");
    assert.deepEqual(start.content, []);
    assert.equal(start.stop_reason, null);
    assert.deepEqual(events[6]?.[1].content_block, { type: "tool_use", id: "c1", name: "f", input: {} });
    assert.deepEqual(events[7]?.[1].delta, { type: "input_json_delta", partial_json: '{"a"' });
    assert.deepEqual(events[3]?.[1].delta, { type: "text_delta", text: "Let me " });
    assert.deepEqual(events[13]?.[1], {
      type: "message_delta",
      delta: { stop_reason: "tool_use", stop_sequence: null },
      usage: {
        input_tokens: 15,
        cache_creation_input_tokens: 5,
        cache_read_input_tokens: 10,
        output_tokens: 7,
      },
    });
  });

  test("an error after the first byte is an error event in Anthropic's shape", () => {
    const renderer = createMessageEventRenderer(identity);
    const error = new GatewayError("config failed", { status: 502, type: "upstream_error", code: "x" });
    assert.deepEqual(parseEvents(renderer.error(error)), [
      ["error", { type: "error", error: { type: "api_error", message: "config failed" } }],
    ]);
  });
});
