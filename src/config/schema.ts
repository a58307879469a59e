/**
 * The one list of keys: every section and field of `config.toml`, with OpenHands' names, types and
 * defaults. Validation, TypeScript types, defaults, did-you-mean candidates, the JSON Schema and the
 * reference docs are all derived from these zod schemas.
 */
import { z } from "zod";
import { toLaxBool, toLaxFloat, toLaxInt } from "./coerce.ts";
import { createRecord, toRecord } from "./records.ts";

const laxInt = () => z.preprocess(toLaxInt, z.int());
const laxFloat = () => z.preprocess(toLaxFloat, z.number());
/** An integer of at least `min` (0 included where 0 means "unset", as in OpenHands). */
const intAtLeast = (min: number) => laxInt().pipe(z.int().min(min));
/** A float of at least `min`. */
const floatAtLeast = (min: number) => laxFloat().pipe(z.number().min(min));
/** A float within `min`..`max`. */
const floatBetween = (min: number, max: number) => laxFloat().pipe(z.number().min(min).max(max));
const laxBool = () => z.preprocess(toLaxBool, z.boolean());
const stringMap = () => z.record(z.string(), z.string());
const anyMap = () => z.record(z.string(), z.unknown());

/** Fields whose values are masked as `**********` wherever they are shown (H8). */
export const SECRET_FIELDS: ReadonlySet<string> = new Set([
  "api_key",
  "aws_access_key_id",
  "aws_secret_access_key",
  "search_api_key",
  "jwt_secret",
  "key",
]);

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

/** `[condenser]` and the `condenser` field of an agent: how history is shortened. */
const condenserLlm = z
  .union([z.string(), anyMap()])
  .describe("Name of an LLM config, or an inline LLM config table.");
const keepFirst = () =>
  laxInt()
    .pipe(z.int().min(0))
    .default(1)
    .describe(
      "Events at the start of history always kept, the system prompt first (the task is always kept).",
    );
const maxSize = () =>
  laxInt().pipe(z.int().min(2)).default(100).describe("History size (events) that triggers condensation.");
const maxEventLength = () =>
  laxInt().default(10000).describe("Longer events are truncated before they are summarized.");
const attentionWindow = (fallback: number) =>
  laxInt()
    .pipe(z.int().min(1))
    .default(fallback)
    .describe("Most recent events whose observations are kept whole.");

/** Every condenser type but `pipeline`: what a pipeline's entries may be. */
const leafCondenserVariants = [
  z.strictObject({ type: z.literal("noop").describe("Keep the full history.") }),
  z.strictObject({
    type: z.literal("conversation_window").describe("Drop the oldest events when the context is full."),
  }),
  z.strictObject({
    type: z.literal("observation_masking").describe("Mask observations older than the attention window."),
    attention_window: attentionWindow(100),
  }),
  z.looseObject({
    type: z
      .literal("browser_output_masking")
      .describe("Mask browser output older than the attention window."),
    attention_window: attentionWindow(1),
  }),
  z.strictObject({
    type: z.literal("recent").describe("Keep only the first and the most recent events."),
    keep_first: keepFirst(),
    max_events: laxInt().pipe(z.int().min(1)).default(100).describe("Most recent events kept."),
  }),
  z.strictObject({
    type: z.literal("llm").describe("Summarize forgotten events with an LLM."),
    llm_config: condenserLlm,
    keep_first: keepFirst(),
    max_size: maxSize(),
    max_event_length: maxEventLength(),
  }),
  z.strictObject({
    type: z.literal("amortized").describe("Forget the middle half of history when it grows too long."),
    max_size: maxSize(),
    keep_first: keepFirst(),
  }),
  z.strictObject({
    type: z.literal("llm_attention").describe("Let an LLM choose which events to keep."),
    llm_config: condenserLlm,
    max_size: maxSize(),
    keep_first: keepFirst(),
  }),
  z.strictObject({
    type: z.literal("structured").describe("Summarize forgotten events into a structured state with an LLM."),
    llm_config: condenserLlm,
    keep_first: keepFirst(),
    max_size: maxSize(),
    max_event_length: maxEventLength(),
  }),
] as const;

