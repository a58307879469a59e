// Whatever the condenser and the shape of the conversation, what is sent stays a valid conversation:
// the system prompt and the task first, every tool result right after its call, every call answered.
import assert from "node:assert/strict";
import { test } from "node:test";
import fc from "fast-check";
import type { ResolvedCondenserConfig } from "../../config/schema.ts";
import type { ChatMessage } from "../../llm/messages.ts";
import { createHistory } from "../events.ts";
import { createAgentCondenser } from "./agent-condenser.ts";
import { createCondenser } from "./create-condenser.ts";
import { appendSampleStep, createSampleConversation } from "./sample-conversation.ts";
import { createScriptedCondenserLlm } from "./scripted-llm.ts";
import { findPairingProblem } from "./view.ts";

const keepFirst = fc.integer({ min: 0, max: 4 });
const maxSize = fc.integer({ min: 10, max: 30 });
const leaf: fc.Arbitrary<ResolvedCondenserConfig> = fc.oneof(
  fc.constant({ type: "noop" as const }),
  fc.constant({ type: "conversation_window" as const }),
  fc.record({
    type: fc.constant("recent" as const),
    keep_first: keepFirst,
    max_events: fc.integer({ min: 1, max: 20 }),
  }),
  fc.record({
    type: fc.constant("observation_masking" as const),
    attention_window: fc.integer({ min: 1, max: 10 }),
  }),
  fc.record({ type: fc.constant("amortized" as const), keep_first: keepFirst, max_size: maxSize }),
  fc.record({
    type: fc.constant("llm" as const),
    llm_config: fc.constant("cheap"),
    keep_first: keepFirst,
    max_size: maxSize,
    max_event_length: fc.constant(200),
  }),
  fc.record({
    type: fc.constant("structured" as const),
    llm_config: fc.constant("cheap"),
    keep_first: keepFirst,
    max_size: maxSize,
    max_event_length: fc.constant(200),
  }),
  fc.record({
    type: fc.constant("llm_attention" as const),
    llm_config: fc.constant("cheap"),
    keep_first: keepFirst,
    max_size: maxSize,
  }),
);
const condenserConfig = fc.oneof(
  leaf,
  fc.record({ type: fc.constant("pipeline" as const), condensers: fc.array(leaf, { maxLength: 3 }) }),
) as fc.Arbitrary<ResolvedCondenserConfig>;

test("condensed conversations stay valid for every condenser, step after step, asked to condense or not", async () => {
  await fc.assert(
    fc.asyncProperty(
      condenserConfig,
      fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()), { minLength: 1, maxLength: 40 }),
      async (config, steps) => {
        const history = createHistory([]);
        const condensing = createAgentCondenser(
          createCondenser(config, () => createScriptedCondenserLlm("cheap")),
          { name: "A", depth: 0 },
        );
        const messages: ChatMessage[] = createSampleConversation([]);
        const [system, task] = messages;
        for (const [index, [calls, requested]] of steps.entries()) {
          appendSampleStep(messages, calls, index);
          const view = await condensing.viewFor(messages, { history, requested });
          assert.equal(findPairingProblem(view.messages), undefined, JSON.stringify(view.messages));
          assert.equal(view.messages[0], system);
          assert.equal(view.messages[1], task);
          assert.ok(view.messages.length <= messages.length + 1);
        }
      },
    ),
    { numRuns: 150 },
  );
});
