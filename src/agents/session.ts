/**
 * A conversation with one agent over many tasks (`llmconf chat`): the run's setup opened once, one
 * message history that each task continues, one ledger for the whole session (so spend splits per
 * agent and per named config across every task), and a signal per task so Ctrl-C stops that task only.
 */

import { parseLlmConfigName } from "../config/cli-flags.ts";
import { didYouMeanSuffix } from "../config/describe-issue.ts";
import { ConfigError, formatIssue } from "../config/issues.ts";
import { redactSecrets } from "../config/secrets.ts";
import { didYouMean } from "../config/suggest.ts";
import type { ChatMessage } from "../llm/messages.ts";
import type { History, RunStatus } from "./events.ts";
import type { AgentLlmChoice } from "./instance.ts";
import type { Ledger, LedgerRow } from "./ledger.ts";
import type { AgentInstance } from "./loop.ts";
import { unpricedUnderBudget } from "./preflight.ts";
import { toBreakdown } from "./run.ts";
import { openRunSetup, type RunSetup, type RunSetupOptions } from "./run-setup.ts";
import { stepOutcomeOf } from "./step-limits.ts";

/** A session command that cannot be done as asked (unknown agent or config); nothing changed. */
export class SessionInputError extends Error {
  override name = "SessionInputError";
}

/** How one task of a session ended. */
export interface SessionReply {
  status: RunStatus;
  /** The agent's answer, or what stopped the task. Secrets masked. */
  message: string;
}

/** The active agent's config, and why it uses it. */
export interface ActiveAgent {
  name: string;
  llmConfig: string;
  model: string;
  reason: AgentLlmChoice["reason"];
}

/** A conversation with an agent: see {@link openSession}. */
export interface Session {
  readonly setup: RunSetup;
  readonly history: History;
  readonly ledger: Ledger;
  /** The conversation so far (system message first); empty after `reset`. */
  readonly messages: readonly ChatMessage[];
  /** The agent that answers the next task. */
  readonly active: ActiveAgent;
  /** True while a task runs. */
  readonly busy: boolean;
  /**
   * Runs one task in the conversation until the agent answers, a limit stops it, or `signal` aborts it
   * (Ctrl-C: the call in flight and any running command stop; what was said so far stays).
   */
  send(task: string, signal?: AbortSignal): Promise<SessionReply>;
  /** Switches the active agent (`/agent NAME`), keeping the conversation; throws `SessionInputError`. */
  useAgent(name: string): ActiveAgent;
  /** Rebuilds the active agent's client from another named config (`/llm NAME`); throws `SessionInputError`. */
  useLlm(name: string): ActiveAgent;
  /** The config an agent runs on in this session: its own, or the one `/llm` switched it to. */
  llmChoiceOf(agent: string): AgentLlmChoice;
  /** Starts a fresh conversation (`/new`); the ledger keeps counting. */
  reset(): void;
  /** The bill so far, with the active agent × config as a row of zeros until it has made a call. */
  rows(): LedgerRow[];
  /** Stops the command runtime (when the session opened it) and closes the trajectory. */
  close(): Promise<void>;
}

/** Options of {@link openSession}: a run's setup without a task. */
export type SessionOptions = RunSetupOptions;

/** Answers every tool call of the last assistant message that has no tool message yet. */
function closeOpenToolCalls(messages: ChatMessage[], note: string): void {
  const last = messages.findLastIndex((message) => message.role === "assistant");
  const assistant = messages[last];
  if (assistant?.role !== "assistant" || assistant.tool_calls === undefined) return;
  const answered = new Set(
    messages.slice(last + 1).flatMap((message) => (message.role === "tool" ? [message.tool_call_id] : [])),
  );
  for (const call of assistant.tool_calls)
    if (!answered.has(call.id)) messages.push({ role: "tool", tool_call_id: call.id, content: note });
}

/** The agent a session starts or switches to; a config that cannot be used is the user's to fix. */
function createSessionAgent(setup: RunSetup, name: string, llm?: AgentLlmChoice): AgentInstance {
  try {
    return setup.createAgent(name, llm);
  } catch (error) {
    // An unset ${VAR}: located, and nothing changes.
    if (!(error instanceof ConfigError)) throw error;
    throw new SessionInputError(error.issues.map((issue) => formatIssue(issue)).join("; "));
  }
}

/** An agent `/agent` may switch to, or a `SessionInputError` naming the known ones. */
function checkAgentName(setup: RunSetup, name: string): void {
  const known = setup.registry.names();
  if (known.includes(name)) return;
  const hint = didYouMeanSuffix(didYouMean(name, known));
  throw new SessionInputError(`unknown agent "${name}"${hint} (agents: ${known.join(", ")})`);
}

/** The named config `/llm` asks for, or a `SessionInputError` naming the known ones. */
function checkLlmName(config: RunSetup["config"], text: string): string {
  const name = parseLlmConfigName(text);
  if (Object.hasOwn(config.llms, name)) return name;
  const known = Object.keys(config.llms);
  const hint = didYouMeanSuffix(didYouMean(name, known));
  throw new SessionInputError(`unknown LLM config "${name}"${hint} (configs: ${known.join(", ")})`);
}

/**
 * Refuses to switch `agent` to a config a budget cannot be enforced on (no known price), as `run`'s
 * preflight refuses to start on one: the spend on it would count as nothing.
 */