const condenserVariants = [
  ...leafCondenserVariants,
  z.strictObject({
    type: z.literal("pipeline").describe("Apply several condensers in turn."),
    condensers: z
      .array(z.discriminatedUnion("type", leafCondenserVariants))
      .default([])
      .describe("The condensers to apply, in order: each a condenser table with its `type`."),
  }),
] as const;

/** Every condenser type, keyed by its `type`. */
export const condenserSchemas: Readonly<Record<string, z.ZodObject>> = toRecord(
  condenserVariants.map((schema) => [schema.shape.type.value, schema] as const),
);

/** A condenser config: a union discriminated by `type`. */
export const condenserSchema = z.discriminatedUnion("type", condenserVariants);

/** `[model_routing]`: how an agent picks among `for_routing` configs. */
export const modelRoutingSchema = z.strictObject({
  router_name: z.string().default("noop_router").describe("Router: `noop_router` or `multimodal_router`."),
  llms_for_routing: anyMap().default({}).describe("Computed: the configs marked `for_routing`."),
});

/** `[agent]` and every `[agent.<Name>]`: one agent and the LLM config it uses. */
export const agentSchema = z.object({
  cli_mode: laxBool().default(false).describe("Run in CLI mode (no browser, no Jupyter)."),
  llm_config: z
    .string()
    .nullable()
    .default(null)
    .describe("Name of the `[llm.<name>]` config this agent uses (unset: the default)."),
  classpath: z
    .string()
    .nullable()
    .default(null)
    .describe(
      "A custom agent: `MODULE#EXPORT`, a JS file (relative to the config file) or a package, and the export holding the agent (`default` without `#`).",
    ),
  system_prompt_filename: z.string().default("system_prompt.j2").describe("System prompt template file."),
  enable_browsing: laxBool().default(true).describe("Give the agent the browsing tool."),
  enable_llm_editor: laxBool().default(false).describe("Use the LLM draft editor (`[llm.draft_editor]`)."),
  enable_editor: laxBool().default(true).describe("Give the agent the file editor tool."),
  enable_jupyter: laxBool().default(true).describe("Give the agent the IPython tool."),
  enable_cmd: laxBool().default(true).describe("Give the agent the shell tool."),
  enable_think: laxBool().default(true).describe("Give the agent the think tool."),
  enable_finish: laxBool().default(true).describe("Give the agent the finish tool."),
  enable_condensation_request: laxBool()
    .default(false)
    .describe("Let the agent ask for history condensation."),
  enable_prompt_extensions: laxBool().default(true).describe("Use prompt extensions (microagents)."),
  enable_mcp: laxBool().default(true).describe("Give the agent the MCP tools."),
  disabled_microagents: z.array(z.string()).default([]).describe("Microagents to leave out."),
  enable_history_truncation: laxBool()
    .default(true)
    .describe("Truncate history when the context window is exceeded."),
  enable_som_visual_browsing: laxBool().default(true).describe("Use set-of-marks visual browsing."),
  enable_plan_mode: laxBool().default(true).describe("Use the long-horizon planning prompt."),
  enable_stuck_detection: laxBool().default(true).describe("Stop an agent that repeats itself."),
  condenser: condenserSchema
    .default({ type: "conversation_window" })
    .describe("How this agent's history is condensed."),
  model_routing: modelRoutingSchema
    .default({ router_name: "noop_router", llms_for_routing: {} })
    .describe("Model routing of this agent."),
  extended: anyMap().default({}).describe("Free-form settings for extensions."),
  runtime: z.string().nullable().default(null).describe("Runtime override for this agent."),
  max_budget_per_task: z
    .preprocess(toLaxFloat, z.number().positive())
    .nullable()
    .default(null)
    .describe(
      "llmconf: cap in USD on what this agent and its own delegates may spend in one run, inside the run's `max_budget_per_task`.",
    ),
});

