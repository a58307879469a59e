import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseReplyScript, readReplyScript } from "./reply-script.ts";

describe("parseReplyScript", () => {
  test("accepts every documented kind of entry", () => {
    const script = [
      {},
      { text: "hi", finishReason: "length", usage: { input_tokens: 3, cache_read_tokens: 1 } },
      {
        toolCalls: [
          { name: "f", arguments: { a: 1 } },
          { name: "g", arguments: "{}", id: "call_x" },
        ],
      },
      { status: 429, headers: { "retry-after": "1" } },
      { status: 400, code: "context_length_exceeded", message: "too long" },
      { status: 500, body: { anything: true } },
      { fault: "reset" },
      { fault: "stall" },
      { fault: "stall", ms: 10 },
      { fault: "cut-stream", afterEvents: 2, text: "partial" },
      { fault: "stall-stream", afterEvents: 1 },
      { fault: "endless-stream", text: "more ", ms: 5 },
      { fault: "raw-body", body: "<html></html>", contentType: "text/html" },
      { fault: "empty-choices" },
    ];
    assert.deepEqual(parseReplyScript(JSON.stringify(script)), script);
  });

  const rejected: Array<[string, unknown, RegExp]> = [
    ["a non-array", { text: "x" }, /expected a JSON array/],
    ["a non-object entry", ["x"], /entry 0: expected an object/],
    ["an unknown reply key", [{ txt: "x" }], /entry 0: unknown key "txt"; expected "text"/],
    ["an unknown finish reason", [{ finishReason: "done" }], /"finishReason" must be one of/],
    ["a tool call without a name", [{ toolCalls: [{ arguments: {} }] }], /toolCalls\[0\] needs a "name"/],
    ["numeric tool arguments", [{ toolCalls: [{ name: "f", arguments: 1 }] }], /arguments must be an object/],
    ["a success status", [{ status: 200 }], /HTTP error status/],
    ["non-string headers", [{ status: 429, headers: { "retry-after": 1 } }], /"headers" must map/],
    ["an unknown fault", [{ fault: "explode" }], /unknown fault "explode"/],
    ["a negative stall", [{ fault: "stall", ms: -1 }], /"ms" must be a number >= 0/],
    ["a key of another fault", [{ fault: "reset", ms: 1 }], /unknown key "ms"/],
    ["a raw body that is not text", [{ fault: "raw-body", body: { a: 1 } }], /"body" must be a string/],
    ["a raw body without a body", [{ fault: "raw-body" }], /"body" must be a string/],
    ["an unknown usage field", [{ usage: { prompt_tokens: 1 } }], /"usage" may only set/],
  ];
  for (const [name, value, message] of rejected) {
    test(`rejects ${name}`, () => {
      assert.throws(() => parseReplyScript(JSON.stringify(value), "replies.json"), { message });
    });
  }

  test("names every bad entry in one error", () => {
    assert.throws(() => parseReplyScript('[{"text": 1}, {}, {"fault": "x"}]', "s.json"), {
      message: /^s\.json: entry 0: "text" must be a string\ns\.json: entry 2: unknown fault/,
    });
  });

  test("reports invalid JSON with the file name", () => {
    assert.throws(() => parseReplyScript("[", "s.json"), { message: /^s\.json: not valid JSON/ });
  });
});

describe("readReplyScript", () => {
  test("reads a script file", () => {
    const file = join(mkdtempSync(join(tmpdir(), "reply-script-")), "replies.json");
    writeFileSync(file, '[{"text": "from file"}]');
    assert.deepEqual(readReplyScript(file), [{ text: "from file" }]);
  });
});
