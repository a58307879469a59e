import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { loadModelCatalog } from "./model-catalog.ts";
import { findPriceTableEntry, getModelInfo, type ModelInfo } from "./model-info.ts";

describe("getModelInfo", () => {
  const cases: [string, ModelInfo][] = [
    [
      "gpt-4o",
      {
        maxInputTokens: 128000,
        maxOutputTokens: 16384,
        inputCostPerToken: 2.5e-6,
        cacheReadCostPerToken: 1.25e-6,
        supportsVision: true,
      },
    ],
    [
      "anthropic/claude-3-5-sonnet-20241022",
      {
        maxInputTokens: 200000,
        maxOutputTokens: 8192,
        inputCostPerToken: 3e-6,
        outputCostPerToken: 15e-6,
        cacheReadCostPerToken: 3e-7,
        cacheWriteCostPerToken: 3.75e-6,
        supportsPromptCaching: true,
        supportsToolCalling: true,
      },
    ],
    ["openrouter/anthropic/claude-3.5-sonnet", { maxInputTokens: 200000, inputCostPerToken: 3e-6 }],
    ["bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0", { maxOutputTokens: 8192, inputCostPerToken: 3e-6 }],
    ["litellm_proxy/claude-3-5-sonnet-20241022", { maxInputTokens: 200000, supportsPromptCaching: true }],
    [
      "gemini/gemini-2.5-pro",
      { maxOutputTokens: 65536, supportsReasoning: true, inputCostPerToken: 1.25e-6 },
    ],
    [
      "claude-sonnet-4-5-20250929",
      { maxOutputTokens: 64000, supportsReasoning: true, inputCostPerToken: 3e-6 },
    ],
    ["mock/echo", { inputCostPerToken: 0, outputCostPerToken: 0 }],
    // From the models.dev catalog: families the hand-kept table never had, and dated ids by prefix.
    ["xai/grok-3", { maxOutputTokens: 8192, supportsVision: false, supportsToolCalling: true }],
    ["mistral/devstral-medium-2507", { maxOutputTokens: 128000 }],
    ["mistral/pixtral-large-latest", { supportsVision: true }],
    ["openai/gpt-4o-2024-08-06", { maxOutputTokens: 16384, supportsVision: true }],
  ];
  before(async () => {
    for (const [model] of cases) await loadModelCatalog(model);
  });
  for (const [model, expected] of cases) {
    it(`knows ${model}`, () => {
      const info = getModelInfo(model);
      assert.ok(info !== undefined, `${model} should be known`);
      for (const [field, value] of Object.entries(expected)) {
        const actual: number | boolean | undefined = info[field as keyof ModelInfo];
        if (typeof value === "number" && typeof actual === "number")
          assert.ok(Math.abs(actual - value) < 1e-15, `${field}: ${actual} ≠ ${value}`);
        else assert.equal(actual, value, field);
      }
    });
  }

  it("returns undefined for a model nothing is known about", () => {
    assert.equal(getModelInfo("azure/my-deployment"), undefined);
    assert.equal(getModelInfo("totally-unknown-model"), undefined);
  });

  it("reports a missing cache-write price as absent, not 0", () => {
    assert.equal(getModelInfo("gpt-4o")?.cacheWriteCostPerToken, undefined);
  });
});

describe("findPriceTableEntry", () => {
  const cases: [string, { modelId: string; providerId?: string } | undefined][] = [
    ["gpt-4o", { modelId: "gpt-4o" }],
    [
      "anthropic/claude-3-5-sonnet-20241022",
      { modelId: "claude-3-5-sonnet-20241022", providerId: "anthropic" },
    ],
    ["openrouter/openai/gpt-4o", { modelId: "openai/gpt-4o", providerId: "openrouter" }],
    ["gemini/gemini-2.5-flash", { modelId: "gemini-2.5-flash", providerId: "google" }],
    ["litellm_proxy/gpt-4o", { modelId: "gpt-4o" }],
    ["azure/my-deployment", undefined],
  ];
  for (const [model, expected] of cases) {
    it(`looks ${model} up as ${JSON.stringify(expected)}`, () =>
      assert.deepEqual(findPriceTableEntry(model), expected));
  }
});