/** `[core]`: the top-level OpenHands settings. */
export const coreSchema = z.object({
  default_agent: z.string().default("CodeActAgent").describe("Agent run when none is named (`-c`)."),
  runtime: z
    .string()
    .default("docker")
    .describe(
      "Where agent commands run: `docker` (OpenHands' default) or `sandbox` confine them (bubblewrap on Linux, sandbox-exec on macOS); `local` or `cli` run them on the host. Other values load, but `llmconf run` refuses them.",
    ),
  file_store: z.string().default("local").describe("Where conversation state is stored."),
  file_store_path: z.string().default("~/.openhands").describe("Path of the local file store."),
  file_store_web_hook_url: z
    .string()
    .nullable()
    .default(null)
    .describe("Webhook called on file-store writes."),
  file_store_web_hook_headers: stringMap()
    .nullable()
    .default(null)
    .describe("Headers of the file-store webhook."),
  file_store_web_hook_batch: laxBool().default(false).describe("Batch file-store webhook calls."),
  enable_browser: laxBool().default(true).describe("Start a browser in the sandbox."),
  save_trajectory_path: z.string().nullable().default(null).describe("Where to save run trajectories."),
  save_screenshots_in_trajectory: laxBool()
    .default(false)
    .describe("Keep browser screenshots in saved trajectories."),
  replay_trajectory_path: z.string().nullable().default(null).describe("Trajectory to replay."),
  search_api_key: z.string().nullable().default(null).describe("Search API key. Secret."),
  workspace_base: z.string().nullable().default(null).describe("Deprecated: host workspace path."),
  workspace_mount_path_in_sandbox: z
    .string()
    .default("/workspace")
    .describe("Workspace path inside the sandbox."),
  workspace_mount_path: z
    .string()
    .nullable()
    .default(null)
    .describe("Deprecated: host path mounted as the workspace."),
  workspace_mount_rewrite: z
    .string()
    .regex(/^$|:/, 'expected "from:to"')
    .nullable()
    .default(null)
    .describe("Deprecated: `a:b` rewrite of the mount path."),
  cache_dir: z.string().default("/tmp/cache").describe("Cache directory."),
  run_as_openhands: laxBool().default(true).describe("Run sandbox commands as the openhands user."),
  max_iterations: intAtLeast(0).default(500).describe("Maximum agent steps per run (`-i`)."),
  max_budget_per_task: floatAtLeast(0)
    .nullable()
    .default(null)
    .describe("Maximum cost in USD per run (`-b`)."),
  max_delegation_depth: z
    .preprocess(toLaxInt, z.int().min(0))
    .default(3)
    .describe("llmconf: how deep agents may delegate (0: no delegation; the run's agent is depth 0)."),
  init_git_in_empty_workspace: laxBool().default(false).describe("Run `git init` in an empty workspace."),
  disable_color: laxBool().default(false).describe("Disable coloured output."),
  jwt_secret: z.string().nullable().default(null).describe("Secret for signing session tokens. Secret."),
  debug: laxBool().default(false).describe("Debug logging."),
  file_uploads_max_file_size_mb: laxInt().default(0).describe("Largest upload in MB (0: no limit)."),
  file_uploads_restrict_file_types: laxBool().default(false).describe("Restrict upload file types."),
  file_uploads_allowed_extensions: z.array(z.string()).default([".*"]).describe("Allowed upload extensions."),
  cli_multiline_input: laxBool().default(false).describe("Multi-line input in the interactive CLI."),
  conversation_max_age_seconds: laxInt()
    .default(864000)
    .describe("Age after which conversations are deleted."),
  enable_default_condenser: laxBool()
    .default(true)
    .describe("Use the LLM summarizing condenser when `[condenser]` is absent."),
  max_concurrent_conversations: laxInt().default(3).describe("Conversations that may run at once."),
  client_wait_timeout: laxInt().default(30).describe("Seconds to wait for a client to reconnect."),
  mcp_host: z.string().default("localhost:3000").describe("Host of the MCP server."),
  git_user_name: z.string().default("openhands").describe("Git author name in the sandbox."),
  git_user_email: z.string().default("openhands@all-hands.dev").describe("Git author email in the sandbox."),
});

