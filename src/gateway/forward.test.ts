import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { llmSchema } from "../config/schema.ts";
import { buildUpstreamBody, canForward, extractUsage } from "./forward.ts";
import { readChatHead } from "./openai-chat.ts";

const config = (fields: Record<string, unknown> = {}) =>
  llmSchema.parse({ model: "openai/served", ...fields });
const endpoint = { modelId: "served", official: false, acceptsSampling: true, reasoningEffort: false };

describe("the fast path", () => {
  test("reads the last usage object of a response without parsing the rest", () => {
    const text = `{"id":"x","choices":[{"message":{"content":"a \\"usage\\": {"}}],"usage":{"prompt_tokens":12,"completion_tokens":3,"prompt_tokens_details":{"cached_tokens":4}}}`;
    assert.deepEqual(extractUsage(text), {
      input_tokens: 12,
      output_tokens: 3,
      cache_read_tokens: 4,
      cache_write_tokens: 0,
    });
    assert.equal(extractUsage('{"choices":[]}'), undefined);
    assert.equal(extractUsage('{"usage":{"prompt_tokens":'), undefined);
  });

  test("sends the upstream model id and lays the config's defaults under the request's values", () => {
    const json = {
      model: "gpt3",
      messages: [{ role: "user", content: "x" }],
      temperature: 0.9,
      stream: true,
    };
    const body = buildUpstreamBody(
      json,
      readChatHead(json),
      config({ temperature: 0.2, top_p: 0.5, max_output_tokens: 9 }),
      endpoint,
    );
    assert.equal(body.model, "served");
    assert.equal(body.temperature, 0.9);
    assert.equal(body.top_p, 0.5);
    assert.equal(body.max_tokens, 9);
    assert.deepEqual(body.stream_options, { include_usage: true });
  });

  test("pinned parameters replace the request's, max_completion_tokens included", () => {
    const json = {
      model: "gpt3",
      messages: [{ role: "user", content: "x" }],
      temperature: 0.9,
      max_completion_tokens: 999,
    };
    const pinned = config({
      temperature: 0.2,
      max_output_tokens: 9,
      pinned_params: ["temperature", "max_output_tokens"],
    });
    const body = buildUpstreamBody(json, readChatHead(json), pinned, endpoint);
    assert.equal(body.temperature, 0.2);
    assert.equal(body.max_tokens, 9);
    assert.equal(body.max_completion_tokens, undefined);
  });

  test("configs with fallbacks, completion logs, token limits or over-long messages go through the runtime", () => {
    const json = { model: "m", messages: [{ role: "user", content: "x".repeat(50) }] };
    assert.equal(canForward(config(), json), true);
    assert.equal(canForward(config({ fallbacks: ["b"] }), json), false);
    assert.equal(canForward(config({ log_completions: true }), json), false);
    assert.equal(canForward(config({ max_input_tokens: 100 }), json), false);
    assert.equal(canForward(config({ max_message_chars: 10 }), json), false);
  });
});
