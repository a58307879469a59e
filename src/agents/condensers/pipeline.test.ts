import assert from "node:assert/strict";
import { test } from "node:test";
import { createAmortizedCondenser } from "./amortized.ts";
import { createObservationMaskingCondenser, MASKED } from "./observation-masking.ts";
import { createPipelineCondenser } from "./pipeline.ts";
import { createSampleConversation } from "./sample-conversation.ts";

const view = createSampleConversation([1, 1, 1, 1, 1]).map((message, index) => ({ index, message }));
const masking = { type: "observation_masking" as const, attention_window: 2 };
const amortized = { type: "amortized" as const, keep_first: 1, max_size: 10 };

test("a pipeline runs its condensers in order, each on the view the one before returned", async () => {
  const pipeline = createPipelineCondenser(
    { type: "pipeline", condensers: [masking, { ...amortized, max_size: 100 }] },
    [createObservationMaskingCondenser(masking), createAmortizedCondenser({ ...amortized, max_size: 100 })],
  );
  const result = await pipeline.condense(view, { requested: false });
  assert.equal(result.kind, "view");
  const masked =
    result.kind === "view" ? result.view.filter((event) => event.message.content === MASKED) : [];
  assert.equal(masked.length, 4);
});

test("a pipeline stops at the first condenser that forgets events, and answers requests if a member does", async () => {
  const pipeline = createPipelineCondenser({ type: "pipeline", condensers: [masking, amortized] }, [
    createObservationMaskingCondenser(masking),
    createAmortizedCondenser(amortized),
  ]);
  assert.equal(pipeline.answersRequests, true);
  const result = await pipeline.condense(view, { requested: false });
  assert.equal(result.kind, "condensation");
  assert.equal(result.kind === "condensation" && result.condenser.type, "amortized");
});
