import assert from "node:assert/strict";
import { test } from "node:test";
import { llmSchema } from "../config/schema.ts";
import { countPromptTokens } from "../llm/tokens.ts";
import {
  estimateSpend,
  outputTokenBound,
  promptOfChatBody,
  UNBOUNDED_OUTPUT_ESTIMATE_TOKENS,
} from "./spend-estimate.ts";

const configOf = (fields: Record<string, unknown>) => llmSchema.parse({ model: "openai/gpt-4o", ...fields });

test("the output bound is the request's max tokens within the model's limit, else a capped default", () => {
  assert.equal(outputTokenBound(configOf({ max_output_tokens: 100 })), 100);
  assert.equal(outputTokenBound(configOf({ max_output_tokens: 10_000_000 })), 16_384);
  assert.equal(outputTokenBound(configOf({})), UNBOUNDED_OUTPUT_ESTIMATE_TOKENS);
  assert.equal(
    outputTokenBound(configOf({ model: "openai/unknown-model-x" })),
    UNBOUNDED_OUTPUT_ESTIMATE_TOKENS,
  );
});

test("the estimate prices the prompt counted with the model's tokenizer and the output bound", async () => {
  const config = configOf({
    input_cost_per_token: 0.001,
    output_cost_per_token: 0.002,
    max_output_tokens: 50,
  });
  const messages = [{ role: "user" as const, content: "How many tokens is this sentence?" }];
  const counted = (await countPromptTokens("openai/gpt-4o", messages)).count;
  const estimate = await estimateSpend(config, { messages });
  assert.deepEqual(estimate, { promptTokens: counted, outputTokens: 50, usd: counted * 0.001 + 50 * 0.002 });
});

test("the first estimate of a model whose output limit only the catalog knows is bounded by that limit", async () => {
  // mistral-small-latest writes at most 16384 tokens: only the models.dev catalog says so, and no call
  // has loaded it in this process, so the estimate must load it itself (as a later one would find it).
  const config = configOf({ model: "openai/mistral-small-latest", max_output_tokens: 32_000 });
  const estimate = await estimateSpend(config, { messages: [{ role: "user", content: "hi" }] });
  assert.equal(estimate.outputTokens, 16_384);
});

test("a model without a known price estimates $0, as its calls are charged", async () => {
  const estimate = await estimateSpend(configOf({ model: "openai/unknown-model-x" }), {
    messages: [{ role: "user", content: "hi" }],
  });
  assert.equal(estimate.usd, 0);
});

test("a chat body's prompt is read leniently: text parts, images by size, tool calls, odd entries skipped", async () => {
  const prompt = promptOfChatBody({
    messages: [
      { role: "system", content: "be brief" },
      {
        role: "user",
        content: [
          { type: "text", text: "what is this?" },
          {
            type: "image_url",
            image_url: { url: `data:image/png;base64,${"A".repeat(100_000)}`, detail: "low" },
          },
          { type: "input_audio" },
        ],
      },
      {
        role: "assistant",
        content: null,
        tool_calls: [{ function: { name: "look", arguments: '{"x":1}' } }, 7],
      },
      { role: "tool", content: "seen", tool_call_id: "call_1" },
      42,
    ],
    tools: [{ type: "function", function: { name: "look", parameters: { type: "object" } } }, "junk"],
  });
  assert.equal(prompt.messages.length, 4);
  assert.equal(prompt.tools?.length, 1);
  const estimate = await estimateSpend(configOf({}), prompt);
  // 85 tokens for the low-detail image, not 25,000 for its base64 text.
  assert.ok(estimate.promptTokens > 85 && estimate.promptTokens < 200, String(estimate.promptTokens));
});
