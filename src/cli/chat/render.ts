/**
 * What `chat` shows while the agent works: `run`'s progress (who acts on which config, each tool call
 * in one line, retries, warnings, the spend) plus what a conversation needs on top — the agent's text
 * as each answer arrives and each tool's result in short form.
 */
import type { RunEvent } from "../../agents/events.ts";
import type { LlmEvent } from "../../llm/client.ts";
import type { TextOut } from "../io.ts";
import { escapeControl, type Paint, safeText } from "../output.ts";
import { createRunProgress, oneLine } from "../run-progress.ts";
import { createStreamedAnswer } from "./streamed-answer.ts";

/** Draws a session's events. */
export interface ChatRender {
  onEvent(event: RunEvent): void;
  onLlmEvent(agent: { name: string; depth: number }, event: LlmEvent): void;
  /** Prints a piece of an agent's text as it streams (the step's `llm_response` then does not repeat it). */
  onTextDelta(agent: { name: string; depth: number }, text: string): void;
  /** Clears the status line (before a question). */
  clearStatus(): void;
  /** Clears the status line; returns the last text the session's agent said in this task (to not repeat it). */
  endTask(): string | undefined;
}

/** The first line of an observation and how much more there is: `ok (12 lines)`. */
function shortResult(content: string): string {
  const lines = content.trimEnd().split("\n");
  const first = oneLine(lines[0] ?? "", 80);
  return lines.length > 1 ? `${first} (+${lines.length - 1} lines)` : first;
}

/**
 * Creates the display of a session on `out`: live (a status line updated in place) on a terminal.
 * @example const render = createChatRender(process.stdout, { live: true, paint });
 */
export function createChatRender(out: TextOut, options: { live: boolean; paint: Paint }): ChatRender {
  const { paint } = options;
  const progress = createRunProgress(out, options);
  const answer = createStreamedAnswer(out, () => progress.finish());
  let lastText: string | undefined;
  return {
    onEvent(event) {
      // The step's text (if it streamed) ends its line before the step's events are drawn.
      let streamed = false;
      if (event.type === "llm_response") streamed = answer.end();
      else answer.endLine();
      progress.onEvent(event);
      if (event.type === "run_start") lastText = undefined;
      if (event.type === "llm_response" && event.content !== null && event.content.trim() !== "") {
        const text = safeText(event.content.trim());
        const indent = "  ".repeat(event.depth);
        if (!streamed) progress.print(0, text.replace(/^/gm, indent));
        if (event.depth === 0) lastText = event.content.trim();
      }
      if (event.type === "observation" && !event.error && event.tool !== "finish") {
        progress.print(event.depth + 2, paint(2, `→ ${escapeControl(shortResult(event.content))}`));
      }
    },
    onLlmEvent(agent, event) {
      if (event.type === "retry" || event.type === "fallback") answer.endLine();
      progress.onLlmEvent(agent, event);
    },
    onTextDelta: (agent, text) => answer.write(agent.depth, text),
    clearStatus() {
      answer.endLine();
      progress.finish();
    },
    endTask() {
      // A step Ctrl-C stopped mid-stream has no llm_response: its text ends here.
      answer.end();
      progress.finish();
      return lastText;
    },
  };
}
