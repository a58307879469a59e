/**
 * A condenser LLM on the `mock/` provider (no key, no network): `mock/echo`, or `mock/script` playing
 * the given replies in order. For the condensers' tests and benchmark, through the real client.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { llmSchema, type ResolvedLlmConfig } from "../../config/schema.ts";
import { createLlm, type LlmEvent } from "../../llm/client.ts";
import type { Behaviour } from "../../llm/replies/behaviours.ts";
import type { CondenserLlm } from "./condenser.ts";

/**
 * Creates a condenser LLM billed as `name`; with `replies`, it plays them (and fails past their end).
 * @example const cheap = createScriptedCondenserLlm("cheap", [{ text: "the summary" }]);
 */
export function createScriptedCondenserLlm(
  name: string,
  replies?: readonly Behaviour[],
  onEvent?: (event: LlmEvent) => void,
): CondenserLlm {
  let config: ResolvedLlmConfig;
  if (replies === undefined)
    config = llmSchema.parse({ model: "mock/echo", num_retries: 1 }) as ResolvedLlmConfig;
  else {
    const file = join(mkdtempSync(join(tmpdir(), "llmconf-condenser-")), "replies.json");
    writeFileSync(file, JSON.stringify(replies));
    config = llmSchema.parse({
      model: "mock/script",
      num_retries: 1,
      completion_kwargs: { reply_script: file },
    }) as ResolvedLlmConfig;
  }
  return { llmConfig: name, llm: createLlm(config, { name, ...(onEvent ? { onEvent } : {}) }) };
}
