import assert from "node:assert/strict";
import { test } from "node:test";
import { llmSchema } from "../config/schema.ts";
import { applyRequestParams } from "./params.ts";

test("request parameters override config defaults unless the config pins them", () => {
  const config = llmSchema.parse({
    model: "gpt-4o",
    temperature: 0.1,
    top_p: 0.5,
    pinned_params: ["temperature"],
  });
  const { config: applied, ignored } = applyRequestParams(config, {
    temperature: 0.9,
    top_p: 0.7,
    max_output_tokens: 12,
  });
  assert.equal(applied.temperature, 0.1);
  assert.equal(applied.top_p, 0.7);
  assert.equal(applied.max_output_tokens, 12);
  assert.deepEqual(ignored, ["temperature"]);
  assert.equal(applyRequestParams(config, {}).config, config);
});
