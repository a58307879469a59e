/**
 * The client of a condenser's `llm_config`, built like an agent's (same factory, same options), so its
 * calls reach the run's ledger under that config. A name is resolved like every config reference (an
 * unset `${VAR}` it needs throws the located ConfigError before any request); an inline table is an
 * LLM config of its own, with field defaults and no inheritance from `[llm]`, as in OpenHands.
 */

import type { Config } from "../../config/load.ts";
import { deriveLlmDefaults } from "../../config/resolve.ts";
import { llmSchema, type ResolvedLlmConfig } from "../../config/schema.ts";
import { type CreateLlmOptions, createLlm } from "../../llm/client.ts";
import type { CondenserLlm } from "./condenser.ts";

/** The name an inline `llm_config` table is billed under. */
export const INLINE_CONDENSER_LLM = "condenser (inline)";

/** The client options a run gives every client it builds. */
export type CondenserClientOptions = Omit<CreateLlmOptions, "name" | "resolveConfig">;

/** An inline LLM table as a resolved config: defaults filled in, the derived defaults applied. */
export function resolveInlineLlmConfig(
  table: Readonly<Record<string, unknown>>,
  cwd: string,
): ResolvedLlmConfig {
  const config = llmSchema.parse(table) as ResolvedLlmConfig;
  deriveLlmDefaults(config, cwd);
  return config;
}

/**
 * Creates a condenser's LLM. `llm` (the default condenser's) means the default config, which is the
 * `-l` choice when one is given. Prompt caching is off: a summariser never reads its cache back.
 * @example const summarizer = createCondenserLlm(config, "cheap", { env, onEvent }, cwd);
 */
export function createCondenserLlm(
  config: Pick<Config, "usableLlmConfig" | "defaultLlmName">,
  llmConfig: string | Readonly<Record<string, unknown>>,
  options: CondenserClientOptions,
  cwd: string,
): CondenserLlm {
  if (typeof llmConfig !== "string") {
    const resolved = { ...resolveInlineLlmConfig(llmConfig, cwd), caching_prompt: false };
    return {
      llmConfig: INLINE_CONDENSER_LLM,
      llm: createLlm(resolved, { ...options, name: INLINE_CONDENSER_LLM }),
    };
  }
  const name = llmConfig === "llm" ? config.defaultLlmName : llmConfig;
  const resolved = { ...config.usableLlmConfig(name), caching_prompt: false };
  const llm = createLlm(resolved, {
    ...options,
    name,
    resolveConfig: (fallback) => config.usableLlmConfig(fallback),
  });
  return { llmConfig: name, llm };
}
