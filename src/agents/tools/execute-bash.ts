/** `execute_bash`: one shell command in the workspace, bounded by `[sandbox] timeout` (or a shorter `timeout`). */
import { z } from "zod";
import { formatCommandResult, runCommand } from "../shell/run-command.ts";
import { defineTool } from "./tool.ts";

/** OpenHands' `execute_bash` tool (`command`, optional `timeout` in seconds). */
export const executeBashTool = defineTool({
  name: "execute_bash",
  description: `Runs a bash command in the workspace directory (its own process, started fresh each call).
* The command runs to completion and its output (stdout and stderr) is returned; long output is cut in the middle.
* Commands that run longer than the timeout are killed together with every process they started; background processes do not outlive the command.
* Chain commands with && or ; and avoid interactive programs (stdin is closed).`,
  parameters: z.object({
    command: z.string().describe("The bash command to run."),
    timeout: z
      .number()
      .positive()
      .optional()
      .describe("Seconds after which the command is killed (at most the configured sandbox timeout)."),
  }),
  describeAction: ({ command }) => `$ ${command}`,
  async execute({ command, timeout }, context) {
    const timeoutMs =
      timeout === undefined ? context.commandTimeoutMs : Math.min(timeout * 1000, context.commandTimeoutMs);
    const result = await runCommand({
      command,
      cwd: context.workspace.root,
      timeoutMs,
      signal: context.signal,
      maxOutputChars: context.maxOutputChars,
      wrap: context.wrapCommand,
      env: context.commandEnv,
    });
    return formatCommandResult(result, timeoutMs);
  },
});
