import assert from "node:assert/strict";
import { test } from "node:test";
import { createLedger, type LedgerCall } from "./ledger.ts";

const usage = { input_tokens: 100, output_tokens: 10, cache_read_tokens: 0, cache_write_tokens: 0 };
const callOf = (agent: string, llmConfig: string, costUsd: number | null): LedgerCall => ({
  agent,
  llmConfig,
  model: `${llmConfig}-model`,
  usage,
  costUsd,
  latencyMs: 5,
});

test("calls are split by agent × config × model, and the rows add up to the total", () => {
  const ledger = createLedger({ runBudgetUsd: null, agentCapsUsd: {} });
  ledger.record(["Main"], callOf("Main", "llm", 0.5));
  ledger.record(["Explorer", "Main"], callOf("Explorer", "cheap", 0.01));
  ledger.record(["Explorer", "Main"], callOf("Explorer", "cheap", 0.02));
  ledger.record(["Explorer", "Main"], callOf("Explorer", "fallback", 0.1));
  const rows = ledger.rows();
  assert.deepEqual(
    rows.map((row) => [row.agent, row.llmConfig, row.calls, row.inputTokens]),
    [
      ["Main", "llm", 1, 100],
      ["Explorer", "cheap", 2, 200],
      ["Explorer", "fallback", 1, 100],
    ],
  );
  assert.equal(
    ledger.totalUsd(),
    rows.reduce((sum, row) => sum + row.costUsd, 0),
  );
  assert.ok(Math.abs(ledger.spentBy("Main") - 0.63) < 1e-12, "a delegator's spend includes its delegates'");
  assert.ok(Math.abs(ledger.spentBy("Explorer") - 0.13) < 1e-12);
});

test("an unpriced call is counted as unknown, never as 0", () => {
  const ledger = createLedger({ runBudgetUsd: null, agentCapsUsd: {} });
  ledger.record(["Main"], callOf("Main", "local", null));
  assert.equal(ledger.unpricedCalls(), 1);
  assert.equal(ledger.rows()[0]?.unpricedCalls, 1);
});

test("the run's budget is reached at its cap, and an agent's cap covers its delegates", () => {
  const ledger = createLedger({ runBudgetUsd: 1, agentCapsUsd: { Main: 0.5, Explorer: 0.2 } });
  ledger.record(["Explorer", "Main"], callOf("Explorer", "cheap", 0.2));
  assert.deepEqual(ledger.limitReached(["Explorer", "Main"]), {
    scope: { agent: "Explorer" },
    capUsd: 0.2,
    spentUsd: 0.2,
  });
  assert.equal(ledger.limitReached(["Main"]), undefined);
  ledger.record(["Writer", "Main"], callOf("Writer", "strong", 0.3));
  assert.deepEqual(ledger.limitReached(["Writer", "Main"]), {
    scope: { agent: "Main" },
    capUsd: 0.5,
    spentUsd: 0.5,
  });
  ledger.record(["Other"], callOf("Other", "strong", 0.5));
  assert.equal(ledger.limitReached(["Other"])?.scope, "run");
});

test("a warning shows once per cap when spending reaches 80% of it", () => {
  const warnings: string[] = [];
  const ledger = createLedger({
    runBudgetUsd: 10,
    agentCapsUsd: { Explorer: 1 },
    onWarning: (message) => warnings.push(message),
  });
  ledger.record(["Explorer"], callOf("Explorer", "cheap", 0.5));
  assert.deepEqual(warnings, []);
  ledger.record(["Explorer"], callOf("Explorer", "cheap", 0.3));
  ledger.record(["Explorer"], callOf("Explorer", "cheap", 0.1));
  assert.deepEqual(warnings, ["Explorer has spent $0.800000 of its $1.00 budget (80%)"]);
  ledger.record(["Main"], callOf("Main", "llm", 7.2));
  assert.deepEqual(warnings.slice(1), ["the run has spent $8.10 of its $10.00 budget (81%)"]);
});

test("an agent delegating to itself is one budget, counted once", () => {
  const ledger = createLedger({ runBudgetUsd: null, agentCapsUsd: { Main: 1 } });
  ledger.record(["Main", "Main"], callOf("Main", "llm", 0.25));
  assert.equal(ledger.spentBy("Main"), 0.25);
});