/** `sandbox.volumes`: comma-separated mounts, each `host:container` or `host:container:mode`. */
const MOUNTS = /^[^,:]*:[^,:]*(:[^,:]*)?(,[^,:]*:[^,:]*(:[^,:]*)?)*$/;

/** Names the first mount of a `volumes` value that is not `host:container[:mode]`. */
function describeBadMount(input: unknown): string {
  const mounts = typeof input === "string" ? input.split(",") : [];
  const bad = mounts.find((mount) => mount.split(":").length < 2 || mount.split(":").length > 3);
  return bad === undefined
    ? "for example /my/host/dir:/workspace:rw"
    : `"${bad}" is not one (e.g. /my/host/dir:/workspace:rw)`;
}

/** `[sandbox]`: OpenHands' container sandbox (parsed and validated; `timeout` bounds a shell command). */
export const sandboxSchema = z.object({
  remote_runtime_api_url: z.string().default("http://localhost:8000").describe("Remote runtime API URL."),
  local_runtime_url: z.string().default("http://localhost").describe("Local runtime URL."),
  keep_runtime_alive: laxBool().default(false).describe("Keep the runtime after a session ends."),
  pause_closed_runtimes: laxBool().default(true).describe("Pause runtimes of closed sessions."),
  rm_all_containers: laxBool().default(false).describe("Remove all containers on exit."),
  api_key: z
    .string()
    .nullable()
    .default(null)
    .describe("Remote runtime API key (not masked by OpenHands; masked here)."),
  base_container_image: z
    .string()
    .default("nikolaik/python-nodejs:python3.12-nodejs22")
    .describe("Base image of the sandbox."),
  runtime_container_image: z.string().nullable().default(null).describe("Prebuilt runtime image."),
  user_id: laxInt()
    .default(process.getuid?.() ?? 1000)
    .describe("User id inside the sandbox (default: this process's uid)."),
  timeout: laxInt().default(120).describe("Timeout of one sandbox command, in seconds."),
  remote_runtime_init_timeout: laxInt().default(180).describe("Remote runtime start timeout, in seconds."),
  remote_runtime_api_timeout: laxInt().default(180).describe("Remote runtime API timeout, in seconds."),
  remote_runtime_enable_retries: laxBool().default(true).describe("Retry remote runtime API calls."),
  remote_runtime_class: z
    .string()
    .nullable()
    .default(null)
    .describe("Remote runtime class (`sysbox`, `gvisor`)."),
  enable_auto_lint: laxBool().default(false).describe("Lint files after edits."),
  use_host_network: laxBool().default(false).describe("Use the host network."),
  network: laxBool()
    .default(true)
    .describe(
      "llmconf: whether sandboxed commands may reach the network; `false` gives them a network namespace of their own (loopback only). Not an OpenHands key: OpenHands rejects a `[sandbox]` that sets it.",
    ),
  additional_networks: z.array(z.string()).default([]).describe("Extra Docker networks."),
  runtime_binding_address: z.string().default("0.0.0.0").describe("Address runtime ports bind to."),
  runtime_extra_build_args: z
    .array(z.string())
    .nullable()
    .default(null)
    .describe("Extra image build arguments."),
  initialize_plugins: laxBool().default(true).describe("Initialize runtime plugins."),
  force_rebuild_runtime: laxBool().default(false).describe("Rebuild the runtime image."),
  runtime_extra_deps: z
    .string()
    .nullable()
    .default(null)
    .describe("Extra dependencies installed in the runtime."),
  runtime_startup_env_vars: stringMap()
    .default({})
    .describe(
      "Environment variables set for agent commands. Variables of llmconf's own environment named like credentials (`*KEY*`, `*TOKEN*`, `*SECRET*`, …) are not passed to commands; name one here to pass it.",
    ),
  browsergym_eval_env: z.string().nullable().default(null).describe("BrowserGym evaluation environment."),
  platform: z.string().nullable().default(null).describe("Image platform (`linux/amd64`)."),
  close_delay: laxInt().default(3600).describe("Seconds before an idle runtime is closed."),
  remote_runtime_resource_factor: laxInt().default(1).describe("Resource factor of remote runtimes."),
  enable_gpu: laxBool().default(false).describe("Give the sandbox GPUs."),
  docker_runtime_kwargs: anyMap().nullable().default(null).describe("Extra Docker run options."),
  selected_repo: z.string().nullable().default(null).describe("Repository to clone (`owner/repo`)."),
  trusted_dirs: z.array(z.string()).default([]).describe("Trusted directories."),
  vscode_port: laxInt().nullable().default(null).describe("VS Code server port."),
  volumes: z
    .string()
    .regex(MOUNTS, {
      error: (issue) =>
        `expected mounts "host:container[:mode]" separated by commas; ${describeBadMount(issue.input)}`,
    })
    .nullable()
    .default(null)
    .describe(
      "Mounts, `host:container[:mode]`, comma-separated. The mount at `/workspace` sets `core.workspace_base` and `core.workspace_mount_path` (OpenHands' finalize_config).",
    ),
  cuda_visible_devices: z.string().nullable().default(null).describe("GPUs visible in the sandbox."),
});

