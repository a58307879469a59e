/**
 * `runTask`: one headless agent run. It owns what belongs to the run rather than to an agent — the
 * history (the trajectory), the ledger every client reports to, the iteration and budget limits, the
 * delegation depth and Ctrl-C — and starts the agent loop for the run's agent and each delegate.
 */
import { randomUUID } from "node:crypto";
import { dirname, resolve } from "node:path";
import { ConfigError, formatIssue } from "../config/issues.ts";
import type { Config } from "../config/load.ts";
import { redactSecrets } from "../config/secrets.ts";
import { LlmError, type LlmEvent } from "../llm/index.ts";
import { findLlmSecrets } from "../llm/secrets.ts";
import type { AgentDefinition } from "./agent.ts";
import { BUILTIN_AGENTS } from "./builtin-agents.ts";
import { loadClasspathAgents } from "./classpath.ts";
import { type BreakdownRow, createHistory, type RunEvent, type RunStatus } from "./events.ts";
import { createAgentInstance, type InstanceFactory, RunSetupError } from "./instance.ts";
import { createLedger, formatUsd, type LedgerRow } from "./ledger.ts";
import { type AgentInstance, runAgentLoop } from "./loop.ts";
import { type McpToolset, NO_MCP_TOOLS, openMcpTools } from "./mcp/open-tools.ts";
import { hasMcpServers, mcpSecretsOf } from "./mcp/server-entries.ts";
import { agentCapsOf, checkRunSetup, loadModelInfoFor } from "./preflight.ts";
import { type AgentRegistry, createAgentRegistry } from "./registry.ts";
import { commandEnvironment } from "./shell/command-env.ts";
import { type CommandRuntime, openCommandRuntime } from "./shell/command-runtime.ts";
import { SandboxUnavailableError } from "./shell/runtime-choice.ts";
import { ToolError } from "./tools/tool.ts";
import { openTrajectory, type TrajectoryWriter, trajectoryFileFor } from "./trajectory.ts";
import { createWorkspace } from "./workspace.ts";

/** A limit or Ctrl-C that ends the whole run, thrown through every agent loop. */
export class RunStop extends Error {
  override name = "RunStop";
  constructor(
    readonly status: Exclude<RunStatus, "finished">,
    message: string,
  ) {
    super(message);
  }
}

/** Options of {@link runTask}. */
export interface RunTaskOptions {
  config: Config;
  task: string;
  /** The agent to run. @default config.core.default_agent */
  agent?: string | undefined;
  /** The workspace directory (`-d`). */
  workspace: string;
  /** Where relative paths of the config resolve. @default process.cwd() */
  cwd?: string | undefined;
  /** @default the built-in agents and the config's custom ones (`[agent.<Name>] classpath`) */
  registry?: AgentRegistry | undefined;
  /** Ctrl-C: aborts the call in flight, kills running commands, ends the run as `interrupted`. */
  signal?: AbortSignal | undefined;
  /** @default process.env */
  env?: Readonly<Record<string, string | undefined>> | undefined;
  fetch?: typeof globalThis.fetch | undefined;
  /**
   * Where shell commands run, opened by the caller (to report it before the run starts).
   * @default opened here from `[core] runtime`: a sandbox for `docker`/`sandbox`, the host for `local`/`cli`
   */
  commandRuntime?: CommandRuntime | undefined;
  /**
   * The `[mcp]` servers' tools, opened by the caller (a chat session keeps them across tasks).
   * @default opened here for the run and closed when it ends, when an agent has `enable_mcp`
   */
  mcp?: McpToolset | undefined;
  /** Every event of the history, as it is appended (progress output). */
  onEvent?: ((event: RunEvent) => void) | undefined;
  /** What a client reports (retries, fallbacks), with the agent it works for. */
  onLlmEvent?: ((agent: { name: string; depth: number }, event: LlmEvent) => void) | undefined;
}

/** What a run ended with. */
export interface RunResult {
  status: RunStatus;
  /** The agent's final message, or what stopped the run. */
  finalMessage: string;
  /** The bill: agent × named config × model. */
  rows: LedgerRow[];
  /** Known spend in USD. */
  totalUsd: number;
  /** Calls whose cost is unknown (the total is then a lower bound). */
  unpricedCalls: number;
  /** LLM calls made, over every agent. */
  steps: number;
  trajectoryFile: string | null;
  events: readonly RunEvent[];
}

/** The bill as the trajectory and `--json` spell it. */
export function toBreakdown(rows: readonly LedgerRow[]): BreakdownRow[] {
  return rows.map((row) => ({
    agent: row.agent,
    llm_config: row.llmConfig,
    model: row.model,
    calls: row.calls,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cost: row.unpricedCalls > 0 ? null : row.costUsd,
  }));
}

