/**
 * The agent loop, one function: build the prompt from the history, call the agent's own client, run the
 * tool calls, append the observations, check the limits — until the agent finishes or a limit stops it.
 */
import type { CompleteRequest, Completion, Llm } from "../llm/client.ts";
import type { ChatMessage, ToolDefinition } from "../llm/messages.ts";
import type { AgentDefinition } from "./agent.ts";
import type { AgentLlmReason, History } from "./events.ts";
import type { LimitReached } from "./ledger.ts";
import type { StreamedText } from "./streamed-text.ts";
import type { ToolCallingMode } from "./tool-calling.ts";
import { runToolCall } from "./tool-calls.ts";
import { type Tool, type ToolContext, toToolDefinition } from "./tools/tool.ts";

/** One running agent: a definition bound to its own client, tools and place in the delegation tree. */
export interface AgentInstance {
  readonly definition: AgentDefinition;
  readonly name: string;
  /** 0 for the agent the run started; delegates are one deeper than their delegator. */
  readonly depth: number;
  /** This agent's name, then its delegator's, up to the run's agent (whose caps cover this agent). */
  readonly chain: readonly string[];
  /** The client built from this agent's own named config. */
  readonly llm: Llm;
  readonly llmConfig: string;
  /** Why the agent uses that config (as `config explain` reports it). */
  readonly llmConfigReason: AgentLlmReason;
  readonly model: string;
  readonly tools: readonly Tool[];
  readonly toolCalling: ToolCallingMode;
  readonly systemPrompt: string;
  readonly toolContext: ToolContext;
  /**
   * The agent's condenser (`[condenser]`, its `condenser` field; src/agents/condensers): makes the call
   * on the part of the conversation it keeps, and once more with less when the prompt is too long.
   * @default every call is sent the whole conversation
   */
  readonly condenser?: ConversationCondenser | undefined;
}

/** What the loop needs of a condenser: one call on the condensed conversation. */
export interface ConversationCondenser {
  complete(
    messages: ChatMessage[],
    run: LoopRun,
    call: (view: ChatMessage[]) => ReturnType<Llm["complete"]>,
  ): ReturnType<Llm["complete"]>;
  /** Called when a task on `messages` ends (finished, capped or stopped): a last report, if one is due. */
  finish?(messages: readonly ChatMessage[], run: LoopRun): void;
}

/** What the loop needs from the run. */
export interface LoopRun {
  readonly history: History;
  readonly signal: AbortSignal;
  /**
   * Checks the limits before an LLM call: throws a `RunStop` for the run's own limits (iterations,
   * budget, Ctrl-C); returns the cap of this agent (or a delegator) that is reached, if any.
   */
  checkLimits(agent: AgentInstance): LimitReached | undefined;
  /**
   * Where an agent's text goes as it streams (chat in a terminal): a step's call then streams, and its
   * result (and every event) is the same as without. Not asked when the text carries the tool calls.
   * @default every call is made whole
   */
  streamText?: ((agent: AgentInstance) => StreamedText | undefined) | undefined;
}

/** How an agent's loop ended (run-wide stops are thrown as `RunStop` instead). */
export type AgentOutcome =
  | { status: "finished"; message: string }
  | { status: "cap_reached"; message: string; limit: LimitReached };

/**
 * Runs one agent on a task until it finishes (a `finish` call, or an answer without tool calls) or its
 * budget cap is reached. A caller that owns the conversation (chat) passes `messages` and the task is
 * appended to it, so the next task continues the same conversation; by default it starts afresh.
 * @example const outcome = await runAgentLoop(agent, "Fix the failing test", run);
 */
export async function runAgentLoop(
  agent: AgentInstance,
  task: string,
  run: LoopRun,
  messages: ChatMessage[] = [],
): Promise<AgentOutcome> {
  const tools = agent.tools.map(toToolDefinition);
  const where = { agent: agent.name, depth: agent.depth };
  // The conversation grows by appending, like the history it mirrors: a step costs its own size only.
  if (messages.length === 0) messages.push({ role: "system", content: agent.systemPrompt });
  messages.push({ role: "user", content: task });
  for (;;) {
    const limit = run.checkLimits(agent);
    if (limit !== undefined) return { status: "cap_reached", message: describeCap(limit), limit };

    const completion = await callModel(agent, run, tools, messages);
    const answer = agent.toolCalling.parse(completion);
    messages.push(answer.message);
    run.history.append({
      type: "llm_response",
      ...where,
      llm_config: completion.configName,
      model: completion.model,
      content: answer.message.content,
      tool_calls: answer.calls,
      usage: completion.usage,
      cost: completion.cost.usd,
      latency_ms: Math.round(completion.latencyMs),
      attempts: completion.attempts,
    });
    if ("error" in answer) {
      messages.push({ role: "user", content: answer.error });
      run.history.append({
        type: "observation",
        ...where,
        tool_call_id: "",
        tool: "",
        content: answer.error,
        error: true,
      });
      continue;
    }
    if (answer.calls.length === 0) return { status: "finished", message: completion.text };

    for (const call of answer.calls) {
      run.history.append({
        type: "tool_call",
        ...where,
        tool_call_id: call.id,
        tool: call.function.name,
        arguments: call.function.arguments,
      });
      const result = await runToolCall(call, agent.tools, agent.toolContext);
      messages.push({ role: "tool", tool_call_id: call.id, content: result.content });
      run.history.append({
        type: "observation",
        ...where,
        tool_call_id: call.id,
        tool: result.tool,
        content: result.content,
        error: result.error,
      });
      if (result.finishes) return { status: "finished", message: result.content };
    }
  }
}

/** One step's call: on the view the agent's condenser gives (it retries once when too long), streamed when asked. */
async function callModel(
  agent: AgentInstance,
  run: LoopRun,
  tools: ToolDefinition[],
  messages: ChatMessage[],
): Promise<Completion> {
  const text = agent.toolCalling.showsText ? run.streamText?.(agent) : undefined;
  const streaming: Partial<CompleteRequest> = text
    ? {
        stream: true,
        onDelta: (delta) => {
          if (delta.type === "text-delta") text.write(delta.text);
        },
      }
    : {};
  const call = (view: ChatMessage[]) =>
    agent.llm.complete({ ...agent.toolCalling.toRequest(view, tools), signal: run.signal, ...streaming });
  try {
    const completion = await (agent.condenser?.complete(messages, run, call) ?? call(messages));
    text?.end(true);
    return completion;
  } catch (error) {
    text?.end(false);
    throw error;
  }
}

function describeCap(limit: LimitReached): string {
  const whose = limit.scope === "run" ? "the run" : limit.scope.agent;
  return `${whose} reached its budget cap of $${limit.capUsd} (spent $${limit.spentUsd.toFixed(6)})`;
}
