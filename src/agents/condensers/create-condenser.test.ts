import assert from "node:assert/strict";
import { test } from "node:test";
import type { ResolvedCondenserConfig } from "../../config/schema.ts";
import { createCondenser, UnsupportedCondenserError } from "./create-condenser.ts";
import { createScriptedCondenserLlm } from "./scripted-llm.ts";

test("every condenser type the config accepts builds its condenser; summarisers get their own LLM", () => {
  const asked: unknown[] = [];
  const llmFor = (llmConfig: string | Readonly<Record<string, unknown>>) => {
    asked.push(llmConfig);
    return createScriptedCondenserLlm(typeof llmConfig === "string" ? llmConfig : "inline");
  };
  const configs: ResolvedCondenserConfig[] = [
    { type: "noop" },
    { type: "conversation_window" },
    { type: "recent", keep_first: 1, max_events: 10 },
    { type: "observation_masking", attention_window: 5 },
    { type: "amortized", keep_first: 1, max_size: 10 },
    { type: "llm", llm_config: "cheap", keep_first: 1, max_size: 10, max_event_length: 100 },
    {
      type: "structured",
      llm_config: { model: "gpt-4o-mini" },
      keep_first: 1,
      max_size: 10,
      max_event_length: 100,
    },
    { type: "llm_attention", llm_config: "ranker", keep_first: 1, max_size: 10 },
    {
      type: "pipeline",
      condensers: [{ type: "observation_masking", attention_window: 5 }, { type: "noop" }],
    },
  ];
  for (const config of configs) assert.equal(createCondenser(config, llmFor).type, config.type);
  assert.deepEqual(asked, ["cheap", { model: "gpt-4o-mini" }, "ranker"]);
});

test("browser_output_masking is refused (the config loader refuses it first, located)", () => {
  assert.throws(
    () =>
      createCondenser({ type: "browser_output_masking", attention_window: 1 }, () =>
        createScriptedCondenserLlm("x"),
      ),
    UnsupportedCondenserError,
  );
});
