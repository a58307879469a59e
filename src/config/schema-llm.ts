/** `[llm]`: the fields of one model config and the runtime bounds their descriptions name. */
import { z } from "zod";
import {
  anyMap,
  floatAtLeast,
  floatBetween,
  intAtLeast,
  laxBool,
  laxInt,
  stringMap,
} from "./schema-fields.ts";

/** The Azure API version LiteLLM and OpenHands use when `api_version` is unset (derived at load, sent by the runtime). */
export const DEFAULT_AZURE_API_VERSION = "2024-12-01-preview";

/** The default `log_completions_folder`, made absolute against the working directory at load. */
export const DEFAULT_COMPLETIONS_FOLDER = "logs/completions";

/** The runtime's bound on one attempt when `timeout` is unset (or 0, OpenHands' template for unset), in seconds. */
export const DEFAULT_LLM_TIMEOUT_SECONDS = 600;

/**
 * The longest `timeout` and retry wait accepted, in seconds (one day). Node's timers overflow above
 * 2^31−1 ms (about 24.8 days) and then fire at once, so a larger value would not wait at all.
 */
export const MAX_WAIT_SECONDS = 86_400;

/** Seconds of waiting: a whole number from 0 to {@link MAX_WAIT_SECONDS}. */
const waitSeconds = () =>
  laxInt().pipe(
    z
      .int()
      .min(0, { error: "must be 0 or more seconds" })
      .max(MAX_WAIT_SECONDS, {
        error: `must be at most ${MAX_WAIT_SECONDS} seconds (one day); longer waits are not supported`,
      }),
  );

