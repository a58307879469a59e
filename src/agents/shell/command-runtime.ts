/**
 * Where a run's commands go: opened once before the first step from `[core] runtime`, so a runtime
 * that cannot be honoured stops the run before anything executes.
 */
import {
  chooseRuntime,
  type RuntimeChoice,
  type RuntimeSettings,
  unsupportedRuntimeError,
} from "./runtime-choice.ts";
import { findExecutable, openSandbox, type Sandbox, type SpawnPlan } from "./sandbox.ts";

/** The runtime a run uses: the choice, its sandbox (`null` on the host) and a line saying so. */
export interface CommandRuntime {
  readonly choice: RuntimeChoice;
  readonly sandbox: Sandbox | null;
  /** For the start of a run: which runtime and sandbox are in force. */
  readonly summary: string;
  /** `runCommand`'s `wrap` option: `undefined` on the host. */
  readonly wrap: ((command: string, cwd: string) => SpawnPlan) | undefined;
  close(): Promise<void>;
}

/** Where commands run and the environment to look for the sandbox in. */
export interface CommandRuntimeOptions {
  readonly workspace: string;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default process.platform */
  readonly platform?: NodeJS.Platform;
}

/**
 * Opens the runtime a config asks for; throws `SandboxUnavailableError` for a runtime llmconf cannot
 * honour or a sandbox that cannot start.
 * @example
 * const runtime = await openCommandRuntime(config, { workspace });
 * io.stderr.write(`${runtime.summary}\n`);
 * await runCommand({ command, cwd: workspace, wrap: runtime.wrap, ... });
 */
export async function openCommandRuntime(
  settings: RuntimeSettings,
  options: CommandRuntimeOptions,
): Promise<CommandRuntime> {
  const choice = chooseRuntime(settings);
  if (choice.mode === "unsupported") throw unsupportedRuntimeError(choice.runtime);
  if (choice.mode === "host") {
    return {
      choice,
      sandbox: null,
      summary: `runtime "${choice.runtime}": commands run on the host, unconfined`,
      wrap: undefined,
      close: async () => {},
    };
  }
  const sandbox = await openSandbox({
    workspace: options.workspace,
    network: choice.network,
    runtime: choice.runtime,
    ...(options.env ? { env: options.env } : {}),
    ...(options.platform ? { platform: options.platform } : {}),
  });
  return {
    choice,
    sandbox,
    summary: `runtime "${choice.runtime}": commands run in a sandbox, ${sandbox.describe()}`,
    wrap: sandbox.wrapShell,
    close: () => sandbox.close(),
  };
}

/**
 * What a run would do with this config, without starting anything (for `config explain`): the
 * runtime, the sandbox it asks for, and whether that sandbox's program is there.
 */
export function describeRuntime(
  settings: RuntimeSettings,
  env: Readonly<Record<string, string | undefined>> = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  const choice = chooseRuntime(settings);
  if (choice.mode === "unsupported") return unsupportedRuntimeError(choice.runtime).message;
  if (choice.mode === "host")
    return `runtime "${choice.runtime}": agent commands run on the host, unconfined`;
  const network = choice.network ? "network on" : "network off";
  const head = `runtime "${choice.runtime}": agent commands run in a sandbox`;
  if (platform === "linux") {
    const bwrap = findExecutable("bwrap", env.PATH);
    return bwrap
      ? `${head}, bubblewrap (${bwrap}), ${network}`
      : `${head}, bubblewrap, ${network}; bwrap is not on PATH, so runs will stop (apt-get install bubblewrap)`;
  }
  if (platform === "darwin") return `${head}, sandbox-exec, ${network}`;
  return `${head}, but there is none for ${platform}, so runs will stop`;
}