/** `[security]`: confirmation and the security analyzer. */
export const securitySchema = z.object({
  confirmation_mode: laxBool().default(false).describe("Ask before running each action."),
  security_analyzer: z.string().nullable().default(null).describe("Security analyzer to use."),
});

/** `[kubernetes]`: OpenHands' Kubernetes runtime (parsed and validated only). */
export const kubernetesSchema = z.object({
  namespace: z.string().default("default").describe("Namespace."),
  ingress_domain: z.string().default("localhost").describe("Ingress domain."),
  pvc_storage_size: z.string().default("2Gi").describe("Volume size."),
  pvc_storage_class: z.string().nullable().default(null).describe("Volume storage class."),
  resource_cpu_request: z.string().default("1").describe("CPU request."),
  resource_memory_request: z.string().default("1Gi").describe("Memory request."),
  resource_memory_limit: z.string().default("2Gi").describe("Memory limit."),
  image_pull_secret: z.string().nullable().default(null).describe("Image pull secret name."),
  ingress_tls_secret: z.string().nullable().default(null).describe("TLS secret of the ingress."),
  node_selector_key: z.string().nullable().default(null).describe("Node selector key."),
  node_selector_val: z.string().nullable().default(null).describe("Node selector value."),
  tolerations_yaml: z.string().nullable().default(null).describe("Tolerations as YAML."),
  privileged: laxBool().default(false).describe("Run privileged pods."),
});

const url = z.string().refine((text) => {
  try {
    const parsed = new URL(text);
    return ["http:", "https:", "ws:", "wss:"].includes(parsed.protocol) && parsed.hostname !== "";
  } catch {
    return false;
  }
}, "must be a URL with scheme http, https, ws or wss and a host");
const shorthand = <T extends z.ZodType>(server: T) =>
  z.preprocess((value) => (typeof value === "string" ? { url: value } : value), server);
const envText = z.preprocess(
  (value) =>
    typeof value === "string"
      ? Object.fromEntries(
          value
            .split(",")
            .filter((pair) => pair.trim() !== "")
            .map((pair) => [pair.slice(0, pair.indexOf("=")).trim(), pair.slice(pair.indexOf("=") + 1)]),
        )
      : value,
  z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"), z.string()),
);

/** An `[mcp] sse_servers` entry (OpenHands allows extra keys; here a misspelt key is an error). */
export const sseServerSchema = z.strictObject({
  url: url.describe("URL of the SSE server."),
  api_key: z.string().nullable().default(null).describe("API key sent to the server. Secret."),
});

/** An `[mcp] shttp_servers` entry. */
export const shttpServerSchema = z.strictObject({
  url: url.describe("URL of the streamable HTTP server."),
  api_key: z.string().nullable().default(null).describe("API key sent to the server. Secret."),
  timeout: laxInt()
    .pipe(z.int().min(1).max(3600))
    .nullable()
    .default(60)
    .describe("Timeout of one call, in seconds (1-3600)."),
});

