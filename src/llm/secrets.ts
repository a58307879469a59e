/**
 * The secret values one config sends, found by the config core's one masking rule (the schema's secret
 * fields, credentials in header maps and `completion_kwargs`) plus the provider's key variables that a
 * call may read from the environment: what every error, log and trajectory must redact.
 */
import type { ResolvedLlmConfig } from "../config/schema.ts";
import { findSecretValues } from "../config/secrets.ts";
import { inferProvider } from "./providers/infer.ts";
import { API_KEY_VARIABLES } from "./providers/registry.ts";

/**
 * Every non-empty secret value of an `[llm]` config, and of the environment variables its provider
 * reads its key from.
 * @example findLlmSecrets(config.llms.fast, process.env) // ["sk-…"]
 */
export function findLlmSecrets(
  config: Readonly<ResolvedLlmConfig>,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const values: (string | null | undefined)[] = findSecretValues(config, ["llm"]);
  const choice = inferProvider(config.model, config.custom_llm_provider);
  for (const variable of choice.ok ? (API_KEY_VARIABLES[choice.provider] ?? []) : [])
    values.push(env[variable] ?? null);
  return values.filter((value): value is string => typeof value === "string" && value !== "");
}
