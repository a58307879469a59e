import assert from "node:assert/strict";
import { test } from "node:test";
import { createAmortizedCondenser } from "./amortized.ts";
import { createSampleConversation } from "./sample-conversation.ts";
import type { View } from "./view.ts";

const viewOf = (steps: number[]): View =>
  createSampleConversation(steps).map((message, index) => ({ index, message }));

const condenser = createAmortizedCondenser({ type: "amortized", keep_first: 1, max_size: 10 });

test("amortized does nothing until the history is over max_size", async () => {
  const result = await condenser.condense(viewOf([1, 1, 1, 1]), { requested: false }); // 10 events
  assert.equal(result.kind, "view");
});

test("amortized forgets the middle so about max_size / 2 events are left, head and recent units kept", async () => {
  // 12 events; target 5: the head (2) and 3 recent, moved back to the start of the last unit (8).
  const view = viewOf([1, 1, 1, 1, 1]);
  const result = await condenser.condense(view, { requested: false });
  assert.equal(result.kind, "condensation");
  if (result.kind !== "condensation") return;
  assert.deepEqual(
    result.forgotten.map((event) => event.index),
    [2, 3, 4, 5, 6, 7],
  );
  assert.equal(result.summary, undefined, "amortized writes no summary");
});

test("amortized asked by a context-too-long answer forgets half of what follows the head, even below max_size", async () => {
  const view = viewOf([1, 1, 1, 1]); // 10 events
  const result = await condenser.condense(view, { requested: true });
  assert.equal(result.kind, "condensation");
  assert.deepEqual(
    result.kind === "condensation" ? result.forgotten.map((event) => event.index) : [],
    [2, 3, 4, 5],
  );
});
