/**
 * An agent's text printed as it streams in a terminal chat: shown as the whole answer would be (trimmed,
 * indented by the agent's depth, control characters escaped, line breaks kept), and its last line ended
 * before anything else is printed (a tool call, a retry, the prompt).
 */
import type { TextOut } from "../io.ts";
import { safeText } from "../output.ts";

/** The text of the step in progress, as it streams. */
export interface StreamedAnswer {
  /** Prints a delta of an agent's text at its depth. */
  write(depth: number, text: string): void;
  /** Ends the line the text is on, if it is open (before another line is printed). */
  endLine(): void;
  /** Ends the step's text: true when some of it was printed (so the whole answer is not printed again). */
  end(): boolean;
}

/**
 * Creates the streamed text of a chat on `out`; `clear` runs before text is printed after something
 * else was (it clears the status line that other lines redraw).
 * @example const answer = createStreamedAnswer(process.stdout, () => progress.finish());
 */
export function createStreamedAnswer(out: TextOut, clear: () => void): StreamedAnswer {
  let shown = false;
  let atLineStart = true;
  let drawnOver = true;
  // Whitespace is shown only once text follows it, so the answer reads as trimmed, like a whole one.
  let heldSpace = "";

  const endLine = () => {
    if (!atLineStart) out.write("\n");
    atLineStart = true;
    drawnOver = true;
  };
  return {
    write(depth, text) {
      const all = heldSpace + text;
      const body = all.trimEnd();
      heldSpace = all.slice(body.length);
      const visible = shown ? body : body.trimStart();
      if (visible === "") return;
      if (drawnOver) clear();
      drawnOver = false;
      shown = true;
      const indent = "  ".repeat(depth);
      const lines = safeText(visible.replace(/\r\n/g, "\n")).split("\n");
      lines.forEach((line, index) => {
        if (index > 0) {
          out.write("\n");
          atLineStart = true;
        }
        if (line === "") return;
        out.write(atLineStart ? `${indent}${line}` : line);
        atLineStart = false;
      });
    },
    endLine,
    end() {
      endLine();
      const wasShown = shown;
      shown = false;
      heldSpace = "";
      return wasShown;
    },
  };
}
