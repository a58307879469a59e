import assert from "node:assert/strict";
import { test } from "node:test";
import { attemptTimeout, streamOutputBound, UNKNOWN_MODEL_OUTPUT_TOKENS } from "./bounds.ts";

test("an unset timeout, or OpenHands' 0 for unset, means the 600 s default", () => {
  assert.deepEqual(attemptTimeout({ timeout: null }), { seconds: 600, isDefault: true });
  assert.deepEqual(attemptTimeout({ timeout: 0 }), { seconds: 600, isDefault: true });
  assert.deepEqual(attemptTimeout({ timeout: 30 }), { seconds: 30, isDefault: false });
});

test("a timeout set in code past one day is held to one day, so no timer overflows", () => {
  assert.equal(attemptTimeout({ timeout: 2_592_000 }).seconds, 86_400);
  assert.ok(attemptTimeout({ timeout: 2_592_000 }).seconds * 1000 < 2 ** 31 - 1);
  assert.deepEqual(attemptTimeout({ timeout: -5 }), { seconds: 600, isDefault: true });
});

test("a stream's output bound comes from max_output_tokens, else the model's limit, else a ceiling", () => {
  const own = streamOutputBound({ max_output_tokens: 100 }, { maxOutputTokens: 8192 });
  const model = streamOutputBound({ max_output_tokens: null }, { maxOutputTokens: 8192 });
  const unknown = streamOutputBound({ max_output_tokens: 0 }, undefined);
  assert.match(own.describe, /^max_output_tokens = 100$/);
  assert.match(model.describe, /8192 output tokens/);
  assert.match(unknown.describe, new RegExp(`${UNKNOWN_MODEL_OUTPUT_TOKENS} output tokens`));
  // A margin over the limit: an answer of exactly the limit (at ~4 characters a token) is never cut.
  assert.ok(own.characters > 100 * 4);
  assert.ok(own.characters < model.characters && model.characters < unknown.characters);
});
