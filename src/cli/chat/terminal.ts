/**
 * `llmconf chat` in a terminal, over Node's readline (line editing and history, no dependency, no
 * start-up cost). One task runs at a time under its own AbortController: Ctrl-C aborts it (the call in
 * flight and any running command) and the prompt returns with the conversation kept. At an empty
 * prompt, Ctrl-C twice, Ctrl-D or /exit leaves with 0.
 */
import type { Interface } from "node:readline";
import type { Session } from "../../agents/session.ts";
import type { ActionToConfirm } from "../../agents/tools/tool.ts";
import type { CliIo } from "../io.ts";
import { escapeControl, type Paint } from "../output.ts";
import { isChatCommand, runChatCommand } from "./commands.ts";
import { CONFIRM_PROMPT, type ConfirmAnswer, formatConfirmAction, parseConfirmAnswer } from "./confirm.ts";
import type { ChatRender } from "./render.ts";
import { safeText } from "./render.ts";

/** A running terminal chat. */
export interface TerminalChat {
  /** Settles with the exit code when the user leaves. */
  readonly done: Promise<number>;
  /** Asks the user to confirm an action (y / n / a); Ctrl-C answers no and stops the task. */
  ask(action: ActionToConfirm): Promise<ConfirmAnswer>;
}

/** What the terminal chat works with. */
export interface TerminalChatOptions {
  session: Session;
  io: CliIo;
  /** A readline interface over the terminal (`terminal: true`). */
  lines: Interface;
  render: ChatRender;
  paint: Paint;
}

/**
 * Starts the prompt loop.
 * @example const chat = runTerminalChat({ session, io, lines, render, paint }); process.exitCode = await chat.done;
 */
export function runTerminalChat(options: TerminalChatOptions): TerminalChat {
  const { session, io, lines, render, paint } = options;
  const write = (text: string) => io.stdout.write(text);
  let step: AbortController | undefined;
  let answer: ((line: string) => void) | undefined;
  let leaveArmed = false;
  let leaving = false;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });

  const prompt = () => {
    const { name, llmConfig } = session.active;
    lines.setPrompt(`${paint(2, escapeControl(`${name} · ${llmConfig}`))} ${paint(1, ">")} `);
    lines.prompt();
  };
  const leave = () => {
    leaving = true;
    if (step === undefined) finish(0);
    else step.abort();
  };

  const runTask = async (task: string) => {
    const controller = new AbortController();
    step = controller;
    try {
      const reply = await session.send(task, controller.signal);
      const said = render.endTask();
      if (reply.status === "finished") {
        if (reply.message.trim() !== said) write(`${safeText(reply.message)}\n`);
      } else if (reply.status === "interrupted") {
        write(`${paint(33, "Interrupted.")} The conversation so far is kept; type the next task.\n`);
      } else {
        write(`${paint(31, `llmconf: ${reply.status}:`)} ${safeText(reply.message)}\n`);
      }
    } catch (error) {
      render.endTask();
      // A bug must not end the conversation: say so in one line and keep the prompt.
      write(
        `llmconf: internal error: ${escapeControl(error instanceof Error ? error.message : String(error))}\n`,
      );
    } finally {
      step = undefined;
    }
    if (leaving) finish(0);
    else prompt();
  };

  const onLine = async (text: string) => {
    if (answer !== undefined) return answer(text);
    if (step !== undefined) {
      write(paint(2, "(a task is running: Ctrl-C stops it)\n"));
      return;
    }
    leaveArmed = false;
    const line = text.trim();
    if (line === "") return prompt();
    if (!isChatCommand(line)) return runTask(line);
    const result = await runChatCommand(line, session, { cwd: io.cwd, paint });
    if (result.text !== "") write(`${result.error ? paint(31, "llmconf: ") : ""}${result.text}\n`);
    if (result.exit) return leave();
    prompt();
  };

  const onInterrupt = () => {
    if (step !== undefined) {
      render.clearStatus();
      write(paint(33, "^C stopping the task…\n"));
      answer?.("n");
      step.abort();
      return;
    }
    if (lines.line !== "") {
      // Like a shell: Ctrl-C drops what was typed.
      lines.write(null, { ctrl: true, name: "e" });
      lines.write(null, { ctrl: true, name: "u" });
      leaveArmed = false;
      write("\n");
      return prompt();
    }
    if (leaveArmed) return leave();
    leaveArmed = true;
    write(paint(2, "\n(Ctrl-C again, Ctrl-D or /exit to leave)\n"));
    prompt();
  };

  lines.on("line", (text) => void onLine(text));
  lines.on("SIGINT", onInterrupt);
  // A SIGINT from outside the terminal (kill -INT) does the same as the key.
  process.on("SIGINT", onInterrupt);
  lines.on("close", () => {
    write("\n");
    leave();
  });
  void done.then(() => process.removeListener("SIGINT", onInterrupt));

  const { name, llmConfig, model } = session.active;
  write(
    `${paint(1, "llmconf chat")} ${escapeControl(`· ${name} on ${llmConfig} (${model})`)} · /help for commands, Ctrl-D to leave\n`,
  );
  prompt();

  return {
    done,
    ask(action) {
      render.clearStatus();
      write(formatConfirmAction(action));
      return new Promise<ConfirmAnswer>((resolve) => {
        lines.setPrompt(CONFIRM_PROMPT);
        lines.prompt();
        answer = (text) => {
          const parsed = step?.signal.aborted ? "no" : parseConfirmAnswer(text);
          if (parsed === undefined) {
            write("Answer y, n or a.\n");
            lines.prompt();
            return;
          }
          answer = undefined;
          resolve(parsed);
        };
      });
    },
  };
}
