import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { GatewayError } from "./errors.ts";
import { toMessagesCall } from "./messages-request.ts";

const base = { model: "fast", max_tokens: 64 };

/** The 400's message and param for a body. */
function rejection(body: Record<string, unknown>): { message: string; param: string | null } {
  try {
    toMessagesCall(body);
  } catch (error) {
    assert.ok(error instanceof GatewayError);
    assert.equal(error.status, 400);
    return { message: error.message, param: error.param };
  }
  assert.fail("expected a 400");
}

describe("Anthropic Messages requests → the runtime's chat shape", () => {
  test("a string system and a string user turn become a system and a user message", () => {
    const call = toMessagesCall({
      ...base,
      system: "Be brief.",
      messages: [{ role: "user", content: "Hi" }],
    });
    assert.deepEqual(call.messages, [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
    ]);
    assert.equal(call.model, "fast");
    assert.equal(call.stream, false);
    assert.deepEqual(call.params, { max_output_tokens: 64 });
  });

  test("system text blocks are joined as paragraphs; cache_control on them is ignored", () => {
    const call = toMessagesCall({
      ...base,
      system: [
        { type: "text", text: "You are Claude Code." },
        { type: "text", text: "Use the tools.", cache_control: { type: "ephemeral" } },
      ],
      messages: [{ role: "user", content: "Hi" }],
    });
    assert.deepEqual(call.messages[0], { role: "system", content: "You are Claude Code.\n\nUse the tools." });
  });

  test("sampling fields, stop sequences and top_k are read; metadata and thinking are accepted", () => {
    const call = toMessagesCall({
      ...base,
      temperature: 0.3,
      top_p: 0.9,
      top_k: 5,
      stop_sequences: ["END"],
      stream: true,
      metadata: { user_id: "u1" },
      thinking: { type: "enabled", budget_tokens: 1024 },
      messages: [{ role: "user", content: "Hi" }],
    });
    assert.deepEqual(call.params, { max_output_tokens: 64, temperature: 0.3, top_p: 0.9, top_k: 5 });
    assert.deepEqual(call.stopSequences, ["END"]);
    assert.equal(call.stream, true);
  });

  test("a tool round trip: tool_use becomes an assistant tool call, tool_result a tool message first", () => {
    const call = toMessagesCall({
      ...base,
      messages: [
        { role: "user", content: "Weather in Paris?" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: "...", signature: "sig" },
            { type: "text", text: "Checking." },
            { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
          ],
        },
        {
          role: "user",
          content: [
            { type: "text", text: "Here:" },
            { type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "18C" }] },
            { type: "tool_result", tool_use_id: "toolu_2", content: "no such city", is_error: true },
          ],
        },
      ],
    });
    assert.deepEqual(call.messages.slice(1), [
      {
        role: "assistant",
        content: "Checking.",
        tool_calls: [
          {
            id: "toolu_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city":"Paris"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "18C" },
      { role: "tool", tool_call_id: "toolu_2", content: "no such city", is_error: true },
      { role: "user", content: "Here:" },
    ]);
  });

  test("an assistant turn of tool calls only has null content", () => {
    const call = toMessagesCall({
      ...base,
      messages: [
        { role: "user", content: "x" },
        { role: "assistant", content: [{ type: "tool_use", id: "t", name: "f", input: {} }] },
      ],
    });
    assert.equal((call.messages[1] as { content: unknown }).content, null);
  });

  test("images become image parts: base64 as a data URL, url as is, also from inside tool results", () => {
    const call = toMessagesCall({
      ...base,
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
            {
              type: "tool_result",
              tool_use_id: "t1",
              content: [
                { type: "text", text: "screenshot" },
                { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
              ],
            },
          ],
        },
      ],
    });
    assert.deepEqual(call.messages, [
      { role: "tool", tool_call_id: "t1", content: "screenshot" },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
          { type: "image_url", image_url: { url: "https://example.com/a.png" } },
        ],
      },
    ]);
  });

  test("custom tools keep their input_schema; tool_choice maps auto, any, none and tool", () => {
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const tools = [{ name: "get_weather", description: "Weather now", input_schema: schema }];
    const messages = [{ role: "user", content: "x" }];
    const call = toMessagesCall({ ...base, messages, tools, tool_choice: { type: "any" } });
    assert.deepEqual(call.tools, [
      { type: "function", function: { name: "get_weather", description: "Weather now", parameters: schema } },
    ]);
    assert.equal(call.toolChoice, "required");
    const choices = [
      [{ type: "auto", disable_parallel_tool_use: true }, "auto"],
      [{ type: "none" }, "none"],
      [
        { type: "tool", name: "get_weather" },
        { type: "function", function: { name: "get_weather" } },
      ],
    ] as const;
    for (const [choice, expected] of choices)
      assert.deepEqual(
        toMessagesCall({ ...base, messages, tools, tool_choice: choice }).toolChoice,
        expected,
      );
  });

  test("missing or wrong fields are 400s naming the field", () => {
    const messages = [{ role: "user", content: "x" }];
    const cases: [Record<string, unknown>, RegExp, string][] = [
      [{ max_tokens: 5, messages }, /^model: Field required/, "model"],
      [{ model: "m", messages }, /^max_tokens: Field required/, "max_tokens"],
      [{ ...base, max_tokens: 0, messages }, /max_tokens: must be at least 1/, "max_tokens"],
      [{ ...base, max_tokens: 1.5, messages }, /max_tokens: must be an integer/, "max_tokens"],
      [{ ...base, messages: [] }, /messages: must be a non-empty array/, "messages"],
      [{ ...base, messages: [{ role: "tool", content: "x" }] }, /messages\[0\]\.role/, "messages[0].role"],
      [{ ...base, messages, temperature: "hot" }, /temperature: must be a number/, "temperature"],
      [{ ...base, messages, stop_sequences: "END" }, /stop_sequences/, "stop_sequences"],
      [{ ...base, messages, tool_choice: { type: "some" } }, /tool_choice/, "tool_choice"],
      [{ ...base, messages, thinking: { type: "maybe" } }, /thinking/, "thinking"],
      [
        { ...base, messages: [{ role: "user", content: [{ type: "document", source: {} }] }] },
        /"document" blocks are not supported/,
        "messages[0].content[0].type",
      ],
      [
        { ...base, messages: [{ role: "user", content: [{ type: "image", source: { type: "file" } }] }] },
        /source: must be/,
        "messages[0].content[0].source",
      ],
      [
        { ...base, messages, tools: [{ type: "web_search_20250305", name: "web_search" }] },
        /server tools/,
        "tools[0].type",
      ],
      [
        { ...base, messages, tools: [{ name: "f" }] },
        /input_schema: Field required/,
        "tools[0].input_schema",
      ],
    ];
    for (const [body, message, param] of cases) {
      const got = rejection(body);
      assert.match(got.message, message);
      assert.equal(got.param, param);
    }
  });
});
