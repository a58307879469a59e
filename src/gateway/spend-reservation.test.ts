import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { llmSchema, type ResolvedLlmConfig } from "../config/schema.ts";
import type { ClientKey } from "./auth.ts";
import { GatewayError } from "./errors.ts";
import { createMemoryLedger, type SpendStore, SpendStoreUnavailableError } from "./ledger.ts";
import { type ReservationContext, reserveSpend } from "./spend-reservation.ts";

// One prompt token and one output token each cost $0.01; "hi" is 8 tokens with the chat framing.
const config: ResolvedLlmConfig = llmSchema.parse({
  model: "mock/echo",
  input_cost_per_token: 0.01,
  output_cost_per_token: 0.01,
  max_output_tokens: 1,
});
const prompt = () => ({ messages: [{ role: "user" as const, content: "hi" }] });

function keyWith(maxBudget: number | null): ClientKey {
  return { id: "team-a", configs: undefined, maxBudget, digest: Buffer.alloc(32) };
}

function contextOf(maxBudget: number | null, spend: SpendStore = createMemoryLedger()): ReservationContext {
  return { key: keyWith(maxBudget), spend, wallClock: () => 0 };
}

const refusal = (code: string, status: number) => (error: unknown) =>
  error instanceof GatewayError && error.code === code && error.status === status;

/** Lets the fire-and-forget settle reach the store. */
const settledWrites = () => new Promise((done) => setImmediate(done));

describe("reserve-then-settle on the local ledger", () => {
  test("concurrent requests are admitted while the budget covers their estimates, and no further", async () => {
    const context = contextOf(0.35);
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => reserveSpend(context, config, prompt)),
    );
    assert.equal(results.filter((result) => result.status === "fulfilled").length, 3);
    for (const result of results.filter((result) => result.status === "rejected"))
      assert.ok(refusal("budget_exceeded", 429)(result.reason), String(result.reason));
  });

  test("settling records the actual cost and frees the rest of the hold for the next request", async () => {
    const context = contextOf(0.15);
    const first = await reserveSpend(context, config, prompt);
    await assert.rejects(reserveSpend(context, config, prompt), refusal("budget_exceeded", 429));
    first.settle("gpt3", 0.04);
    await settledWrites();
    assert.equal(await context.spend.spentUsd("team-a"), 0.04);
    const second = await reserveSpend(context, config, prompt);
    second.settle("gpt3", 0.04);
    second.settle("gpt3", 1); // a second settle of the same request is ignored
    await settledWrites();
    assert.equal(await context.spend.spentUsd("team-a"), 0.08);
  });

  test("a request is refused only when spent + held + its estimate pass the budget, with the figures", async () => {
    const context = contextOf(0.25);
    const held = await reserveSpend(context, config, prompt);
    const admitted = await reserveSpend(context, config, prompt);
    await assert.rejects(reserveSpend(context, config, prompt), (error: unknown) => {
      assert.ok(refusal("budget_exceeded", 429)(error));
      const { message, headers } = error as GatewayError;
      assert.equal(headers["x-should-retry"], "false");
      assert.match(message, /key "team-a" has \$0\.0700 left of max_budget \$0\.25/);
      assert.match(message, /\$0\.1800 held by requests in flight/);
      assert.match(message, /may cost up to \$0\.0900 \(8 prompt tokens \+ up to 1 output tokens\)/);
      return true;
    });
    held.release();
    admitted.release();
    await settledWrites();
    assert.equal(await context.spend.spentUsd("team-a"), 0);
    await reserveSpend(context, config, prompt);
  });

  test("a budget already spent is refused as exhausted, as before reservations", async () => {
    const context = contextOf(0.1);
    (await reserveSpend(context, config, prompt)).settle("gpt3", 0.1);
    await settledWrites();
    await assert.rejects(reserveSpend(context, config, prompt), (error: unknown) => {
      assert.match(
        (error as Error).message,
        /^budget exhausted: key "team-a" has spent \$0\.1000 of max_budget \$0\.1$/,
      );
      return true;
    });
  });

  test("a spent budget refuses even a request of unknown price, whose estimate is $0", async () => {
    const context = contextOf(0.1);
    const unpriced = llmSchema.parse({ model: "openai/unknown-model-x" });
    (await reserveSpend(context, unpriced, prompt)).settle("x", 0);
    (await reserveSpend(context, config, prompt)).settle("gpt3", 0.1);
    await settledWrites();
    await assert.rejects(reserveSpend(context, unpriced, prompt), refusal("budget_exceeded", 429));
  });

  test("a cut stream is charged its prompt and the output it produced; a failed call nothing", async () => {
    const context = contextOf(1);
    (await reserveSpend(context, config, prompt)).settleInterrupted("gpt3", 20);
    await settledWrites();
    assert.ok(Math.abs((await context.spend.spentUsd("team-a")) - 0.28) < 1e-9);
    (await reserveSpend(context, config, prompt)).release();
    await settledWrites();
    assert.ok(Math.abs((await context.spend.spentUsd("team-a")) - 0.28) < 1e-9);
  });

  test("a key without a budget is never refused, and its spend (cut streams too) is still recorded", async () => {
    const context = contextOf(null);
    (await reserveSpend(context, config, prompt)).settle("gpt3", 5);
    (await reserveSpend(context, config, prompt)).settleInterrupted("gpt3", 1);
    // The cut stream's prompt is counted after the call: wait for that write, a bounded number of turns.
    for (let turn = 0; turn < 100 && (await context.spend.spentUsd("team-a")) <= 5; turn++)
      await settledWrites();
    assert.ok(Math.abs((await context.spend.spentUsd("team-a")) - 5.09) < 1e-9);
  });

  test("without client keys nothing is metered", async () => {
    const spend = createMemoryLedger();
    const reservation = await reserveSpend({ key: undefined, spend, wallClock: () => 0 }, config, () => {
      throw new Error("the prompt is not read");
    });
    reservation.settle("gpt3", 3);
    await settledWrites();
    assert.equal(await spend.spentUsd("team-a"), 0);
  });

  test("a shared store out of reach is a 503 that names the problem, and nothing is sent", async () => {
    const down: SpendStore = {
      ...createMemoryLedger(),
      reserve: () =>
        Promise.reject(new SpendStoreUnavailableError("Redis at redis://127.0.0.1:1 is unreachable")),
    };
    await assert.rejects(reserveSpend(contextOf(1, down), config, prompt), (error: unknown) => {
      assert.ok(refusal("spend_store_unavailable", 503)(error));
      assert.match(
        (error as Error).message,
        /cannot check the budget of key "team-a": Redis at redis:\/\/127\.0\.0\.1:1/,
      );
      return true;
    });
  });
});