/** `[llm]` and every `[llm.<name>]`: one model and how to call it. */
export const llmSchema = z.object({
  model: z
    .string()
    .default("claude-sonnet-4-20250514")
    .describe(
      "Model id in LiteLLM style (`gpt-4o`, `anthropic/claude-…`, `openai/<any>`, `ollama/<m>`, `mock/echo`).",
    ),
  api_key: z
    .string()
    .nullable()
    .default(null)
    .describe(
      "API key for the provider. Secret: always shown masked. Use `${ENV_VAR}` to keep it out of the file.",
    ),
  base_url: z
    .string()
    .nullable()
    .default(null)
    .describe("Base URL of the API (for OpenAI-compatible servers, proxies, local models)."),
  api_version: z
    .string()
    .nullable()
    .default(null)
    .describe(
      `API version (Azure). Derived as \`${DEFAULT_AZURE_API_VERSION}\` for \`azure\` models when unset.`,
    ),
  aws_access_key_id: z.string().nullable().default(null).describe("AWS access key id for Bedrock. Secret."),
  aws_secret_access_key: z
    .string()
    .nullable()
    .default(null)
    .describe("AWS secret access key for Bedrock. Secret."),
  aws_region_name: z.string().nullable().default(null).describe("AWS region for Bedrock."),
  openrouter_site_url: z
    .string()
    .default("https://docs.all-hands.dev/")
    .describe("Sent to OpenRouter as the `HTTP-Referer` attribution header."),
  openrouter_app_name: z
    .string()
    .default("OpenHands")
    .describe("Sent to OpenRouter as the `X-Title` attribution header."),
  num_retries: intAtLeast(0).default(5).describe("Total attempts per call, the first included."),
  retry_multiplier: floatAtLeast(0)
    .default(8)
    .describe(
      "Exponential backoff multiplier: the wait after attempt n is multiplier·2^(n−1) seconds, clamped.",
    ),
  retry_min_wait: waitSeconds().default(8).describe("Shortest wait between attempts, in seconds."),
  retry_max_wait: waitSeconds()
    .default(64)
    .describe("Longest wait between attempts, in seconds; a longer Retry-After fails fast."),
  timeout: waitSeconds()
    .nullable()
    .default(null)
    .describe(
      `Timeout of one attempt, in seconds; for a stream, the longest silence between two parts. An unset \`timeout\` (or 0) means ${DEFAULT_LLM_TIMEOUT_SECONDS} s; at most ${MAX_WAIT_SECONDS}.`,
    ),
  max_message_chars: intAtLeast(0)
    .default(30000)
    .describe("Longer message texts are truncated in the middle before sending."),
  temperature: floatBetween(0, 2).default(0).describe("Sampling temperature."),
  top_p: floatBetween(0, 1).default(1).describe("Nucleus sampling probability mass."),
  top_k: floatAtLeast(0).nullable().default(null).describe("Top-k sampling (sent only when set)."),
  custom_llm_provider: z
    .string()
    .nullable()
    .default(null)
    .describe("Provider to use instead of the one inferred from `model`."),
  max_input_tokens: intAtLeast(0)
    .nullable()
    .default(null)
    .describe("Prompt token limit, checked before a request is sent."),
  max_output_tokens: intAtLeast(0)
    .nullable()
    .default(null)
    .describe("Completion token limit sent with each request (default: the model's own)."),
  input_cost_per_token: floatAtLeast(0)
    .nullable()
    .default(null)
    .describe("Price of one input token in USD, overriding the price table."),
  output_cost_per_token: floatAtLeast(0)
    .nullable()
    .default(null)
    .describe("Price of one output token in USD, overriding the price table."),
  ollama_base_url: z
    .string()
    .nullable()
    .default(null)
    .describe("Base URL of an Ollama server for `ollama/` models."),
  drop_params: laxBool()
    .default(true)
    .describe("Drop parameters the model does not accept instead of failing."),
  modify_params: laxBool()
    .default(true)
    .describe("Allow the runtime to adjust messages a provider would reject."),
  disable_vision: laxBool()
    .nullable()
    .default(null)
    .describe("Strip images from messages even if the model supports them."),
  disable_stop_word: laxBool()
    .nullable()
    .default(false)
    .describe("Do not add stop words on the prompt-based tool-calling path."),
  caching_prompt: laxBool()
    .default(true)
    .describe("Mark prompts for provider prompt caching (Anthropic cache control)."),
  log_completions: laxBool()
    .default(false)
    .describe("Write one JSON file per completion into `log_completions_folder`."),
  log_completions_folder: z
    .string()
    .default(DEFAULT_COMPLETIONS_FOLDER)
    .describe("Folder for completion logs (relative paths resolve against the working directory)."),
  custom_tokenizer: z
    .string()
    .nullable()
    .default(null)
    .describe("Tokenizer name used to count prompt tokens instead of the model's own."),
  native_tool_calling: laxBool()
    .nullable()
    .default(null)
    .describe("Force native tool calling on or off (unset: the model's default)."),
  reasoning_effort: z
    .string()
    .nullable()
    .default(null)
    .describe("Reasoning effort for models that take it (`low`, `medium`, `high`)."),
  seed: laxInt().nullable().default(null).describe("Sampling seed, for providers that support it."),
  safety_settings: z
    .array(stringMap())
    .nullable()
    .default(null)
    .describe("Safety settings passed to Gemini and Mistral models."),
  for_routing: laxBool().default(false).describe("Mark this config as a model-routing candidate."),
  correct_num: intAtLeast(0).default(5).describe("Correction attempts of the LLM draft editor."),
  completion_kwargs: anyMap()
    .nullable()
    .default(null)
    .describe("Extra parameters passed through with every request."),
  fallbacks: z
    .array(z.string())
    .default([])
    .describe("Named configs to try in order when this one fails after its retries (llmconf)."),
  pinned_params: z
    .array(z.enum(["temperature", "top_p", "max_output_tokens", "seed", "reasoning_effort"]))
    .default([])
    .describe(
      "Gateway (llmconf): fields whose config value wins over the client's request value (`max_output_tokens` pins the request's `max_tokens`); every other field is only a default.",
    ),
});