/** An `[mcp] stdio_servers` entry: a local server started as a process. */
export const stdioServerSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9_-]+$/, "must be letters, digits, _ or -")
    .describe("Name of the server (letters, digits, _ or -)."),
  command: z.string().regex(/^\S+$/, "must be one word without spaces").describe("Command to start."),
  args: z
    .preprocess(
      (value) => (typeof value === "string" ? value.split(/\s+/).filter(Boolean) : value),
      z.array(z.string()),
    )
    .default([])
    .describe("Arguments of the command (a string is split at spaces)."),
  env: envText.default({}).describe("Environment of the process (a table, or `K=V,K2=V2`)."),
});

/** `[mcp]`: Model Context Protocol servers. */
export const mcpSchema = z.object({
  sse_servers: z
    .array(shorthand(sseServerSchema))
    .default([])
    .refine((servers) => {
      const urls = servers.map((server) => (server as { url: string }).url);
      return new Set(urls).size === urls.length;
    }, "duplicate SSE server URL")
    .describe("SSE servers: URLs or `{ url, api_key }` tables."),
  shttp_servers: z
    .array(shorthand(shttpServerSchema))
    .default([])
    .describe("Streamable HTTP servers: URLs or `{ url, api_key, timeout }` tables."),
  stdio_servers: z
    .array(stdioServerSchema)
    .default([])
    .describe("Local servers started as processes: `{ name, command, args, env }` tables."),
});

/** The entry schema of each `[mcp]` server list: the did-you-mean candidates for keys inside an entry. */
export const mcpServerSchemas: Readonly<Record<string, z.ZodObject>> = {
  sse_servers: sseServerSchema,
  shttp_servers: shttpServerSchema,
  stdio_servers: stdioServerSchema,
};

/** One client key of `[gateway]`: the configs it may use and its spend budget. */
export const gatewayKeySchema = z.strictObject({
  key: z
    .string()
    .min(8, "must be at least 8 characters")
    .describe("The key clients send as `Authorization: Bearer <key>`. Secret."),
  name: z
    .string()
    .nullable()
    .default(null)
    .describe("A name for logs and the ledger (default: a fingerprint of the key)."),
  configs: z
    .array(z.string())
    .default(["*"])
    .describe("The LLM configs this key may use (`*`: every config)."),
  max_budget: laxFloat()
    .pipe(z.number().min(0))
    .nullable()
    .default(null)
    .describe("Spend limit of this key in USD, over the ledger's whole history (unset: no limit)."),
});

/** `[gateway]`: `llmconf serve`, the OpenAI-compatible gateway (llmconf). */
export const gatewaySchema = z.object({
  host: z
    .string()
    .default("127.0.0.1")
    .describe("Address to listen on; a non-loopback address needs `keys`."),
  port: laxInt()
    .pipe(z.int().min(0).max(65535))
    .default(4000)
    .describe("Port to listen on (0: any free port)."),
  keys: z
    .array(gatewayKeySchema)
    .default([])
    .describe(
      'Client keys, `[{ key = "${TEAM_KEY}", configs = ["gpt3"], max_budget = 5.0 }]`; none: no authentication (loopback only).',
    ),
  max_body_bytes: laxInt()
    .pipe(z.int().min(1024))
    .default(10_485_760)
    .describe("Largest request body accepted, in bytes (larger: HTTP 413)."),
  max_concurrent_requests: laxInt()
    .pipe(z.int().min(1))
    .default(256)
    .describe("Requests served at once; more are refused with HTTP 429."),
  shutdown_grace_seconds: laxFloat()
    .pipe(z.number().min(0))
    .default(10)
    .describe("On SIGTERM/SIGINT, how long in-flight requests may run before connections are closed."),
  ledger_file: z
    .string()
    .default("logs/gateway-spend.jsonl")
    .describe(
      "Append-only spend ledger per key; survives restarts (relative: against the working directory).",
    ),
  access_log: laxBool().default(true).describe("Print one JSON line per request (no prompts, no keys)."),
  stored_responses_max: laxInt()
    .pipe(z.int().min(0))
    .default(1000)
    .describe(
      "Responses kept in memory for `previous_response_id` on `/v1/responses` (least recently used go first; 0: none).",
    ),
  stored_responses_max_bytes: laxInt()
    .pipe(z.int().min(0))
    .default(67_108_864)
    .describe("Memory the kept responses may use, in bytes (least recently used go first)."),
  redis_url: z
    .string()
    .regex(/^rediss?:\/\/[^\s]+$/, 'must be a URL like "redis://127.0.0.1:6379" (or "rediss://" for TLS)')
    .nullable()
    .default(null)
    .describe(
      "Redis shared by every instance for per-key spend and budgets, `redis://[:password@]host:6379[/db]` (`rediss://`: TLS; the password is masked wherever shown); unset: `ledger_file`. Read at start.",
    ),
});

