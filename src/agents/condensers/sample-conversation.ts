/**
 * Sample agent conversations (system prompt, task, then steps of tool calls and their results) for the
 * condensers' tests and benchmark: shaped like what the agent loop builds, with text of a chosen size.
 */
import type { ChatMessage } from "../../llm/messages.ts";

/**
 * One step of a sample conversation: how many tool calls the assistant makes; 0 is a plain answer
 * followed by the user's next message (as in a chat).
 */
export type SampleStep = number;

/**
 * A conversation of `steps`, each an assistant message with its calls followed by one result per call.
 * @example createSampleConversation([1, 2, 0]) // system, task, a, tool, a, tool, tool, a, user
 */
export function createSampleConversation(steps: readonly SampleStep[], textSize = 20): ChatMessage[] {
  const messages: ChatMessage[] = [
    { role: "system", content: "You are a careful agent." },
    { role: "user", content: "The task" },
  ];
  for (const [step, calls] of steps.entries()) appendSampleStep(messages, calls, step, textSize);
  return messages;
}

/** Appends one step (the assistant's calls, then their results) to a conversation. */
export function appendSampleStep(
  messages: ChatMessage[],
  calls: SampleStep,
  step: number,
  textSize = 20,
): void {
  const padding = "x".repeat(Math.max(0, textSize));
  const ids = Array.from({ length: calls }, (_, index) => `call_${step}_${index}`);
  messages.push({
    role: "assistant",
    content: `thought ${step} ${padding}`,
    ...(calls > 0
      ? {
          tool_calls: ids.map((id) => ({
            id,
            type: "function" as const,
            function: { name: "think", arguments: JSON.stringify({ thought: `step ${step}` }) },
          })),
        }
      : {}),
  });
  for (const id of ids)
    messages.push({ role: "tool", tool_call_id: id, content: `result of ${id} ${padding}` });
  if (calls === 0) messages.push({ role: "user", content: `next request ${step}` });
}
