import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type CostOverrides, type CostResult, computeCost } from "./cost.ts";
import type { Usage } from "./messages.ts";

function usage(input: number, output: number, cacheRead = 0, cacheWrite = 0): Usage {
  return {
    input_tokens: input,
    output_tokens: output,
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
  };
}

function assertCost(actual: CostResult, expected: CostResult): void {
  assert.equal(actual.source, expected.source);
  if (expected.usd === null || actual.usd === null) assert.equal(actual.usd, expected.usd);
  else assert.ok(Math.abs(actual.usd - expected.usd) < 1e-12, `${actual.usd} should be ${expected.usd}`);
}

const noOverrides: CostOverrides = { input_cost_per_token: null, output_cost_per_token: null };

describe("computeCost", () => {
  // Prices pinned by @pydantic/genai-prices 0.1.8: gpt-4o $2.50/$10 per M (cache read $1.25);
  // Claude 3.5 Sonnet $3/$15 (cache read $0.30, cache write $3.75).
  const cases: [string, string, Usage, CostOverrides | undefined, CostResult][] = [
    [
      "prices gpt-4o from the table",
      "gpt-4o",
      usage(1000, 100),
      undefined,
      { usd: 0.0035, source: "price-table" },
    ],
    [
      "prices cache reads at the cache price",
      "openai/gpt-4o",
      usage(1000, 100, 500),
      undefined,
      { usd: 500 * 2.5e-6 + 500 * 1.25e-6 + 100 * 1e-5, source: "price-table" },
    ],
    [
      "prices cache writes at the input price when the model has no cache-write price",
      "gpt-4o",
      usage(1000, 0, 0, 400),
      undefined,
      { usd: 1000 * 2.5e-6, source: "price-table" },
    ],
    [
      "prices Claude cache reads and writes",
      "anthropic/claude-3-5-sonnet-20241022",
      usage(1000, 100, 500, 200),
      undefined,
      { usd: 300 * 3e-6 + 500 * 3e-7 + 200 * 3.75e-6 + 100 * 15e-6, source: "price-table" },
    ],
    [
      "adds cache counts reported apart from the input (Anthropic's raw usage)",
      "claude-3-5-sonnet-20241022",
      usage(300, 100, 500, 200),
      undefined,
      { usd: 300 * 3e-6 + 500 * 3e-7 + 200 * 3.75e-6 + 100 * 15e-6, source: "price-table" },
    ],
    [
      "applies the long-context tier to the whole prompt",
      "claude-sonnet-4-5-20250929",
      usage(300_000, 0),
      undefined,
      { usd: 300_000 * 6e-6, source: "price-table" },
    ],
    [
      "lets the config's prices override the table",
      "gpt-4o",
      usage(1000, 100, 500),
      { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 },
      { usd: 1000 * 1e-6 + 100 * 2e-6, source: "config" },
    ],
    [
      "overrides only the input side when only input_cost_per_token is set",
      "gpt-4o",
      usage(1000, 100),
      { input_cost_per_token: 1e-6, output_cost_per_token: null },
      { usd: 1000 * 1e-6 + 100 * 1e-5, source: "config" },
    ],
    [
      "overrides only the output side when only output_cost_per_token is set",
      "gpt-4o",
      usage(1000, 100),
      { input_cost_per_token: null, output_cost_per_token: 2e-6 },
      { usd: 1000 * 2.5e-6 + 100 * 2e-6, source: "config" },
    ],
    [
      "prices an unknown model from the config when both prices are set",
      "my-company/private-model",
      usage(1000, 100),
      { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 },
      { usd: 0.0012, source: "config" },
    ],
    [
      "leaves an unknown model's cost unknown when only one price is set",
      "my-company/private-model",
      usage(1000, 100),
      { input_cost_per_token: 1e-6, output_cost_per_token: null },
      { usd: null, source: "unknown" },
    ],
    [
      "leaves an unknown model's cost unknown, not 0",
      "azure/my-deployment",
      usage(1000, 100),
      noOverrides,
      { usd: null, source: "unknown" },
    ],
    [
      "prices mock models at exactly 0",
      "mock/echo",
      usage(1000, 100),
      undefined,
      { usd: 0, source: "price-table" },
    ],
    [
      "prices local Ollama models at exactly 0",
      "ollama/llama3:8b",
      usage(1000, 100),
      undefined,
      { usd: 0, source: "price-table" },
    ],
    [
      "treats negative or non-finite counts as 0",
      "gpt-4o",
      usage(-5, Number.NaN),
      undefined,
      { usd: 0, source: "price-table" },
    ],
  ];
  for (const [behaviour, model, callUsage, overrides, expected] of cases) {
    it(behaviour, () => assertCost(computeCost(model, callUsage, overrides), expected));
  }
});