/** Every top-level section, in the order OpenHands processes them. */
export const SECTION_NAMES = [
  "core",
  "agent",
  "llm",
  "security",
  "model_routing",
  "sandbox",
  "mcp",
  "kubernetes",
  "condenser",
  "extended",
  "gateway",
] as const;

/** A top-level section name. */
export type SectionName = (typeof SECTION_NAMES)[number];

/** The plain (non-named) sections and the schema each validates against. */
export const plainSectionSchemas = {
  core: coreSchema,
  security: securitySchema,
  sandbox: sandboxSchema,
  mcp: mcpSchema,
  kubernetes: kubernetesSchema,
  model_routing: modelRoutingSchema,
  gateway: gatewaySchema,
} as const;

/** A plain section with a fixed set of fields. */
export type PlainSectionName = keyof typeof plainSectionSchemas;

/** Environment-variable prefix of each section's fields (H3); `core` reads bare upper-case names. */
export const ENV_PREFIXES: Readonly<Record<PlainSectionName | "llm" | "agent" | "condenser", string>> = {
  core: "",
  llm: "LLM_",
  agent: "AGENT_",
  condenser: "CONDENSER_",
  security: "SECURITY_",
  sandbox: "SANDBOX_",
  mcp: "MCP_",
  kubernetes: "KUBERNETES_",
  model_routing: "MODEL_ROUTING_",
  gateway: "GATEWAY_",
};

/** An LLM config after inheritance, environment, CLI flags and derived defaults. */
export type ResolvedLlmConfig = z.output<typeof llmSchema>;
/** An agent config after inheritance from `[agent]`. */
export type ResolvedAgentConfig = z.output<typeof agentSchema>;
/** A condenser config. */
export type ResolvedCondenserConfig = z.output<typeof condenserSchema>;
/** The `[core]` settings. */
export type ResolvedCoreConfig = z.output<typeof coreSchema>;
/** The `[sandbox]` settings. */
export type ResolvedSandboxConfig = z.output<typeof sandboxSchema>;
/** The `[security]` settings. */
export type ResolvedSecurityConfig = z.output<typeof securitySchema>;
/** The `[mcp]` settings. */
export type ResolvedMcpConfig = z.output<typeof mcpSchema>;
/** The `[kubernetes]` settings. */
export type ResolvedKubernetesConfig = z.output<typeof kubernetesSchema>;
/** The `[model_routing]` settings. */
export type ResolvedModelRoutingConfig = z.output<typeof modelRoutingSchema>;

/** The `[gateway]` settings. */
export type ResolvedGatewayConfig = z.output<typeof gatewaySchema>;
/** One client key of `[gateway]`. */
export type ResolvedGatewayKey = z.output<typeof gatewayKeySchema>;

/** The field names of an object schema: the did-you-mean candidates for its keys. */
export function fieldNames(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape);
}

/** Whether a numeric field holds integers (seen through defaults, nullables and coercing pipes). */
export function isIntegerField(field: z.ZodType): boolean {
  const def = (field as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  if (def.type === "default" || def.type === "nullable" || def.type === "optional")
    return isIntegerField(def.innerType as z.ZodType);
  if (def.type === "pipe") return isIntegerField(def.out as z.ZodType);
  return def.type === "number" && typeof def.format === "string" && def.format.includes("int");
}

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
