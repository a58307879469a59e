import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { estimateTokens } from "../tokens.ts";
import { type Conversation, resolveReply, splitArgumentsIntoPieces, splitTextIntoPieces } from "./replies.ts";

const conversation: Conversation = { model: "m", lastUserText: "hi there", promptText: "system\nhi there" };

describe("resolveReply", () => {
  test("echoes the last user text with estimated usage when nothing is scripted", () => {
    assert.deepEqual(resolveReply(undefined, conversation, 1), {
      text: "echo: hi there",
      toolCalls: [],
      finishReason: "stop",
      usage: { input_tokens: 4, output_tokens: 4, cache_read_tokens: 0, cache_write_tokens: 0 },
    });
  });

  test("an empty reply object still echoes, keeping its finish reason", () => {
    const reply = resolveReply({ finishReason: "length" }, conversation, 1);
    assert.equal(reply.text, "echo: hi there");
    assert.equal(reply.finishReason, "length");
  });

  test("tool calls get numbered ids, JSON arguments, no echo and finish reason tool_calls", () => {
    const reply = resolveReply(
      { toolCalls: [{ name: "f", arguments: { a: 1 } }, { name: "g" }] },
      conversation,
      7,
      "toolu_",
    );
    assert.equal(reply.text, "");
    assert.equal(reply.finishReason, "tool_calls");
    assert.deepEqual(reply.toolCalls, [
      { id: "toolu_7_0", name: "f", arguments: '{"a":1}' },
      { id: "toolu_7_1", name: "g", arguments: "{}" },
    ]);
    assert.equal(reply.usage.output_tokens, estimateTokens('f{"a":1}g{}'));
  });

  test("scripted usage overrides single fields of the estimate", () => {
    const reply = resolveReply({ text: "x", usage: { cache_read_tokens: 3 } }, conversation, 1);
    assert.deepEqual(reply.usage, {
      input_tokens: 4,
      output_tokens: 1,
      cache_read_tokens: 3,
      cache_write_tokens: 0,
    });
  });
});

describe("stream pieces", () => {
  const textCases: Array<[string, string[]]> = [
    ["", []],
    ["one", ["one"]],
    ["echo: hello world", ["echo: ", "hello ", "world"]],
    ["  padded  ", ["  padded  "]],
    ["   ", ["   "]],
  ];
  for (const [text, pieces] of textCases) {
    test(`splits ${JSON.stringify(text)} into words that join back to the text`, () => {
      assert.deepEqual(splitTextIntoPieces(text), pieces);
      assert.equal(splitTextIntoPieces(text).join(""), text);
    });
  }

  test("splits arguments into 8-character pieces", () => {
    assert.deepEqual(splitArgumentsIntoPieces('{"path":"a.txt"}'), ['{"path":', '"a.txt"}']);
    assert.deepEqual(splitArgumentsIntoPieces(""), []);
  });
});
