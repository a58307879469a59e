import assert from "node:assert/strict";
import { test } from "node:test";
import { choosePositions, createLlmAttentionCondenser, parseRanking } from "./llm-attention.ts";
import { createSampleConversation } from "./sample-conversation.ts";
import { createScriptedCondenserLlm } from "./scripted-llm.ts";
import { findPairingProblem, toMessages } from "./view.ts";

const view = createSampleConversation([1, 1, 1, 1, 1]).map((message, index) => ({ index, message }));
const config = { type: "llm_attention" as const, llm_config: "cheap", keep_first: 1, max_size: 10 };

test("llm_attention keeps the events its LLM ranks first, with their whole tool-call units", async () => {
  // Ranks the result of step 0 (index 3) first: its call (2) comes with it.
  const ranker = createScriptedCondenserLlm("cheap", [{ text: '{"ids": [3, 11]}' }]);
  const result = await createLlmAttentionCondenser(config, ranker).condense(view, { requested: false });
  assert.equal(result.kind, "condensation");
  if (result.kind !== "condensation") return;
  const forgotten = new Set(result.forgotten.map((event) => event.index));
  const kept = view.filter((event) => !forgotten.has(event.index));
  assert.deepEqual(
    kept.map((event) => event.index),
    [0, 1, 2, 3, 10, 11],
  );
  assert.equal(findPairingProblem(toMessages(kept)), undefined);
  assert.equal(result.call?.configName, "cheap");
});

test("an answer that is not a ranking keeps the most recent events", async () => {
  const ranker = createScriptedCondenserLlm("cheap", [{ text: "I cannot rank these" }]);
  const result = await createLlmAttentionCondenser(config, ranker).condense(view, { requested: false });
  const forgotten = new Set(
    result.kind === "condensation" ? result.forgotten.map((event) => event.index) : [],
  );
  assert.deepEqual(
    view.filter((event) => !forgotten.has(event.index)).map((event) => event.index),
    [0, 1, 8, 9, 10, 11],
  );
});

test("rankings are read from JSON, fenced or not; anything else is no ranking", () => {
  assert.deepEqual(parseRanking('{"ids":[4,2,"x",1.5]}'), [4, 2]);
  assert.deepEqual(parseRanking('```json\n{"ids":[1]}\n```'), [1]);
  assert.deepEqual(parseRanking("nope"), []);
  assert.deepEqual(
    [...choosePositions(view, 2, [], 0)].sort((a, b) => a - b),
    [0, 1],
  );
});
