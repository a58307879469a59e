/**
 * OpenHands' `finalize_config` (§11): values derived from other values once every layer is applied —
 * the workspace mount from `sandbox.volumes` (or the deprecated `workspace_*` keys), and the CLI
 * runtime turning Jupyter and browsing off for every agent. Each derived value records its rule, so
 * `config explain` says where it came from.
 */
import { resolve as resolvePath } from "node:path";
import type { FieldProvenance, SectionProvenance } from "./provenance.ts";
import type { ResolvedAgentConfig, ResolvedCoreConfig, ResolvedSandboxConfig } from "./schema.ts";

/** What finalizing reads and rewrites in place. */
export interface Finalizable {
  core: ResolvedCoreConfig;
  sandbox: ResolvedSandboxConfig;
  agents: Record<string, ResolvedAgentConfig>;
  coreProvenance: Record<string, FieldProvenance>;
  agentProvenance: Record<string, SectionProvenance>;
}

const derived = (rule: string): FieldProvenance => ({ source: { kind: "derived", rule }, inherited: false });

/**
 * Applies `finalize_config` in place. A malformed `volumes` mount or `workspace_mount_rewrite` fails
 * validation (the schema), so its value is already null here.
 */
export function finalizeConfig(target: Finalizable, cwd: string): void {
  const { core, sandbox, coreProvenance } = target;
  if (sandbox.volumes !== null) {
    const mounts = sandbox.volumes.split(",");
    const workspace = mounts.map((mount) => mount.split(":")).find((parts) => parts[1] === "/workspace");
    const host = workspace ? resolvePath(cwd, workspace[0] ?? "") : null;
    core.workspace_mount_path = host;
    core.workspace_base = host;
    const rule = host
      ? `sandbox.volumes mounts "${workspace?.[0]}" at /workspace`
      : "sandbox.volumes mounts nothing at /workspace";
    coreProvenance.workspace_mount_path = derived(rule);
    coreProvenance.workspace_base = derived(rule);
    if (host) {
      core.workspace_mount_path_in_sandbox = "/workspace";
      coreProvenance.workspace_mount_path_in_sandbox = derived(rule);
    }
  } else if (core.workspace_base !== null || core.workspace_mount_path !== null) {
    if (core.workspace_base !== null) {
      const absolute = resolvePath(cwd, core.workspace_base);
      if (absolute !== core.workspace_base) {
        coreProvenance.workspace_base = derived(`workspace_base "${core.workspace_base}" made absolute`);
        core.workspace_base = absolute;
      }
      if (core.workspace_mount_path === null) {
        core.workspace_mount_path = core.workspace_base;
        coreProvenance.workspace_mount_path = derived("workspace_mount_path defaults to workspace_base");
      }
    }
    const rewrite = core.workspace_mount_rewrite;
    if (rewrite) {
      const [from = "", to = ""] = rewrite.split(":");
      const base = core.workspace_base ?? cwd;
      core.workspace_mount_path = from === "" ? base : base.split(from).join(to);
      coreProvenance.workspace_mount_path = derived(
        `workspace_mount_rewrite "${rewrite}" applied to ${core.workspace_base === null ? "the working directory" : "workspace_base"}`,
      );
    }
  }
  if (core.runtime.toLowerCase() === "cli") {
    const rule = `core.runtime is "${core.runtime}" (the CLI runtime has no Jupyter and no browser)`;
    for (const [name, agent] of Object.entries(target.agents)) {
      agent.enable_jupyter = false;
      agent.enable_browsing = false;
      target.agentProvenance[name] = {
        ...target.agentProvenance[name],
        enable_jupyter: derived(rule),
        enable_browsing: derived(rule),
      };
    }
  }
}
