/**
 * `llmconf chat`: a conversation with an agent in a workspace (OpenHands' CLI). In a terminal: a
 * prompt, the agent's work as it happens, slash commands, confirmations, Ctrl-C to stop a task. With
 * stdin piped: one task per line, each answer on stdout.
 */
import { createInterface } from "node:readline";
import { openSession, type Session } from "../../agents/session.ts";
import type { ActionToConfirm } from "../../agents/tools/tool.ts";
import {
  CONFIRM_PROMPT,
  type ConfirmAnswer,
  createConfirm,
  formatConfirmAction,
  parseConfirmAnswer,
} from "../chat/confirm.ts";
import { runPipedChat } from "../chat/piped.ts";
import { createChatRender } from "../chat/render.ts";
import { runTerminalChat, type TerminalChat } from "../chat/terminal.ts";
import { defineCommand } from "../command.ts";
import { type CliIo, useColor } from "../io.ts";
import { loadConfigOrReport } from "../load.ts";
import { configFlag, DIRECTORY_FLAG, type ParsedArgs, resolveWorkspace } from "../options.ts";
import { createPaint } from "../output.ts";
import { openCommandsOrReport, reportSetupError } from "../setup-report.ts";

const FLAGS = {
  "agent-cls": configFlag("agent-cls", "the agent to talk to (default: [core] default_agent, CodeActAgent)"),
  "llm-config": configFlag("llm-config"),
  directory: DIRECTORY_FLAG,
  "config-file": configFlag("config-file", "the project config file (default ./config.toml)"),
} as const;

/** Runs `chat`. */
export default defineCommand({
  usage: "llmconf chat [-c AGENT] [-l LLM] [-d DIR] [--config-file PATH]",
  description: `A conversation with an agent in a workspace: type a task, watch the agent work (its text, each tool
call and its result), then keep going in the same conversation. Each agent uses its own named LLM
config; /status splits the spend per agent and per config over the whole session.`,
  flags: FLAGS,
  notes: `Commands in the session:
  /help  /exit  /new  /status  /agent NAME  /llm NAME  /config

Ctrl-C stops the task in progress (the conversation stays); Ctrl-C twice at an empty prompt, Ctrl-D
or /exit leaves. With [security] confirmation_mode = true, every command and file change waits for
y (run it), n (skip it; the agent is told) or a (run everything from now on).

In a terminal the agent's text appears as it is written. Without a terminal (stdin piped) chat reads
one task per line and prints each answer, whole, on stdout.
Exit codes: 0 at /exit or the end of input, 1 setup error, 2 usage error, 130 Ctrl-C (piped input).`,
  run: chat,
});

async function chat(parsed: ParsedArgs<typeof FLAGS>, io: CliIo): Promise<number> {
  const workspace = await resolveWorkspace(parsed.values.directory, io.cwd);
  const config = await loadConfigOrReport(parsed, io);
  if (!config) return 1;
  const terminal = io.stdin.isTTY === true;
  // Everything a person reads goes to the terminal; piped, stdout carries only the answers.
  const screen = terminal ? io.stdout : io.stderr;
  const paint = createPaint(useColor(screen, io.env));

  const commands = await openCommandsOrReport(config, workspace, io);
  if (commands === undefined) return 1;
  screen.write(paint(2, `llmconf: ${commands.summary}\n`));

  // In a terminal readline edits the line and echoes it; io.stdout is then the real process.stdout.
  const lines = createInterface({
    input: io.stdin,
    ...(terminal ? { output: io.stdout as NodeJS.WritableStream, terminal: true, historySize: 200 } : {}),
  });
  let ui: TerminalChat | undefined;
  const pipedLines = terminal ? undefined : lines[Symbol.asyncIterator]();
  const ask = async (action: ActionToConfirm): Promise<ConfirmAnswer> => {
    if (ui !== undefined) return ui.ask(action);
    io.stderr.write(`${formatConfirmAction(action)}${CONFIRM_PROMPT}`);
    const next = await pipedLines?.next();
    const answer = next?.done === false ? parseConfirmAnswer(next.value) : undefined;
    io.stderr.write(`${answer ?? "no (not y, n or a)"}\n`);
    return answer ?? "no";
  };
  const render = createChatRender(screen, { live: screen.isTTY === true, paint });
  let session: Session;
  try {
    session = await openSession({
      config,
      workspace,
      cwd: io.cwd,
      env: io.env,
      commandRuntime: commands,
      confirm: config.security.confirmation_mode ? createConfirm(ask) : undefined,
      onEvent: (event) => render.onEvent(event),
      onLlmEvent: (agent, event) => render.onLlmEvent(agent, event),
      // A person at a terminal reads the answer as it is written; piped, stdout gets each answer whole.
      onTextDelta: terminal ? (agent, text) => render.onTextDelta(agent, text) : undefined,
    });
  } catch (error) {
    lines.close();
    await commands.close();
    return reportSetupError(error, io);
  }

  try {
    if (terminal) {
      ui = runTerminalChat({ session, io, lines, render, paint });
      return await ui.done;
    }
    const interrupt = new AbortController();
    const onInterrupt = () => {
      // A second Ctrl-C leaves at once, even if the step is slow to stop.
      if (interrupt.signal.aborted) process.exit(130);
      interrupt.abort();
    };
    process.on("SIGINT", onInterrupt);
    try {
      return await runPipedChat({
        session,
        io,
        lines: pipedLines as AsyncIterator<string>,
        render,
        paint,
        interrupt: interrupt.signal,
      });
    } finally {
      process.removeListener("SIGINT", onInterrupt);
    }
  } finally {
    lines.close();
    await session.close();
    await commands.close();
  }
}
