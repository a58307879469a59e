/**
 * The agent loop's one hook into condensing: before each call the agent's condenser turns the
 * conversation into the view to send; when the provider answers that the prompt is too long, the
 * condenser is asked to condense and the call is retried once — never more, so a history that will not
 * fit ends the run with one clear line instead of a loop.
 */
import type { Completion } from "../../llm/client.ts";
import { LlmError } from "../../llm/errors.ts";
import type { ChatMessage } from "../../llm/messages.ts";
import type { AgentInstance, LoopRun } from "../loop.ts";

/** Whether an error says the prompt does not fit the model's context (the provider's or our own count). */
export function isContextTooLong(error: unknown): error is LlmError {
  return (
    error instanceof LlmError && (error.kind === "context_window_exceeded" || error.kind === "token_limit")
  );
}

function tooLong(error: LlmError, agent: AgentInstance, detail: string): LlmError {
  return new LlmError(
    `${agent.name}: the prompt is too long for config "${error.configName}" (model ${error.model}) ${detail}`,
    {
      kind: "context_window_exceeded",
      configName: error.configName,
      model: error.model,
      status: error.status,
      cause: error,
    },
  );
}

/**
 * Calls the agent's LLM (through `call`) on the condensed view of `messages`.
 * @example const completion = await completeCondensed(agent, messages, run, (view) => agent.llm.complete({ messages: view }));
 */
export async function completeCondensed(
  agent: AgentInstance,
  messages: ChatMessage[],
  run: LoopRun,
  call: (view: ChatMessage[]) => Promise<Completion>,
): Promise<Completion> {
  const condensing = agent.condenser;
  if (condensing === undefined) return call(messages);
  const request = {
    history: run.history,
    owner: { name: agent.name, depth: agent.depth },
    signal: run.signal,
  };
  const first = await condensing.viewFor(messages, { ...request, requested: false });
  try {
    return await call(first.messages);
  } catch (error) {
    if (!isContextTooLong(error)) throw error;
    const type = condensing.condenser.type;
    const again = await condensing.viewFor(messages, { ...request, requested: true });
    if (!again.changed) {
      throw tooLong(
        error,
        agent,
        `and its condenser (${type}) cannot shorten the history; set one that forgets events, e.g. [condenser] type = "llm" with a cheap llm_config`,
      );
    }
    try {
      return await call(again.messages);
    } catch (retried) {
      if (!isContextTooLong(retried)) throw retried;
      throw tooLong(
        retried,
        agent,
        `even after its condenser (${type}) condensed the history once; lower the condenser's max_size or keep_first, or use a config with a larger context window`,
      );
    }
  }
}
