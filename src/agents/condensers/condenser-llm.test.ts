import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "../../config/load.ts";
import { createCondenserLlm, INLINE_CONDENSER_LLM, resolveInlineLlmConfig } from "./condenser-llm.ts";

async function configFrom(text: string, cli = {}) {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-condenser-llm-"));
  writeFileSync(join(dir, "config.toml"), text);
  return loadConfig({ configFile: join(dir, "config.toml"), cwd: dir, env: {}, userFiles: false, cli });
}

test("a named llm_config gives a client of that config, billed under its name, without prompt caching", async () => {
  const config = await configFrom('[llm]\nmodel = "gpt-4o"\n[llm.cheap]\nmodel = "gpt-4o-mini"\n');
  const { llmConfig, llm } = createCondenserLlm(config, "cheap", { env: {} }, "/");
  assert.equal(llmConfig, "cheap");
  assert.equal(llm.name, "cheap");
  assert.equal(llm.config.model, "gpt-4o-mini");
  assert.equal(llm.config.caching_prompt, false);
});

test('the default condenser\'s llm_config "llm" is the default config, the -l choice when one is given', async () => {
  const config = await configFrom('[llm]\nmodel = "gpt-4o"\n[llm.fast]\nmodel = "gpt-4o-mini"\n', {
    llmConfig: "fast",
  });
  const { llmConfig, llm } = createCondenserLlm(config, "llm", { env: {} }, "/");
  assert.equal(llmConfig, "fast");
  assert.equal(llm.config.model, "gpt-4o-mini");
});

test("an inline llm_config table is a config of its own: field defaults, no inheritance from [llm]", async () => {
  const config = await configFrom('[llm]\nmodel = "gpt-4o"\ntemperature = 0.7\n');
  const { llmConfig, llm } = createCondenserLlm(config, { model: "gpt-4o-mini" }, { env: {} }, "/work");
  assert.equal(llmConfig, INLINE_CONDENSER_LLM);
  assert.equal(llm.config.temperature, 0);
  assert.equal(resolveInlineLlmConfig({ model: "azure/gpt-4o" }, "/work").api_version, "2024-12-01-preview");
  assert.equal(
    resolveInlineLlmConfig({ log_completions_folder: "logs" }, "/work").log_completions_folder,
    "/work/logs",
  );
});
