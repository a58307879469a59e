import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { acceptsSamplingParameters, getModelFeatures, normalizeModelName } from "./model-features.ts";

describe("normalizeModelName", () => {
  const cases: [string, string][] = [
    ["GPT-4o", "gpt-4o"],
    ["openrouter/anthropic/claude-3.5-sonnet", "claude-3.5-sonnet"],
    ["ollama/qwen3-coder:30b", "qwen3-coder"],
    ["qwen3-coder:30b", "qwen3-coder:30b"],
    ["hf/some-model-GGUF", "some-model"],
    ["  litellm_proxy/gpt-5  ", "gpt-5"],
  ];
  for (const [model, expected] of cases) {
    it(`reduces ${JSON.stringify(model)} to ${expected}`, () =>
      assert.equal(normalizeModelName(model), expected));
  }
});

describe("getModelFeatures", () => {
  const cases: [
    string,
    { nativeToolCalling: boolean; reasoningEffort: boolean; promptCache: boolean; stopWords: boolean },
  ][] = [
    [
      "anthropic/claude-3-5-sonnet-20241022",
      { nativeToolCalling: true, reasoningEffort: false, promptCache: true, stopWords: true },
    ],
    [
      "claude-3.7-sonnet",
      { nativeToolCalling: true, reasoningEffort: false, promptCache: true, stopWords: true },
    ],
    [
      "claude-sonnet-4-5-20250929",
      { nativeToolCalling: true, reasoningEffort: true, promptCache: true, stopWords: true },
    ],
    [
      "claude-haiku-4-5-20251001",
      { nativeToolCalling: false, reasoningEffort: true, promptCache: false, stopWords: true },
    ],
    [
      "claude-3-haiku-20240307",
      { nativeToolCalling: false, reasoningEffort: false, promptCache: true, stopWords: true },
    ],
    ["gpt-4o-mini", { nativeToolCalling: true, reasoningEffort: false, promptCache: false, stopWords: true }],
    ["gpt-4.1", { nativeToolCalling: true, reasoningEffort: false, promptCache: false, stopWords: true }],
    [
      "gpt-4.1-mini",
      { nativeToolCalling: false, reasoningEffort: false, promptCache: false, stopWords: true },
    ],
    [
      "openai/gpt-5-mini",
      { nativeToolCalling: true, reasoningEffort: true, promptCache: false, stopWords: true },
    ],
    ["azure/gpt-5", { nativeToolCalling: true, reasoningEffort: true, promptCache: false, stopWords: false }],
    ["o1", { nativeToolCalling: false, reasoningEffort: true, promptCache: false, stopWords: false }],
    [
      "o1-2024-12-17",
      { nativeToolCalling: true, reasoningEffort: true, promptCache: false, stopWords: false },
    ],
    [
      "o3-mini-2025-01-31",
      { nativeToolCalling: true, reasoningEffort: true, promptCache: false, stopWords: true },
    ],
    [
      "gemini/gemini-2.5-pro",
      { nativeToolCalling: true, reasoningEffort: true, promptCache: false, stopWords: true },
    ],
    [
      "groq/llama-3.3-70b-versatile",
      { nativeToolCalling: true, reasoningEffort: false, promptCache: false, stopWords: true },
    ],
    [
      "ollama/qwen3-coder:30b",
      { nativeToolCalling: true, reasoningEffort: false, promptCache: false, stopWords: true },
    ],
    [
      "deepseek/deepseek-r1-0528",
      { nativeToolCalling: false, reasoningEffort: true, promptCache: false, stopWords: false },
    ],
    [
      "xai/grok-code-fast-1",
      { nativeToolCalling: true, reasoningEffort: false, promptCache: false, stopWords: false },
    ],
    [
      "ollama/llama3",
      { nativeToolCalling: false, reasoningEffort: false, promptCache: false, stopWords: true },
    ],
  ];
  for (const [model, expected] of cases) {
    it(`decides the features of ${model} as OpenHands does`, () =>
      assert.deepEqual(getModelFeatures(model), expected));
  }
});

describe("acceptsSamplingParameters", () => {
  const cases: [string, boolean][] = [
    ["gpt-4o", true],
    ["claude-3-5-sonnet-20241022", true],
    ["o1-mini", false],
    ["openai/o3-pro", false],
    ["gpt-5", false],
    ["claude-sonnet-4-5", false],
    ["gemini-2.5-pro", false],
  ];
  for (const [model, expected] of cases) {
    it(`says ${model} ${expected ? "accepts" : "rejects"} temperature and top_p`, () =>
      assert.equal(acceptsSamplingParameters(model), expected));
  }
});
