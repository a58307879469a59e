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
import { escapeControl, type Paint, safeText } from "../output.ts";
import { isChatCommand, runChatCommand } from "./commands.ts";
import { CONFIRM_PROMPT, type ConfirmAnswer, formatConfirmAction, parseConfirmAnswer } from "./confirm.ts";
import type { ChatRender } from "./render.ts";

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

/** The terminal chat's own state, shared by its handlers. */
interface TerminalState {
  readonly options: TerminalChatOptions;
  write(text: string): void;
  /** Settles `done` with the exit code. */
  finish(code: number): void;
  /** The task running, if any: Ctrl-C aborts it. */
  step: AbortController | undefined;
  /** Takes the next line while a confirmation waits for its answer. */
  answer: ((line: string) => void) | undefined;
  /** Ctrl-C at an empty prompt once: a second one leaves. */
  leaveArmed: boolean;
  /** Leaving once the running task has stopped. */
  leaving: boolean;
}

function showPrompt(state: TerminalState): void {
  const { session, lines, paint } = state.options;
  const { name, llmConfig } = session.active;
  lines.setPrompt(`${paint(2, escapeControl(`${name} · ${llmConfig}`))} ${paint(1, ">")} `);
  lines.prompt();
}

function leave(state: TerminalState): void {
  state.leaving = true;
  if (state.step === undefined) state.finish(0);
  else state.step.abort();
}

/** Runs one task under its own controller and says how it ended; a bug is one line, never the end. */
async function runTask(state: TerminalState, task: string): Promise<void> {
  const { session, render, paint } = state.options;
  const controller = new AbortController();
  state.step = controller;
  try {
    const reply = await session.send(task, controller.signal);
    const said = render.endTask();
    if (reply.status === "finished") {
      if (reply.message.trim() !== said) state.write(`${safeText(reply.message)}\n`);
    } else if (reply.status === "interrupted") {
      state.write(`${paint(33, "Interrupted.")} The conversation so far is kept; type the next task.\n`);
    } else {
      state.write(`${paint(31, `llmconf: ${reply.status}:`)} ${safeText(reply.message)}\n`);
    }
  } catch (error) {
    render.endTask();
    // A bug must not end the conversation: say so in one line and keep the prompt.
    state.write(
      `llmconf: internal error: ${escapeControl(error instanceof Error ? error.message : String(error))}\n`,
    );
  } finally {
    state.step = undefined;
  }
  if (state.leaving) state.finish(0);
  else showPrompt(state);
}

/** A line typed: a confirmation's answer, a slash command, or a task. */
async function onLine(state: TerminalState, text: string): Promise<void> {
  const { session, io, paint } = state.options;
  if (state.answer !== undefined) return state.answer(text);
  if (state.step !== undefined) {
    state.write(paint(2, "(a task is running: Ctrl-C stops it)\n"));
    return;
  }
  state.leaveArmed = false;
  const line = text.trim();
  if (line === "") return showPrompt(state);
  if (!isChatCommand(line)) return runTask(state, line);
  const result = await runChatCommand(line, session, { cwd: io.cwd, paint });
  if (result.text !== "") state.write(`${result.error ? paint(31, "llmconf: ") : ""}${result.text}\n`);
  if (result.exit) return leave(state);
  showPrompt(state);
}

/** Ctrl-C: stops the running task, else drops what was typed, else leaves when pressed twice. */
function onInterrupt(state: TerminalState): void {
  const { lines, render, paint } = state.options;
  if (state.step !== undefined) {
    render.clearStatus();
    state.write(paint(33, "^C stopping the task…\n"));
    state.answer?.("n");
    state.step.abort();
    return;
  }
  if (lines.line !== "") {
    // Like a shell: Ctrl-C drops what was typed.
    lines.write(null, { ctrl: true, name: "e" });
    lines.write(null, { ctrl: true, name: "u" });
    state.leaveArmed = false;
    state.write("\n");
    showPrompt(state);
    return;
  }
  if (state.leaveArmed) {
    leave(state);
    return;
  }
  state.leaveArmed = true;
  state.write(paint(2, "\n(Ctrl-C again, Ctrl-D or /exit to leave)\n"));
  showPrompt(state);
}

/** Shows an action and waits for y / n / a at the confirmation prompt (no, once the task is stopped). */
function askConfirm(state: TerminalState, action: ActionToConfirm): Promise<ConfirmAnswer> {
  const { lines, render } = state.options;
  render.clearStatus();
  state.write(formatConfirmAction(action));
  return new Promise<ConfirmAnswer>((resolve) => {
    lines.setPrompt(CONFIRM_PROMPT);
    lines.prompt();
    state.answer = (text) => {
      const parsed = state.step?.signal.aborted ? "no" : parseConfirmAnswer(text);
      if (parsed === undefined) {
        state.write("Answer y, n or a.\n");
        lines.prompt();
        return;
      }
      state.answer = undefined;
      resolve(parsed);
    };
  });
}

/**
 * Starts the prompt loop.
 * @example const chat = runTerminalChat({ session, io, lines, render, paint }); process.exitCode = await chat.done;
 */
export function runTerminalChat(options: TerminalChatOptions): TerminalChat {
  const { session, io, lines, paint } = options;
  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });
  const state: TerminalState = {
    options,
    write: (text) => io.stdout.write(text),
    finish: (code) => finish(code),
    step: undefined,
    answer: undefined,
    leaveArmed: false,
    leaving: false,
  };
  const interrupt = () => onInterrupt(state);

  lines.on("line", (text) => void onLine(state, text));
  lines.on("SIGINT", interrupt);
  // A SIGINT from outside the terminal (kill -INT) does the same as the key.
  process.on("SIGINT", interrupt);
  lines.on("close", () => {
    state.write("\n");
    leave(state);
  });
  void done.then(() => process.removeListener("SIGINT", interrupt));

  const { name, llmConfig, model } = session.active;
  state.write(
    `${paint(1, "llmconf chat")} ${escapeControl(`· ${name} on ${llmConfig} (${model})`)} · /help for commands, Ctrl-D to leave\n`,
  );
  showPrompt(state);

  return { done, ask: (action) => askConfirm(state, action) };
}
