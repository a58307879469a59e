import assert from "node:assert/strict";
import { test } from "node:test";
import { createConversationWindowCondenser } from "./conversation-window.ts";
import { createSampleConversation } from "./sample-conversation.ts";
import type { View } from "./view.ts";

const viewOf = (steps: number[]): View =>
  createSampleConversation(steps).map((message, index) => ({ index, message }));
const condenser = createConversationWindowCondenser({ type: "conversation_window" });

test("conversation_window leaves any history alone until the provider says the prompt is too long", async () => {
  const result = await condenser.condense(viewOf(Array(60).fill(1)), { requested: false });
  assert.equal(result.kind, "view");
});

test("conversation_window asked keeps the system prompt, the task and the recent half, from a whole unit", async () => {
  const view = viewOf([1, 1, 2, 1]); // 0 1 | 2 3 | 4 5 | 6 7 8 | 9 10 → 9 non-essential, keep 4
  const result = await condenser.condense(view, { requested: true });
  assert.equal(result.kind, "condensation");
  // The window would start at 7 (a tool result): it starts after that unit, at 9.
  assert.deepEqual(
    result.kind === "condensation" ? result.forgotten.map((event) => event.index) : [],
    [2, 3, 4, 5, 6, 7, 8],
  );
});