/** The secrets a run must never write: every config's secrets and the provider key variables' values. */
function secretsOf(config: Config, env: Readonly<Record<string, string | undefined>>): string[] {
  // Each config's secrets by the schema's rule (findLlmSecrets), never a list of field names of our own.
  const values: (string | null | undefined)[] = [];
  for (const llm of Object.values(config.llms)) values.push(...findLlmSecrets(llm, env));
  for (const [name, value] of Object.entries(env))
    if (/_API_KEY$|_SECRET|_TOKEN$/.test(name)) values.push(value);
  values.push(...mcpSecretsOf(config));
  return values.filter((value): value is string => typeof value === "string" && value.length >= 8);
}

/** Whether the run should open the `[mcp]` servers: some are configured and an agent may use them. */
function wantsMcp(config: Config, registry: AgentRegistry): boolean {
  return hasMcpServers(config) && registry.names().some((name) => config.getAgentConfig(name).enable_mcp);
}

/** The runtime `[core] runtime` asks for; one that cannot start is a setup error, before any call. */
export async function openRunCommandRuntime(
  config: Config,
  workspace: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<CommandRuntime> {
  try {
    return await openCommandRuntime(config, { workspace, env });
  } catch (error) {
    if (error instanceof SandboxUnavailableError) throw new RunSetupError(error.message);
    throw error;
  }
}

/**
 * The built-in agents plus the config's custom ones; a `classpath` that cannot be loaded throws a
 * `ConfigError` located at its line.
 */
async function configuredRegistry(config: Config, cwd: string | undefined): Promise<AgentRegistry> {
  const reserved = BUILTIN_AGENTS.map((agent) => agent.name);
  const custom = await loadClasspathAgents(config, { reserved, ...(cwd === undefined ? {} : { cwd }) });
  if (custom.issues.length > 0) throw new ConfigError(custom.issues);
  return createAgentRegistry(custom.agents);
}

/**
 * Runs an agent on a task in a workspace until it finishes or a limit stops it. Throws `RunSetupError`
 * (and `ConfigError`) for problems found before the first call; everything later is in the result.
 * @example
 * const result = await runTask({ config: await loadConfig(), task: "Add a README", workspace: "." });
 * console.log(result.status, result.totalUsd);
 */
export async function runTask(options: RunTaskOptions): Promise<RunResult> {
  const { config } = options;
  const registry = options.registry ?? (await configuredRegistry(config, options.cwd));
  const agentName = options.agent ?? config.core.default_agent;
  checkRunSetup(config, registry, agentName);
  await loadModelInfoFor(config);
  const env = options.env ?? process.env;
  const signal = options.signal ?? new AbortController().signal;
  const workspace = createWorkspace(options.workspace);
  const commands = options.commandRuntime ?? (await openRunCommandRuntime(config, workspace.root, env));
  const secrets = secretsOf(config, env);
  const maxIterations = config.core.max_iterations;
  const maxDepth = config.core.max_delegation_depth;

  let trajectory: TrajectoryWriter | undefined;
  const savePath = config.core.save_trajectory_path;
  if (savePath !== null) {
    // A relative path is relative to the config file that sets it (like the other paths a config names).
    const source = config.provenance.sections.core?.save_trajectory_path?.source;
    const base = source?.kind === "file" ? dirname(source.file) : (options.cwd ?? process.cwd());
    trajectory = openTrajectory(trajectoryFileFor(resolve(base, savePath), randomUUID()), secrets);
  }
  const history = createHistory(
    [
      ...(trajectory ? [(event: RunEvent) => trajectory?.write(event)] : []),
      ...(options.onEvent ? [options.onEvent] : []),
    ],
    { secrets },
  );
  const ledger = createLedger({
    runBudgetUsd: config.core.max_budget_per_task,
    agentCapsUsd: agentCapsOf(config, registry),
    onWarning: (message) => history.append({ type: "warning", message }),
  });
  let steps = 0;

  const checkLimits = (agent: AgentInstance) => {
    if (signal.aborted) throw new RunStop("interrupted", "interrupted (Ctrl-C)");
    const limit = ledger.limitReached(agent.chain);
    if (limit?.scope === "run") {
      throw new RunStop(
        "budget_exceeded",
        `budget exceeded: spent ${formatUsd(limit.spentUsd)} of max_budget_per_task ${formatUsd(limit.capUsd)}`,
      );
    }
    if (steps >= maxIterations) {
      throw new RunStop(
        "max_iterations",
        `iteration limit reached: ${steps} of max_iterations ${maxIterations} LLM calls; spent ${formatUsd(ledger.totalUsd())}`,
      );
    }
    steps += 1;
    return limit;
  };
  const loopRun = { history, signal, checkLimits };
  const agents = registry.names().map((name) => {
    const definition = registry.get(name) as AgentDefinition;
    return { name, description: definition.description };
  });

  const factory: InstanceFactory = {
    config,
    cwd: options.cwd ?? process.cwd(),
    env,
    fetch: options.fetch,
    signal,
    agents,
    toolContext: {
      workspace,
      signal,
      commandTimeoutMs: config.sandbox.timeout * 1000,
      wrapCommand: commands.wrap,
      commandEnv: commandEnvironment(env, config.sandbox.runtime_startup_env_vars),
      fileHistory: new Map(),
    },
    onLlmEvent(agent, event) {
      if (event.type === "response") {
        ledger.record(agent.chain, {
          agent: agent.name,
          llmConfig: event.configName,
          model: event.model,
          usage: event.usage,
          costUsd: event.costUsd,
          latencyMs: event.latencyMs,
        });
      }
      options.onLlmEvent?.({ name: agent.name, depth: agent.depth }, event);
    },
    delegateFor: (parent) => async (name, task) => {
      const definition = registry.get(name);
      if (definition === undefined) {
        throw new ToolError(
          `unknown agent "${name}"; the agents you can delegate to are: ${agents.map((agent) => agent.name).join(", ")}`,
        );
      }
      if (parent.depth + 1 > maxDepth) {
        throw new ToolError(
          `delegation depth limit reached (max_delegation_depth = ${maxDepth}); do this sub-task yourself`,
        );
      }
      let child: AgentInstance;
      try {
        child = createAgentInstance(factory, definition, parent.depth + 1, parent.chain);
      } catch (error) {
        // A delegate whose config cannot be used (an unset ${VAR}) is the delegator's to work around.
        if (!(error instanceof ConfigError)) throw error;
        const problems = error.issues.map((issue) => formatIssue(issue)).join("; ");
        throw new ToolError(`${name} cannot start: ${problems}`);
      }
      return runAgent(child, task);
    },
  };

  const runAgent = async (agent: AgentInstance, task: string): Promise<string> => {
    history.append({
      type: "agent_start",
      agent: agent.name,
      depth: agent.depth,
      llm_config: agent.llmConfig,
      llm_config_reason: agent.llmConfigReason,
      model: agent.model,
      task,
    });
    const outcome = await runAgentLoop(agent, task, loopRun);
    history.append({
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
  };

  history.append({
    type: "run_start",
    task: options.task,
    agent: agentName,
    workspace: workspace.root,
    runtime: commands.summary,
  });
  let status: RunStatus = "finished";
  let finalMessage: string;
  let mcp = options.mcp ?? NO_MCP_TOOLS;
  try {
    if (options.mcp === undefined && wantsMcp(config, registry)) {
      mcp = await openMcpTools(config, {
        workspace: workspace.root,
        env,
        wrapArgv: commands.sandbox?.wrapArgv,
        signal,
        onWarning: (message) => history.append({ type: "warning", message }),
      });
    }
    if (mcp.servers.length > 0) history.append({ type: "mcp_servers", servers: [...mcp.servers] });
    factory.mcpTools = mcp.tools;
    const root = createAgentInstance(factory, registry.get(agentName) as AgentDefinition, 0, []);
    finalMessage = await runAgent(root, options.task);
  } catch (error) {
    if (error instanceof RunStop) {
      status = error.status;
      finalMessage = error.message;
    } else if (error instanceof LlmError) {
      status = signal.aborted || error.kind === "aborted" ? "interrupted" : "error";
      finalMessage = status === "interrupted" ? "interrupted (Ctrl-C)" : error.message;
    } else {
      trajectory?.close();
      if (!options.mcp) await mcp.close();
      if (!options.commandRuntime) await commands.close();
      throw error;
    }
  }
  // Servers stop before the run reports its end, so no process outlives `runTask`.
  if (!options.mcp) await mcp.close();
  if (!options.commandRuntime) await commands.close();
  const rows = ledger.rows();
  const unpricedCalls = ledger.unpricedCalls();
  history.append({
    type: "run_end",
    status,
    final_message: finalMessage,
    total_cost: unpricedCalls > 0 ? null : ledger.totalUsd(),
    breakdown: toBreakdown(rows),
  });
  trajectory?.close();
  return {
    status,
    finalMessage: redactSecrets(finalMessage, secrets),
    rows,
    totalUsd: ledger.totalUsd(),
    unpricedCalls,
    steps,
    trajectoryFile: trajectory?.file ?? null,
    events: history.events,
  };
}
