/** What `run` and `chat` print when a run cannot be set up: the refusal's own words, exit status 1. */

import { RunSetupError } from "../agents/instance.ts";
import { openRunCommandRuntime } from "../agents/run-setup.ts";
import type { CommandRuntime } from "../agents/shell/command-runtime.ts";
import type { Config } from "../config/load.ts";
import type { CliIo } from "./io.ts";
import { safeText } from "./output.ts";

/** Prints a `RunSetupError` (an unknown agent, an unpriced model, no sandbox) and returns 1; rethrows anything else. */
export function reportSetupError(error: unknown, io: CliIo): 1 {
  if (!(error instanceof RunSetupError)) throw error;
  io.stderr.write(`llmconf: ${safeText(error.message)}\n`);
  return 1;
}

/**
 * The run's command runtime (the sandbox, or the host when `[core] runtime` says so), opened before
 * anything is sent; undefined after printing why it cannot start, never falling back.
 */
export async function openCommandsOrReport(
  config: Config,
  workspace: string,
  io: CliIo,
): Promise<CommandRuntime | undefined> {
  try {
    return await openRunCommandRuntime(config, workspace, io.env);
  } catch (error) {
    reportSetupError(error, io);
    return undefined;
  }
}
