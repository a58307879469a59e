/** `[sandbox]` and `[kubernetes]`: OpenHands' runtimes, parsed and validated. */
import { z } from "zod";
import { anyMap, laxBool, laxInt, stringMap } from "./schema-fields.ts";

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
      "Environment variables set for agent commands and stdio MCP servers (a server's own `env` wins). Variables of llmconf's own environment named like credentials (`*KEY*`, `*TOKEN*`, `*SECRET*`, …) are not passed to them; name one here to pass it.",
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
