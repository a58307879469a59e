/**
 * `[security] confirmation_mode` in chat: before every command and file change the user sees what will
 * run and answers y (run it), n (do not; the agent is told the user rejected it) or a (run this and
 * every later action of the session without asking).
 */
import type { ActionToConfirm, ToolContext } from "../../agents/tools/tool.ts";
import { escapeControl } from "../output.ts";

/** An answer to a confirmation. */
export type ConfirmAnswer = "yes" | "no" | "always";

/** Reads y/yes, n/no, a/always (any case); anything else is not an answer. */
export function parseConfirmAnswer(text: string): ConfirmAnswer | undefined {
  const word = text.trim().toLowerCase();
  if (word === "y" || word === "yes") return "yes";
  if (word === "n" || word === "no") return "no";
  if (word === "a" || word === "always") return "always";
  return undefined;
}

/** The question after the action. */
export const CONFIRM_PROMPT = "Run it? [y]es / [n]o / [a]lways: ";

/** What will run, as shown before the question: the agent, then the action (control characters escaped). */
export function formatConfirmAction(action: ActionToConfirm): string {
  const what = action.description
    .split("\n")
    .map((line) => escapeControl(line))
    .join("\n    ");
  return `${escapeControl(action.agent)} wants to run:\n    ${what}\n`;
}

/**
 * The confirm hook of the tool context, over a way to ask. After an `always` it stops asking for the
 * rest of the session.
 * @example const confirm = createConfirm((action) => terminal.ask(action));
 */
export function createConfirm(
  ask: (action: ActionToConfirm) => Promise<ConfirmAnswer>,
): NonNullable<ToolContext["confirm"]> {
  let always = false;
  return async (action) => {
    if (always) return true;
    const answer = await ask(action);
    if (answer === "always") always = true;
    return answer !== "no";
  };
}
