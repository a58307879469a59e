/**
 * Which runtime the config asks for, as llmconf honours it: `[core] runtime` chooses whether agent
 * commands run confined (`docker`, OpenHands' default, and llmconf's explicit `sandbox`) or on the host
 * (`local`, `cli`), and `[sandbox] network` whether the confined commands keep the network.
 */

/** Runtimes whose commands run inside the sandbox. `docker` is OpenHands' default, so most real files. */
export const SANDBOXED_RUNTIMES: readonly string[] = ["docker", "sandbox"];

/** Runtimes whose commands run on the host with nothing in between, as in OpenHands. */
export const HOST_RUNTIMES: readonly string[] = ["local", "cli"];

/** What the config asks for: confined commands, host commands, or a runtime llmconf cannot honour. */
export type RuntimeChoice =
  | { readonly mode: "sandbox"; readonly runtime: string; readonly network: boolean }
  | { readonly mode: "host"; readonly runtime: string }
  | { readonly mode: "unsupported"; readonly runtime: string };

/** The config fields the choice depends on (a `Config` has them). */
export interface RuntimeSettings {
  readonly core: { readonly runtime: string };
  readonly sandbox: { readonly network: boolean };
}

/**
 * Reads the runtime choice from a config; runtimes such as `kubernetes`, `remote` or a custom class
 * still load (real files use them) and come back as `unsupported` for the caller to refuse.
 * @example
 * const choice = chooseRuntime(config); // { mode: "sandbox", runtime: "docker", network: true }
 */
export function chooseRuntime(settings: RuntimeSettings): RuntimeChoice {
  const runtime = settings.core.runtime;
  if (SANDBOXED_RUNTIMES.includes(runtime)) {
    return { mode: "sandbox", runtime, network: settings.sandbox.network };
  }
  if (HOST_RUNTIMES.includes(runtime)) return { mode: "host", runtime };
  return { mode: "unsupported", runtime };
}

/** Why a run cannot start its commands; `message` says what is missing and what to do. */
export type SandboxProblem =
  | "unsupported-runtime"
  | "no-bwrap"
  | "bwrap-failed"
  | "no-sandbox-exec"
  | "sandbox-exec-failed"
  | "unsupported-platform";

/** The runtime asked for cannot be honoured; thrown before the first command runs, never a fallback. */
export class SandboxUnavailableError extends Error {
  override readonly name = "SandboxUnavailableError";
  /** Which thing is missing or failed. */
  readonly problem: SandboxProblem;
  /** The `[core] runtime` value that asked for it. */
  readonly runtime: string;

  constructor(problem: SandboxProblem, runtime: string, message: string) {
    super(message);
    this.problem = problem;
    this.runtime = runtime;
  }
}

/** How to choose the host knowingly, the last line of every "cannot sandbox" message. */
export const HOST_OPT_OUT =
  'To run the agent\'s commands on the host instead, knowingly, set [core] runtime = "local" in config.toml (or RUNTIME=local).';

/** The error for a runtime llmconf cannot honour, naming the values it supports. */
export function unsupportedRuntimeError(runtime: string): SandboxUnavailableError {
  const supported = [...SANDBOXED_RUNTIMES, ...HOST_RUNTIMES].map((name) => `"${name}"`).join(", ");
  return new SandboxUnavailableError(
    "unsupported-runtime",
    runtime,
    `[core] runtime = "${runtime}" is not supported by llmconf run/chat; use one of ${supported} ` +
      `(${SANDBOXED_RUNTIMES.map((name) => `"${name}"`).join(" and ")} confine commands in a sandbox, ` +
      `${HOST_RUNTIMES.map((name) => `"${name}"`).join(" and ")} run them on the host).`,
  );
}
