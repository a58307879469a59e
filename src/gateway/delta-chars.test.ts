import assert from "node:assert/strict";
import { test } from "node:test";
import { countDeltaChars } from "./delta-chars.ts";

const event = (delta: unknown) => `data: ${JSON.stringify({ choices: [{ index: 0, delta }] })}\n\n`;

test("the output in relayed chat events is the length of their content and tool-call arguments", () => {
  const text = [
    event({ role: "assistant", content: "" }),
    event({ content: "Hello" }),
    event({ reasoning_content: "hmm" }),
    event({ content: 'say "hi"\\' }),
    event({ tool_calls: [{ index: 0, function: { name: "look", arguments: '{"a":1}' } }] }),
    event({ content: null }),
    "data: [DONE]\n\n",
  ].join("");
  assert.equal(
    countDeltaChars(Buffer.from(text)),
    5 + 3 + JSON.stringify('say "hi"\\').length - 2 + JSON.stringify('{"a":1}').length - 2,
  );
});

test("a chunk without output counts nothing", () => {
  assert.equal(countDeltaChars(Buffer.from(`data: {"usage":{"prompt_tokens":3}}\n\n`)), 0);
});
