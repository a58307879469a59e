import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Completion, StreamDelta } from "../llm/index.ts";
import { GatewayError } from "./errors.ts";
import { readResponsesRequest } from "./responses-input.ts";
import { createResponsesDialect } from "./responses-output.ts";

const usage = { input_tokens: 10, output_tokens: 4, cache_read_tokens: 2, cache_write_tokens: 0 };
const call = {
  id: "call_1",
  type: "function" as const,
  function: { name: "read", arguments: '{"path":"a"}' },
};

function completionOf(
  text: string,
  toolCalls: (typeof call)[] = [],
  finishReason: Completion["finishReason"] = "stop",
): Completion {
  return {
    text,
    toolCalls,
    finishReason,
    usage,
    cost: { usd: 0.001, source: "test" },
    latencyMs: 1,
    attempts: 1,
    configName: "fast",
    requestedConfig: "fast",
    model: "openai/fake",
    notes: [],
    message: {
      role: "assistant",
      content: text === "" ? null : text,
      ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
    },
  };
}

/** The fields of a rendered response object these tests read. */
interface RenderedResponse {
  object: string;
  status: string;
  instructions: string | null;
  incomplete_details: unknown;
  error: unknown;
  output: { id: string; type: string; content?: unknown; call_id?: string }[];
  usage: { total_tokens: number };
}

const identity = (extra: Record<string, unknown> = {}) => ({
  id: "resp_1",
  createdAt: 1_700_000_000,
  request: readResponsesRequest({ model: "fast", input: "hi", instructions: "be brief", ...extra }),
});

/** The events of a rendered stream, parsed. */
function eventsOf(text: string): { event: string; data: Record<string, unknown> }[] {
  return text
    .split("\n\n")
    .filter(Boolean)
    .map((block) => {
      const [eventLine, dataLine] = block.split("\n");
      return { event: (eventLine ?? "").slice(7), data: JSON.parse((dataLine ?? "").slice(6)) };
    });
}

describe("rendering a response", () => {
  test("a whole answer is a completed response with a message, the function calls and usage", () => {
    const rendered = createResponsesDialect(identity()).renderCompletion(
      completionOf("Reading.", [call]),
    ) as RenderedResponse;
    assert.equal(rendered.object, "response");
    assert.equal(rendered.status, "completed");
    assert.equal(rendered.instructions, "be brief");
    assert.equal(rendered.output[0]?.type, "message");
    assert.deepEqual(rendered.output[0]?.content, [
      { type: "output_text", text: "Reading.", annotations: [] },
    ]);
    assert.match(rendered.output[0]?.id ?? "", /^msg_[0-9a-f]{32}$/);
    assert.deepEqual(
      { ...rendered.output[1], id: undefined },
      {
        id: undefined,
        type: "function_call",
        status: "completed",
        call_id: "call_1",
        name: "read",
        arguments: '{"path":"a"}',
      },
    );
    assert.deepEqual(rendered.usage, {
      input_tokens: 10,
      input_tokens_details: { cached_tokens: 2 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 14,
    });
  });

  test("an answer cut by the token limit is incomplete, naming max_output_tokens", () => {
    const rendered = createResponsesDialect(identity()).renderCompletion(
      completionOf("cut", [], "length"),
    ) as RenderedResponse;
    assert.equal(rendered.status, "incomplete");
    assert.deepEqual(rendered.incomplete_details, { reason: "max_output_tokens" });
  });

  test("a stream emits the typed events in OpenAI's order with increasing sequence numbers", () => {
    const renderer = createResponsesDialect(identity()).createStreamRenderer("openai/fake");
    const deltas: StreamDelta[] = [
      { type: "text-delta", text: "Read" },
      { type: "text-delta", text: "ing." },
      { type: "tool-call-delta", index: 0, id: "call_1", name: "read", argumentsDelta: '{"path":' },
      { type: "tool-call-delta", index: 0, id: "call_1", name: "read", argumentsDelta: '"a"}' },
    ];
    const text =
      renderer.start() +
      deltas.map((delta) => renderer.delta(delta)).join("") +
      renderer.end(completionOf("Reading.", [call]));
    const events = eventsOf(text);
    assert.deepEqual(
      events.map((event) => event.event),
      [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.output_item.added",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.delta",
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
      ],
    );
    assert.deepEqual(
      events.map((event) => event.data.sequence_number),
      events.map((_, index) => index),
    );
    assert.ok(events.every((event) => event.data.type === event.event));
    assert.deepEqual((events[2]?.data.item as { content?: unknown[] } | undefined)?.content, []);
    assert.equal(events[6]?.data.text, "Reading.");
    assert.equal(events[9]?.data.output_index, 1);
    assert.equal(events[12]?.data.arguments, '{"path":"a"}');
    const final = events.at(-1)?.data.response as RenderedResponse;
    assert.equal(final.status, "completed");
    assert.equal(final.output.length, 2);
    assert.equal(final.output[1]?.call_id, "call_1");
    assert.equal(final.usage.total_tokens, 14);
  });

  test("a failure after the stream began is a response.failed event carrying the error", () => {
    const renderer = createResponsesDialect(identity()).createStreamRenderer("openai/fake");
    const text =
      renderer.start() +
      renderer.delta({ type: "text-delta", text: "par" }) +
      renderer.error(
        new GatewayError("upstream broke", { status: 502, type: "upstream_error", code: "upstream_server" }),
      );
    const last = eventsOf(text).at(-1);
    assert.equal(last?.event, "response.failed");
    const response = last?.data.response as RenderedResponse;
    assert.equal(response.status, "failed");
    assert.deepEqual(response.error, { code: "server_error", message: "upstream broke" });
  });

  test("the completion is handed over to be kept before the last event is rendered", () => {
    const kept: string[] = [];
    const dialect = createResponsesDialect({
      ...identity(),
      onCompleted: (completion) => kept.push(completion.text),
    });
    dialect.renderCompletion(completionOf("whole"));
    const renderer = dialect.createStreamRenderer("m");
    renderer.end(completionOf("streamed"));
    assert.deepEqual(kept, ["whole", "streamed"]);
  });
});
