import assert from "node:assert/strict";
import { test } from "node:test";
import { createLlmSummarizingCondenser } from "./llm-summarizing.ts";
import { createSampleConversation } from "./sample-conversation.ts";
import { createScriptedCondenserLlm } from "./scripted-llm.ts";
import { toSummaryEvent, type View, type ViewEvent } from "./view.ts";

const viewOf = (steps: number[]): ViewEvent[] =>
  createSampleConversation(steps).map((message, index) => ({ index, message }));
const config = {
  type: "llm" as const,
  llm_config: "cheap",
  keep_first: 1,
  max_size: 10,
  max_event_length: 10000,
};

test("llm does not call its LLM while the history is within max_size", async () => {
  const condenser = createLlmSummarizingCondenser(config, createScriptedCondenserLlm("cheap", []));
  const result = await condenser.condense(viewOf([1, 1, 1, 1]), { requested: false });
  assert.equal(result.kind, "view", "a scripted LLM with no replies would have failed if called");
});

test("llm over max_size forgets the middle, keeps head and recent units, and its LLM summarises the forgotten events", async () => {
  const summarizer = createScriptedCondenserLlm("cheap", [{ text: "NOTES: steps 0-2 done" }]);
  const condenser = createLlmSummarizingCondenser(config, summarizer);
  const view = viewOf([1, 1, 1, 1, 1]); // 12 events; target 5: head 2 + summary + 2 recent
  const result = await condenser.condense(view, { requested: false });
  assert.equal(result.kind, "condensation");
  if (result.kind !== "condensation") return;
  assert.deepEqual(
    result.forgotten.map((event) => event.index),
    [2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.equal(result.summary, "NOTES: steps 0-2 done");
  assert.equal(result.summaryOffset, 2, "the summary goes right after the system prompt and the task");
  assert.equal(result.call?.configName, "cheap");
  assert.equal(result.call?.model, "mock/script");
});

test("a second condensation summarises the previous summary with the newly forgotten events", async () => {
  const condenser = createLlmSummarizingCondenser(config, createScriptedCondenserLlm("cheap"));
  const events = viewOf([1, 1, 1, 1, 1, 1]);
  const view: View = [...events.slice(0, 2), toSummaryEvent("FIRST NOTES"), ...events.slice(2)];
  const result = await condenser.condense(view, { requested: false });
  assert.equal(result.kind, "condensation");
  if (result.kind !== "condensation") return;
  // mock/echo answers with the prompt's text: the previous summary was in it.
  assert.match(result.summary ?? "", /FIRST NOTES/);
  assert.deepEqual(
    result.forgotten.map((event) => event.index),
    [2, 3, 4, 5, 6, 7, 8, 9, 10, 11],
    "the old summary is replaced, not listed as forgotten",
  );
});
