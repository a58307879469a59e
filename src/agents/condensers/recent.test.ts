import assert from "node:assert/strict";
import { test } from "node:test";
import { createRecentCondenser } from "./recent.ts";
import { createSampleConversation } from "./sample-conversation.ts";
import { findPairingProblem, toMessages, type View } from "./view.ts";

const viewOf = (steps: number[]): View =>
  createSampleConversation(steps).map((message, index) => ({ index, message }));

test("recent keeps the first keep_first events and the most recent ones, max_events in all", async () => {
  const condenser = createRecentCondenser({ type: "recent", keep_first: 2, max_events: 6 });
  const view = viewOf([1, 1, 1, 1, 1]); // 12 events
  const result = await condenser.condense(view, { requested: false });
  assert.equal(result.kind, "view");
  assert.deepEqual(
    result.kind === "view" ? result.view.map((event) => event.index) : [],
    [0, 1, 8, 9, 10, 11],
  );
});

test("recent leaves a history within max_events as it is", async () => {
  const condenser = createRecentCondenser({ type: "recent", keep_first: 1, max_events: 100 });
  const view = viewOf([1, 1]);
  const result = await condenser.condense(view, { requested: false });
  assert.equal(result.kind === "view" && result.view, view);
});

test("recent never starts its window on a tool result: the window starts after that unit", async () => {
  const condenser = createRecentCondenser({ type: "recent", keep_first: 1, max_events: 5 });
  const view = viewOf([1, 2, 2]); // 0,1 | 2 a,3 t | 4 a,5 t,6 t | 7 a,8 t,9 t
  const result = await condenser.condense(view, { requested: false });
  const shown = result.kind === "view" ? result.view : [];
  assert.deepEqual(
    shown.map((event) => event.index),
    [0, 1, 7, 8, 9],
  );
  assert.equal(findPairingProblem(toMessages(shown)), undefined);
});

test("recent does not answer a context-too-long request (its window is all it does)", () => {
  assert.equal(
    createRecentCondenser({ type: "recent", keep_first: 1, max_events: 5 }).answersRequests,
    false,
  );
});
