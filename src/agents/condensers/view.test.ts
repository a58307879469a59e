import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { createSampleConversation } from "./sample-conversation.ts";
import {
  closeOverUnits,
  findPairingProblem,
  headLength,
  toSummaryEvent,
  toUnitBoundary,
  type View,
} from "./view.ts";

const viewOf = (steps: number[]): View =>
  createSampleConversation(steps).map((message, index) => ({ index, message }));

describe("view", () => {
  test("the head always holds the system prompt and the task, whatever keep_first says", () => {
    const view = viewOf([1, 1]);
    assert.equal(headLength(view, 0), 2);
    assert.equal(headLength(view, 1), 2);
    assert.equal(
      headLength(view, 3),
      4,
      "keep_first 3 ends inside a tool-call unit: the head takes the whole unit",
    );
  });

  test("a cut inside a tool-call unit moves past the unit's results", () => {
    const view = viewOf([2, 1]); // 0 sys, 1 task, 2 a(2), 3 tool, 4 tool, 5 a(1), 6 tool
    assert.equal(toUnitBoundary(view, 3), 5);
    assert.equal(toUnitBoundary(view, 5), 5);
    assert.equal(toUnitBoundary(view, 6), 7);
  });

  test("keeping any event of a tool-call unit keeps the whole unit", () => {
    const view = viewOf([2, 1]);
    assert.deepEqual([...closeOverUnits(view, new Set([4]))].sort(), [2, 3, 4]);
    assert.deepEqual([...closeOverUnits(view, new Set([5]))].sort(), [5, 6]);
  });

  test("the summary is a user message and carries its own text", () => {
    const event = toSummaryEvent("notes");
    assert.equal(event.message.role, "user");
    assert.equal(event.summary, "notes");
    assert.match(String(event.message.content), /notes$/);
  });

  test("pairing problems are found: a result without its call, a call without its result", () => {
    const messages = createSampleConversation([2, 1]);
    assert.equal(findPairingProblem(messages), undefined);
    assert.match(findPairingProblem(messages.filter((_, index) => index !== 2)) ?? "", /has no call/);
    assert.match(findPairingProblem(messages.filter((_, index) => index !== 4)) ?? "", /have no result/);
    assert.match(findPairingProblem(messages.slice(0, -1)) ?? "", /have no result/);
  });
});
