/** Keys by what they are rather than where they sit: secrets, table-valued fields, renamed, dropped and aliased keys. */
import { createRecord } from "./records.ts";

/** Fields whose values are masked as `**********` wherever they are shown (H8). */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  "api_key",
  "aws_access_key_id",
  "aws_secret_access_key",
  "search_api_key",
  "jwt_secret",
  "key",
]);

/** Fields of `[llm]` / `[agent]` whose value is a table (H7: a field, not a named section). */
export const TABLE_FIELDS = {
  llm: new Set(["completion_kwargs"]),
  agent: new Set(["condenser", "model_routing", "extended"]),
} as const;

/**
 * Keys OpenHands renamed or moved: still errors (OpenHands rejects them too), with the new name as the
 * did-you-mean (`[section] key` when it moved to another section).
 */
export const RENAMED_KEYS: Readonly<Record<string, string>> = {
  codeact_enable_browsing: "enable_browsing",
  codeact_enable_jupyter: "enable_jupyter",
  codeact_enable_llm_editor: "enable_llm_editor",
  sandbox_timeout: "[sandbox] timeout",
  sandbox_user_id: "[sandbox] user_id",
  sandbox_container_image: "[sandbox] base_container_image",
  persist_sandbox: "[sandbox] keep_runtime_alive",
  max_chars: "max_message_chars",
};

/** Keys old OpenHands files still carry that OpenHands has dropped: errors that say so. */
export const DROPPED_KEYS: Readonly<Record<string, string>> = {
  sandbox_type: "[core] runtime chooses the runtime",
  embedding_model: "OpenHands no longer configures embeddings",
  embedding_base_url: "OpenHands no longer configures embeddings",
  embedding_deployment_name: "OpenHands no longer configures embeddings",
  memory_enabled: "OpenHands no longer has agent memory settings",
  memory_max_threads: "OpenHands no longer has agent memory settings",
};

/** Names other tools use for our fields: did-you-mean hints when edit distance finds nothing. */
export const KEY_ALIASES: Readonly<Record<string, string>> = Object.assign(createRecord<string>(), {
  max_tokens: "max_output_tokens",
  max_completion_tokens: "max_output_tokens",
  context_window: "max_input_tokens",
  max_retries: "num_retries",
  retries: "num_retries",
  api_base: "base_url",
  base_api: "base_url",
  apikey: "api_key",
  key: "api_key",
  temp: "temperature",
  provider: "custom_llm_provider",
  llm: "llm_config",
  model_config: "llm_config",
});
