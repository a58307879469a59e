/** `[core]` and `[security]`: the top-level OpenHands settings. */
import { z } from "zod";
import { toLaxInt } from "./coerce.ts";
import { floatAtLeast, intAtLeast, laxBool, laxInt, stringMap } from "./schema-fields.ts";

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

/** `[security]`: confirmation and the security analyzer. */
export const securitySchema = z.object({
  confirmation_mode: laxBool().default(false).describe("Ask before running each action."),
  security_analyzer: z.string().nullable().default(null).describe("Security analyzer to use."),
});
