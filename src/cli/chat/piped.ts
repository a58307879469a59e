/**
 * `llmconf chat` without a terminal (stdin piped): one task per line, each answer in plain text on
 * stdout, progress on stderr, exit 0 at the end of input — so a conversation can be scripted. Slash
 * commands work as in the terminal; with `confirmation_mode` the line after a task answers each
 * question (y / n / a).
 */
import type { Session } from "../../agents/session.ts";
import type { CliIo } from "../io.ts";
import type { Paint } from "../output.ts";
import { safeText } from "../output.ts";
import { isChatCommand, runChatCommand } from "./commands.ts";
import type { ChatRender } from "./render.ts";

/** What the piped loop reads and writes. */
export interface PipedChatOptions {
  session: Session;
  io: CliIo;
  /** The input's lines; confirmations read from the same lines. */
  lines: AsyncIterator<string>;
  render: ChatRender;
  paint: Paint;
  /** Aborted by Ctrl-C (SIGINT): the task in progress stops and chat ends with 130. */
  interrupt: AbortSignal;
}

/** Runs tasks line by line until the input ends (0), /exit (0) or Ctrl-C (130). */
export async function runPipedChat(options: PipedChatOptions): Promise<number> {
  const { session, io, lines, render, interrupt } = options;
  for (;;) {
    if (interrupt.aborted) return 130;
    const next = await lines.next();
    if (next.done === true) return 0;
    const line = next.value.trim();
    if (line === "") continue;
    if (isChatCommand(line)) {
      const result = await runChatCommand(line, session, { cwd: io.cwd, paint: options.paint });
      if (result.error) io.stderr.write(`llmconf: ${result.text}\n`);
      else if (result.text !== "") io.stdout.write(`${result.text}\n`);
      if (result.exit) return 0;
      continue;
    }
    const reply = await session.send(line, interrupt);
    render.endTask();
    // stdout carries the answer as data (like `complete`); stderr is read by people, so it is escaped.
    if (reply.status === "finished") io.stdout.write(`${reply.message}\n`);
    else io.stderr.write(`llmconf: ${reply.status}: ${safeText(reply.message)}\n`);
  }
}
