import assert from "node:assert/strict";
import { test } from "node:test";
import { createObservationMaskingCondenser, MASKED } from "./observation-masking.ts";
import { createSampleConversation } from "./sample-conversation.ts";
import { findPairingProblem, toMessages, type View } from "./view.ts";

const viewOf = (steps: number[]): View =>
  createSampleConversation(steps).map((message, index) => ({ index, message }));

test("observation_masking masks tool results older than the attention window and keeps everything else", async () => {
  const condenser = createObservationMaskingCondenser({ type: "observation_masking", attention_window: 3 });
  const view = viewOf([1, 1, 1]); // 0 sys 1 task 2 a 3 t 4 a | 5 t 6 a 7 t: the last 3 are the window
  const result = await condenser.condense(view, { requested: false });
  const shown = result.kind === "view" ? result.view : [];
  assert.equal(shown.length, view.length);
  assert.deepEqual(
    shown.map((event) => (event.message.role === "tool" ? event.message.content : "·")),
    ["·", "·", "·", MASKED, "·", view[5]?.message.content, "·", view[7]?.message.content],
  );
  assert.equal(findPairingProblem(toMessages(shown)), undefined, "calls and results stay paired");
});

test("observation_masking leaves a history within its window as it is", async () => {
  const condenser = createObservationMaskingCondenser({ type: "observation_masking", attention_window: 100 });
  const view = viewOf([1, 1]);
  const result = await condenser.condense(view, { requested: false });
  assert.equal(result.kind === "view" && result.view, view);
});
