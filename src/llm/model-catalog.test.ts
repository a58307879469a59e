import assert from "node:assert/strict";
import { test } from "node:test";
import { findCatalogLimits, loadModelCatalog } from "./model-catalog.ts";
import { getModelInfo } from "./model-info.ts";

test("the catalog knows nothing of a provider until its file is loaded, then answers synchronously", async () => {
  assert.equal(findCatalogLimits("deepseek/deepseek-chat"), undefined);
  await loadModelCatalog("deepseek/deepseek-chat");
  assert.deepEqual(findCatalogLimits("deepseek/deepseek-chat"), {
    maxOutputTokens: 8192,
    supportsVision: false,
    supportsToolCalling: true,
    supportsReasoning: false,
  });
});

test("an unprefixed name is looked up with its vendor, and a dated id by its family's prefix", async () => {
  await loadModelCatalog("claude-3-5-haiku-20241022");
  assert.equal(findCatalogLimits("claude-3-5-haiku-20241022")?.maxOutputTokens, 8192);
  await loadModelCatalog("gpt-4.1-2025-04-14");
  assert.equal(findCatalogLimits("gpt-4.1-2025-04-14")?.maxOutputTokens, 32768);
});

test("Bedrock ids with a region and vendor prefix are found", async () => {
  const model = "bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0";
  await loadModelCatalog(model);
  assert.equal(findCatalogLimits(model)?.supportsVision, true);
});

test("a provider the catalog does not have, or a model it does not list, is unknown, not an error", async () => {
  await loadModelCatalog("ollama/llama3");
  assert.equal(findCatalogLimits("ollama/llama3"), undefined);
  await loadModelCatalog("openai/no-such-model");
  assert.equal(findCatalogLimits("openai/no-such-model"), undefined);
});

test("a model the catalog marks without tool calling keeps it when the hand-kept table knows it has it", async () => {
  await loadModelCatalog("gpt-3.5-turbo");
  assert.equal(findCatalogLimits("gpt-3.5-turbo")?.supportsToolCalling, false);
  assert.equal(getModelInfo("gpt-3.5-turbo")?.supportsToolCalling, true);
  assert.equal(getModelInfo("o1-mini")?.supportsToolCalling, false);
});
