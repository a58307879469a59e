/**
 * Running a run's agents: the factory every instance (the run's agent and its delegates) is built
 * from, each client's calls billed to the run's one ledger, delegation (an unknown agent or the depth
 * limit refused as an observation), and one agent's loop between its `agent_start` and `agent_end`.
 */
import { ConfigError, formatIssue } from "../config/issues.ts";
import type { Config } from "../config/load.ts";
import type { LlmEvent } from "../llm/index.ts";
import type { ChatMessage } from "../llm/messages.ts";
import type { AgentDefinition, AgentSummary } from "./agent.ts";
import type { History } from "./events.ts";
import { createAgentInstance, type InstanceFactory } from "./instance.ts";
import type { Ledger } from "./ledger.ts";
import { type AgentInstance, type AgentOutcome, type LoopRun, runAgentLoop } from "./loop.ts";
import type { AgentRegistry } from "./registry.ts";
import { RunStop, type StepLimits } from "./step-limits.ts";
import { createStreamedText } from "./streamed-text.ts";
import { ToolError } from "./tools/tool.ts";

/** What the run's agents are built and run with. */
export interface AgentRunnerOptions {
  config: Config;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof globalThis.fetch | undefined;
  /** Ends every client's calls (the run's Ctrl-C, a session's close). */
  signal: AbortSignal;
  registry: AgentRegistry;
  history: History;
  ledger: Ledger;
  limits: StepLimits;
  /** The tool context every agent starts from. */
  toolContext: InstanceFactory["toolContext"];
  /** What a client reports (retries, fallbacks), with the agent it works for. */
  onLlmEvent?: ((agent: { name: string; depth: number }, event: LlmEvent) => void) | undefined;
  /** An agent's text as it streams, secrets masked (see {@link RunSetupOptions.onTextDelta}). */
  onTextDelta?: ((agent: { name: string; depth: number }, text: string) => void) | undefined;
  /** What the streamed text must never show (the history masks the same). */
  secrets: readonly string[];
}

/** The run's agents: how they are built, and how one runs. */
export interface AgentRunner {
  /** What every instance is built from (`mcpTools` is set once the run's servers are open). */
  readonly factory: InstanceFactory;
  /** Runs an agent's loop on a task (appending to `messages` when the caller owns the conversation). */
  runAgent(agent: AgentInstance, task: string, messages?: ChatMessage[]): Promise<string>;
}

/** Every agent of the registry, as the delegating agents are told about them. */
function summariesOf(registry: AgentRegistry): AgentSummary[] {
  return registry.names().map((name) => {
    const definition = registry.get(name) as AgentDefinition;
    return { name, description: definition.description };
  });
}

/** A client's answer goes on the run's bill, under the agent and the config that answered. */
function recordResponse(ledger: Ledger, agent: AgentInstance, event: LlmEvent): void {
  if (event.type !== "response") return;
  ledger.record(agent.chain, {
    agent: agent.name,
    llmConfig: event.configName,
    model: event.model,
    usage: event.usage,
    costUsd: event.costUsd,
    latencyMs: event.latencyMs,
  });
}

/** A delegate of `parent`; what stops it from starting is an observation for the delegator. */
function startDelegate(
  factory: InstanceFactory,
  registry: AgentRegistry,
  parent: AgentInstance,
  name: string,
) {
  const definition = registry.get(name);
  if (definition === undefined) {
    throw new ToolError(
      `unknown agent "${name}"; the agents you can delegate to are: ${factory.agents.map((agent) => agent.name).join(", ")}`,
    );
  }
  const maxDepth = factory.config.core.max_delegation_depth;
  if (parent.depth + 1 > maxDepth) {
    throw new ToolError(
      `delegation depth limit reached (max_delegation_depth = ${maxDepth}); do this sub-task yourself`,
    );
  }
  try {
    return createAgentInstance(factory, definition, parent.depth + 1, parent.chain);
  } catch (error) {
    // A delegate whose config cannot be used (an unset ${VAR}) is the delegator's to work around.
    if (!(error instanceof ConfigError)) throw error;
    const problems = error.issues.map((issue) => formatIssue(issue)).join("; ");
    throw new ToolError(`${name} cannot start: ${problems}`);
  }
}

/** One agent's loop between its start and end events; a stop short of finishing is thrown. */
async function runTracked(
  agent: AgentInstance,
  task: string,
  run: LoopRun,
  messages: ChatMessage[] | undefined,
): Promise<string> {
  run.history.append({
    type: "agent_start",
    agent: agent.name,
    depth: agent.depth,
    llm_config: agent.llmConfig,
    llm_config_reason: agent.llmConfigReason,
    model: agent.model,
    task,
  });
  // The loop's own list when the caller keeps none, so the condenser can report on it at the end.
  const conversation = messages ?? [];
  let outcome: AgentOutcome;
  try {
    outcome = await runAgentLoop(agent, task, run, conversation);
  } finally {
    agent.condenser?.finish?.(conversation, run);
  }
  run.history.append({
    type: "agent_end",
    agent: agent.name,
    depth: agent.depth,
    status: outcome.status,
    message: outcome.message,
  });
  if (outcome.status === "finished") return outcome.message;
  if (agent.depth === 0) throw new RunStop("budget_exceeded", `budget exceeded: ${outcome.message}`);
  // A delegate at its cap stops; its delegator carries on with this observation.
  throw new ToolError(`${agent.name} stopped before finishing: ${outcome.message}. Carry on without it.`);
}

/** The loop's text streams, when the caller wants the agents' text as it arrives. */
function streamTextOf(options: AgentRunnerOptions): LoopRun["streamText"] {
  const { onTextDelta, secrets } = options;
  if (onTextDelta === undefined) return undefined;
  return (agent) => {
    const where = { name: agent.name, depth: agent.depth };
    return createStreamedText(secrets, (text) => onTextDelta(where, text));
  };
}

/**
 * Creates the run's agent factory and runner.
 * @example const { factory, runAgent } = createAgentRunner({ config, cwd, env, signal, registry, history, ledger, limits, toolContext });
 */
export function createAgentRunner(options: AgentRunnerOptions): AgentRunner {
  const { registry, limits } = options;
  // The step's signal is read when it is used: a session's agents outlive the steps they run.
  const loopRun: LoopRun = {
    history: options.history,
    get signal() {
      return limits.signal;
    },
    checkLimits: (agent) => limits.check(agent),
    streamText: streamTextOf(options),
  };
  const runAgent = (agent: AgentInstance, task: string, messages?: ChatMessage[]) =>
    runTracked(agent, task, loopRun, messages);
  const factory: InstanceFactory = {
    config: options.config,
    cwd: options.cwd,
    env: options.env,
    fetch: options.fetch,
    signal: options.signal,
    agents: summariesOf(registry),
    toolContext: options.toolContext,
    onLlmEvent(agent, event) {
      recordResponse(options.ledger, agent, event);
      options.onLlmEvent?.({ name: agent.name, depth: agent.depth }, event);
    },
    delegateFor: (parent) => async (name, task) =>
      runAgent(startDelegate(factory, registry, parent, name), task),
  };
  return { factory, runAgent };
}
