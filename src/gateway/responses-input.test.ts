import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GatewayError } from "./errors.ts";
import { readResponsesRequest, toInputMessages } from "./responses-input.ts";

const badRequest = (param: string, pattern: RegExp) => (error: unknown) =>
  error instanceof GatewayError &&
  error.status === 400 &&
  error.param === param &&
  pattern.test(error.message);

describe("reading a Responses request", () => {
  test("a string input is one user message, after the instructions as a system message", () => {
    const request = readResponsesRequest({ model: "fast", input: "hello", instructions: "be brief" });
    assert.deepEqual(request.call.messages, [
      { role: "system", content: "be brief" },
      { role: "user", content: "hello" },
    ]);
    assert.deepEqual(request.input, [{ role: "user", content: "hello" }]);
    assert.equal(request.store, true);
    assert.equal(request.call.stream, false);
  });

  test("message items keep their roles; developer is a system message; parts become text or images", () => {
    const messages = toInputMessages([
      { role: "developer", content: [{ type: "input_text", text: "rules" }] },
      {
        type: "message",
        role: "user",
        content: [
          { type: "input_text", text: "what is this?" },
          { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "low" },
        ],
      },
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "a picture" }] },
    ]);
    assert.deepEqual(messages, [
      { role: "system", content: "rules" },
      {
        role: "user",
        content: [
          { type: "text", text: "what is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" } },
        ],
      },
      { role: "assistant", content: "a picture" },
    ]);
  });

  test("consecutive function calls join the assistant turn before them; outputs become tool messages", () => {
    const messages = toInputMessages([
      { role: "user", content: "read both" },
      { role: "assistant", content: "Reading." },
      { type: "function_call", call_id: "c1", name: "read", arguments: '{"path":"a"}' },
      { type: "function_call", call_id: "c2", name: "read", arguments: '{"path":"b"}' },
      { type: "function_call_output", call_id: "c1", output: "A" },
      { type: "function_call_output", call_id: "c2", output: [{ type: "input_text", text: "B" }] },
      { type: "reasoning", id: "rs_1", summary: [] },
    ]);
    assert.deepEqual(messages.slice(1), [
      {
        role: "assistant",
        content: "Reading.",
        tool_calls: [
          { id: "c1", type: "function", function: { name: "read", arguments: '{"path":"a"}' } },
          { id: "c2", type: "function", function: { name: "read", arguments: '{"path":"b"}' } },
        ],
      },
      { role: "tool", tool_call_id: "c1", content: "A" },
      { role: "tool", tool_call_id: "c2", content: "B" },
    ]);
  });

  test("function tools, tool_choice, parameters and a JSON schema format reach the call", () => {
    const schema = { type: "object", properties: { city: { type: "string" } } };
    const request = readResponsesRequest({
      model: "fast",
      input: "x",
      stream: true,
      store: false,
      temperature: 0.5,
      top_p: 0.9,
      max_output_tokens: 64,
      reasoning: { effort: "low" },
      tools: [{ type: "function", name: "weather", description: "d", parameters: schema, strict: true }],
      tool_choice: { type: "function", name: "weather" },
      text: { format: { type: "json_schema", name: "place", schema } },
    });
    assert.deepEqual(request.call.params, {
      temperature: 0.5,
      top_p: 0.9,
      max_output_tokens: 64,
      reasoning_effort: "low",
    });
    assert.deepEqual(request.call.tools, [
      { type: "function", function: { name: "weather", description: "d", parameters: schema } },
    ]);
    assert.deepEqual(request.call.toolChoice, { type: "function", function: { name: "weather" } });
    assert.deepEqual(request.call.responseFormat, { type: "json", schema, name: "place" });
    assert.equal(request.call.stream, true);
    assert.equal(request.store, false);
  });

  test("malformed fields are 400s naming the field and what to send", () => {
    assert.throws(() => readResponsesRequest({ input: "x" }), badRequest("model", /name of a config/));
    assert.throws(() => readResponsesRequest({ model: "m", input: [] }), badRequest("input", /non-empty/));
    assert.throws(
      () => readResponsesRequest({ model: "m", input: [{ type: "item_reference", id: "x" }] }),
      badRequest("input[0].type", /not supported/),
    );
    assert.throws(
      () => readResponsesRequest({ model: "m", input: [{ type: "function_call_output", output: "x" }] }),
      badRequest("input[0].call_id", /call_id is required/),
    );
    assert.throws(
      () => readResponsesRequest({ model: "m", input: "x", tools: [{ type: "web_search" }] }),
      badRequest("tools[0]", /hosted tools \("web_search"\)/),
    );
    assert.throws(
      () => readResponsesRequest({ model: "m", input: "x", max_output_tokens: 1.5 }),
      badRequest("max_output_tokens", /integer/),
    );
    assert.throws(
      () => readResponsesRequest({ model: "m", input: "x", background: true }),
      badRequest("background", /not supported/),
    );
    assert.throws(
      () => readResponsesRequest({ model: "m", input: "x", text: { format: { type: "json_schema" } } }),
      badRequest("text.format", /"name" and a "schema"/),
    );
  });
});
