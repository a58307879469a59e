import assert from "node:assert/strict";
import { test } from "node:test";
import { llmSchema } from "../config/schema.ts";
import { LlmError } from "./errors.ts";
import type { ChatMessage } from "./messages.ts";
import type { ProviderModel } from "./providers/registry.ts";
import { prepareCall } from "./request.ts";

type Target = Pick<ProviderModel, "provider" | "optionsKey" | "openAiCompatible">;
const openai: Target = { provider: "openai", optionsKey: "openai", openAiCompatible: false };
const anthropic: Target = { provider: "anthropic", optionsKey: "anthropic", openAiCompatible: false };
const hi: ChatMessage[] = [{ role: "user", content: "hi" }];

const prepare = (fields: Record<string, unknown>, target: Target = openai, messages = hi) =>
  prepareCall(llmSchema.parse(fields), "test", target, { messages });

test("max_output_tokens defaults to the model's own limit when unset", () => {
  const { options } = prepare({ model: "claude-3-5-sonnet-20241022" }, anthropic);
  assert.ok((options.maxOutputTokens ?? 0) > 0);
  assert.equal(prepare({ model: "gpt-4o", max_output_tokens: 10 }).options.maxOutputTokens, 10);
});

test("top_k is dropped with a note for OpenAI, and refused when drop_params is false", () => {
  const dropped = prepare({ model: "gpt-4o", top_k: 5 });
  assert.equal(dropped.options.topK, undefined);
  assert.deepEqual(dropped.notes, ["top_k dropped: the OpenAI API has no top_k"]);
  assert.throws(() => prepare({ model: "gpt-4o", top_k: 5, drop_params: false }), LlmError);
});

test("Anthropic gets no seed, and Claude 4 models get temperature without top_p", () => {
  const { options, notes } = prepare({ model: "claude-sonnet-4-20250514", seed: 3 }, anthropic);
  assert.equal(options.seed, undefined);
  assert.equal(options.topP, undefined);
  assert.equal(options.temperature, 0);
  assert.deepEqual(notes, ["seed dropped: the Anthropic API has no seed"]);
});

test("reasoning_effort is never sent to Claude Sonnet 4.5, as in OpenHands", () => {
  const { options, notes } = prepare(
    { model: "claude-sonnet-4-5-20250929", reasoning_effort: "high" },
    anthropic,
  );
  assert.equal(options.providerOptions, undefined);
  assert.match(notes.join(), /reasoning_effort ignored/);
});

test("disable_vision drops images; otherwise a data URL becomes a file part", () => {
  const withImage: ChatMessage[] = [
    {
      role: "user",
      content: [
        { type: "text", text: "what is this" },
        { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } },
      ],
    },
  ];
  const kept = prepare({ model: "gpt-4o" }, openai, withImage).options.prompt[0];
  assert.deepEqual(kept?.content, [
    { type: "text", text: "what is this" },
    { type: "file", mediaType: "image/png", data: "AAAA" },
  ]);
  const dropped = prepare({ model: "gpt-4o", disable_vision: true }, openai, withImage).options.prompt[0];
  assert.deepEqual(dropped?.content, [{ type: "text", text: "what is this" }]);
});

test("assistant tool calls and tool results keep their ids and names", () => {
  const { options } = prepare({ model: "gpt-4o" }, openai, [
    { role: "user", content: "list" },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "call_1", type: "function", function: { name: "ls", arguments: '{"dir":"."}' } }],
    },
    { role: "tool", tool_call_id: "call_1", content: "a.txt" },
  ]);
  assert.deepEqual(options.prompt[1]?.content, [
    { type: "tool-call", toolCallId: "call_1", toolName: "ls", input: { dir: "." } },
  ]);
  assert.deepEqual(options.prompt[2]?.content, [
    { type: "tool-result", toolCallId: "call_1", toolName: "ls", output: { type: "text", value: "a.txt" } },
  ]);
});

test("a failed tool's result is sent as error text, which Anthropic marks is_error", () => {
  const { options } = prepare({ model: "claude-sonnet-4-20250514" }, anthropic, [
    { role: "user", content: "list" },
    {
      role: "assistant",
      content: null,
      tool_calls: [{ id: "toolu_1", type: "function", function: { name: "ls", arguments: "{}" } }],
    },
    { role: "tool", tool_call_id: "toolu_1", content: "no such dir", is_error: true },
  ]);
  assert.deepEqual(options.prompt[2]?.content, [
    {
      type: "tool-result",
      toolCallId: "toolu_1",
      toolName: "ls",
      output: { type: "error-text", value: "no such dir" },
    },
  ]);
});

test("native_tool_calling = false with tools is refused with the reason", () => {
  assert.throws(
    () =>
      prepareCall(llmSchema.parse({ model: "gpt-4o", native_tool_calling: false }), "test", openai, {
        messages: hi,
        tools: [{ type: "function", function: { name: "f" } }],
      }),
    /prompt-based tool converter is not part of the runtime/,
  );
});

test("an empty message list is refused before sending", () => {
  assert.throws(() => prepare({ model: "gpt-4o" }, openai, []), /no messages to send/);
});

test("call parameters override the config's defaults for that call only", () => {
  const config = llmSchema.parse({
    model: "gpt-4o",
    temperature: 0.2,
    top_p: 0.5,
    seed: 1,
    max_output_tokens: 100,
  });
  const { options } = prepareCall(config, "test", openai, {
    messages: hi,
    parameters: {
      temperature: 0.9,
      topP: 0.8,
      seed: 2,
      maxOutputTokens: 7,
      stopSequences: ["END"],
      presencePenalty: 0.1,
      frequencyPenalty: 0.3,
    },
  });
  assert.equal(options.temperature, 0.9);
  assert.equal(options.topP, 0.8);
  assert.equal(options.seed, 2);
  assert.equal(options.maxOutputTokens, 7);
  assert.deepEqual(options.stopSequences, ["END"]);
  assert.equal(options.presencePenalty, 0.1);
  assert.equal(options.frequencyPenalty, 0.3);
  const defaults = prepareCall(config, "test", openai, { messages: hi, parameters: {} }).options;
  assert.deepEqual([defaults.temperature, defaults.topP, defaults.seed], [0.2, 0.5, 1]);
  assert.equal(defaults.maxOutputTokens, 100);
});

test("a call's top_k follows the model's rules like the config's: dropped with a note for OpenAI", () => {
  const { options, notes } = prepareCall(llmSchema.parse({ model: "gpt-4o" }), "test", openai, {
    messages: hi,
    parameters: { topK: 3 },
  });
  assert.equal(options.topK, undefined);
  assert.deepEqual(notes, ["top_k dropped: the OpenAI API has no top_k"]);
});