function checkPriced(setup: RunSetup, agent: AgentInstance, name: string): void {
  const unpriced = unpricedUnderBudget(setup.config, setup.registry, name);
  if (unpriced === undefined) return;
  const budget = setup.config.core.max_budget_per_task;
  const limit =
    budget !== null
      ? `the budget of $${budget} ([core] max_budget_per_task)`
      : "a per-agent budget cap ([agent] max_budget_per_task)";
  const which = unpriced.llmConfig === name ? "" : `, a fallback of "${name}"`;
  throw new SessionInputError(
    `${agent.name} stays on ${agent.llmConfig}: ${limit} cannot be enforced on config "${unpriced.llmConfig}" (model ${unpriced.model}${which}), which has no known price; set input_cost_per_token and output_cost_per_token in ${unpriced.section}, or remove max_budget_per_task to chat without a budget`,
  );
}

function activeOf(instance: AgentInstance): ActiveAgent {
  return {
    name: instance.name,
    llmConfig: instance.llmConfig,
    model: instance.model,
    reason: instance.llmConfigReason,
  };
}

/** Starts a task: its own signal and iteration count, and its `run_start` event. */
function beginTask(setup: RunSetup, agent: AgentInstance, task: string, signal: AbortSignal): void {
  setup.beginStep(signal);
  setup.history.append({
    type: "run_start",
    task,
    agent: agent.name,
    workspace: setup.workspace.root,
    runtime: setup.commands.summary,
  });
}

/** Ends a task: its `run_end` event with the bill so far, and the reply with secrets masked. */
function endTask(setup: RunSetup, reply: SessionReply): SessionReply {
  const { ledger } = setup;
  setup.history.append({
    type: "run_end",
    status: reply.status,
    final_message: reply.message,
    total_cost: ledger.unpricedCalls() > 0 ? null : ledger.totalUsd(),
    breakdown: toBreakdown(ledger.rows()),
  });
  return { status: reply.status, message: redactSecrets(reply.message, setup.secrets) };
}

/** The bill, with the active agent × config as a row of zeros until it has made a call. */
function rowsWithActive(ledger: Ledger, agent: AgentInstance): LedgerRow[] {
  const rows = ledger.rows();
  const seen = rows.some((row) => row.agent === agent.name && row.llmConfig === agent.llmConfig);
  if (seen) return rows;
  const zero = { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0, unpricedCalls: 0, timeMs: 0 };
  return [...rows, { agent: agent.name, llmConfig: agent.llmConfig, model: agent.model, ...zero }];
}

/**
 * Opens a session: the same setup and preflight as `runTask` (throws `RunSetupError`/`ConfigError`
 * before anything is sent), with the starting agent ready.
 * @example
 * const session = await openSession({ config: await loadConfig(), workspace: "." });
 * console.log((await session.send("What does this repository do?")).message);
 * console.log((await session.send("Add a test for it")).message);
 * await session.close();
 */
export async function openSession(options: SessionOptions): Promise<Session> {
  const setup = await openRunSetup(options);
  const { config, history, ledger } = setup;
  // The [mcp] servers start once for the whole session, before the first agent is built with their tools.
  await setup.startMcp();
  let agent: AgentInstance = setup.createAgent(setup.agentName);
  let messages: ChatMessage[] = [];
  let busy = false;
  // `/llm` holds for the rest of the session: back on an agent, it is on the config it was switched to.
  const switched = new Map<string, string>();
  const refuseWhileBusy = (what: string) => {
    if (busy) throw new SessionInputError(`${what} waits until the task in progress ends (Ctrl-C stops it)`);
  };

  return {
    setup,
    history,
    ledger,
    get messages() {
      return messages;
    },
    get active() {
      return activeOf(agent);
    },
    get busy() {
      return busy;
    },
    async send(task, signal = new AbortController().signal) {
      refuseWhileBusy("a new task");
      busy = true;
      beginTask(setup, agent, task, signal);
      let reply: SessionReply;
      try {
        reply = { status: "finished", message: await setup.runAgent(agent, task, messages) };
      } catch (error) {
        reply = stepOutcomeOf(error, signal);
      } finally {
        busy = false;
        // A finish call among several, or Ctrl-C between calls, leaves calls unanswered; the next
        // request must answer each one, so they are closed with what happened to them.
        closeOpenToolCalls(
          messages,
          signal.aborted
            ? "Interrupted by the user (Ctrl-C) before it ran."
            : "Not run: the task ended first.",
        );
      }
      return endTask(setup, reply);
    },
    useAgent(name) {
      refuseWhileBusy("/agent");
      checkAgentName(setup, name);
      const llm = switched.get(name);
      agent = createSessionAgent(
        setup,
        name,
        llm === undefined ? undefined : { name: llm, reason: "switched" },
      );
      // The conversation carries over; the new agent speaks with its own system prompt.
      if (messages[0]?.role === "system") messages[0] = { role: "system", content: agent.systemPrompt };
      return activeOf(agent);
    },
    useLlm(text) {
      refuseWhileBusy("/llm");
      const name = checkLlmName(config, text);
      checkPriced(setup, agent, name);
      agent = createSessionAgent(setup, agent.name, { name, reason: "switched" });
      switched.set(agent.name, name);
      return activeOf(agent);
    },
    llmChoiceOf(name) {
      const llm = switched.get(name);
      return llm === undefined ? config.llmConfigNameForAgent(name) : { name: llm, reason: "switched" };
    },
    reset() {
      refuseWhileBusy("/new");
      messages = [];
    },
    rows: () => rowsWithActive(ledger, agent),
    close: () => setup.close(),
  };
}
