/**
 * `llmconf run`: the headless agent run (OpenHands' `python -m openhands.core.main`): a task, an agent,
 * a workspace; progress on stderr, the final message on stdout, the bill split per agent and config.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { type RunResult, runTask } from "../../agents/run.ts";
import { defineCommand } from "../command.ts";
import { type CliIo, readStdin, UsageError, useColor } from "../io.ts";
import { loadConfigOrReport } from "../load.ts";
import { configFlag, DIRECTORY_FLAG, type ParsedArgs, resolveWorkspace } from "../options.ts";
import { createPaint, escapeControl, safeText } from "../output.ts";
import { createRunProgress } from "../run-progress.ts";
import { formatOutcome, formatRunTable, toRunJson } from "../run-report.ts";
import { openCommandsOrReport, reportSetupError } from "../setup-report.ts";

const FLAGS = {
  task: { type: "string", short: "t", value: "TASK", help: "the task (or -f FILE, or the task on stdin)" },
  file: { type: "string", short: "f", value: "FILE", help: "read the task from a file (wins over -t)" },
  "agent-cls": configFlag("agent-cls"),
  "llm-config": configFlag("llm-config"),
  "max-iterations": configFlag("max-iterations"),
  "max-budget-per-task": configFlag("max-budget-per-task"),
  directory: DIRECTORY_FLAG,
  json: configFlag("json", "print { status, final_message, agents, llm_configs, breakdown, total_cost }"),
  yes: { type: "boolean", help: "run even with [security] confirmation_mode = true" },
} as const;

/** Runs `run`. */
export default defineCommand({
  usage:
    "llmconf run [-t TASK | -f FILE] [-c AGENT] [-l LLM] [-i N] [-b USD] [-d DIR] [--config-file PATH] [--json] [--yes]",
  description: `Runs an agent on a task in a workspace until it finishes or a limit stops it. Each agent uses its own
named LLM config ([agent.<Name>] llm_config); delegates included, the bill is split per agent and config.`,
  flags: FLAGS,
  notes: `Commands run in a sandbox (bubblewrap: the workspace writable, the rest read-only, own PID namespace)
when [core] runtime is "docker" (the default) or "sandbox"; runtime = "local" runs them on the host.
The tools of the [mcp] servers (stdio, Streamable HTTP, SSE) are given to agents with enable_mcp; the
servers start with the run and stop when it ends, and one that cannot start is a warning.

Exit codes: 0 finished, 1 error or limit reached, 2 usage error, 130 interrupted (Ctrl-C).`,
  run,
});

async function readTask(values: ParsedArgs<typeof FLAGS>["values"], io: CliIo): Promise<string> {
  const file = values.file;
  if (typeof file === "string") {
    try {
      return (await readFile(resolve(io.cwd, file), "utf8")).trim();
    } catch (error) {
      throw new UsageError(
        `-f ${file}: cannot read the task file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
  }
  if (typeof values.task === "string") return values.task.trim();
  if (io.stdin.isTTY !== true) return (await readStdin(io.stdin)).trim();
  return "";
}

function exitCodeOf(result: RunResult): number {
  if (result.status === "finished") return 0;
  return result.status === "interrupted" ? 130 : 1;
}

async function run(parsed: ParsedArgs<typeof FLAGS>, io: CliIo): Promise<number> {
  const { values } = parsed;
  const task = await readTask(values, io);
  if (task === "")
    throw new UsageError('run needs a task: llmconf run -t "your task" (or -f FILE, or the task on stdin)');
  const workspace = await resolveWorkspace(values.directory, io.cwd);
  const config = await loadConfigOrReport(parsed, io);
  if (!config) return 1;
  if (config.security.confirmation_mode && values.yes !== true) {
    io.stderr.write(
      "llmconf: [security] confirmation_mode = true asks before every action, which a headless run cannot do; pass --yes to run without confirmation (or use chat)\n",
    );
    return 1;
  }

  const commands = await openCommandsOrReport(config, workspace, io);
  if (commands === undefined) return 1;
  io.stderr.write(`llmconf: ${commands.summary}\n`);

  const paint = createPaint(useColor(io.stderr, io.env));
  const progress = createRunProgress(io.stderr, { live: io.stderr.isTTY === true, paint });
  const controller = new AbortController();
  const onInterrupt = () => {
    // The first Ctrl-C stops the run (the table is still printed); a second one leaves at once.
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  };
  process.on("SIGINT", onInterrupt);
  let result: RunResult;
  try {
    result = await runTask({
      config,
      task,
      agent: config.core.default_agent,
      workspace,
      cwd: io.cwd,
      env: io.env,
      signal: controller.signal,
      commandRuntime: commands,
      onEvent: (event) => progress.onEvent(event),
      onLlmEvent: (agent, event) => progress.onLlmEvent(agent, event),
    });
  } catch (error) {
    progress.finish();
    return reportSetupError(error, io);
  } finally {
    process.removeListener("SIGINT", onInterrupt);
    await commands.close();
  }
  progress.finish();
  if (result.rows.length > 0) io.stderr.write(`\n${formatRunTable(result.rows)}\n`);
  const outcome = formatOutcome(result);
  if (result.status === "finished") io.stderr.write(`${outcome}\n`);
  // stderr is read by people: names, paths and messages that come from the config file are escaped.
  else io.stderr.write(`llmconf: ${outcome}: ${safeText(result.finalMessage)}\n`);
  if (result.trajectoryFile !== null)
    io.stderr.write(`trajectory: ${escapeControl(result.trajectoryFile)}\n`);
  if (values.json === true) io.stdout.write(`${JSON.stringify(toRunJson(result, config), null, 2)}\n`);
  else if (result.status === "finished") io.stdout.write(`${result.finalMessage}\n`);
  return exitCodeOf(result);
}
