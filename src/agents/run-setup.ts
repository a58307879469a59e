/**
 * What a run sets up before its first call, shared by `runTask` (one task) and a chat session (many
 * tasks): the agent registry and preflight, the workspace and command runtime, the history (trajectory
 * and listeners), the one ledger every client reports to, the limits, and the factory that starts the
 * run's agent and its delegates.
 */
import { randomUUID } from "node:crypto";
import { dirname, resolve } from "node:path";
import { ConfigError, formatIssue } from "../config/issues.ts";
import type { Config } from "../config/load.ts";
import { LlmError, type LlmEvent } from "../llm/index.ts";
import type { ChatMessage } from "../llm/messages.ts";
import { findLlmSecrets } from "../llm/secrets.ts";
import type { AgentDefinition } from "./agent.ts";
import { BUILTIN_AGENTS } from "./builtin-agents.ts";
import { loadClasspathAgents } from "./classpath.ts";
import { createHistory, type History, type RunEvent, type RunStatus } from "./events.ts";
import { type AgentLlmChoice, createAgentInstance, type InstanceFactory, RunSetupError } from "./instance.ts";
import { createLedger, formatUsd, type Ledger } from "./ledger.ts";
import { type AgentInstance, runAgentLoop } from "./loop.ts";
import { type McpToolset, NO_MCP_TOOLS, openMcpTools } from "./mcp/open-tools.ts";
import { hasMcpServers, mcpSecretsOf } from "./mcp/server-entries.ts";
import { agentCapsOf, checkRunSetup, loadModelInfoFor } from "./preflight.ts";
import { type AgentRegistry, createAgentRegistry } from "./registry.ts";
import { commandEnvironment } from "./shell/command-env.ts";
import { type CommandRuntime, openCommandRuntime } from "./shell/command-runtime.ts";
import { SandboxUnavailableError } from "./shell/runtime-choice.ts";
import { type ToolContext, ToolError } from "./tools/tool.ts";
import { openTrajectory, type TrajectoryWriter, trajectoryFileFor } from "./trajectory.ts";
import { createWorkspace, type Workspace } from "./workspace.ts";

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

/** What a run (or a chat session) is set up from. */
export interface RunSetupOptions {
  config: Config;
  /** The agent to start with. @default config.core.default_agent */
  agent?: string | undefined;
  /** The workspace directory (`-d`). */
  workspace: string;
  /** Where relative paths of the config resolve. @default process.cwd() */
  cwd?: string | undefined;
  /** @default the built-in agents and the config's custom ones (`[agent.<Name>] classpath`) */
  registry?: AgentRegistry | undefined;
  /** Ends everything: every client's calls and running commands (a run's Ctrl-C, a session's close). */
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
   * The `[mcp]` servers' tools, opened by the caller.
   * @default opened by `startMcp` (once) and closed by `close`, when an agent has `enable_mcp`
   */
  mcp?: McpToolset | undefined;
  /** Asked before every command and file change (`[security] confirmation_mode` in chat). */
  confirm?: ToolContext["confirm"];
  /** Every event of the history, as it is appended (progress output). */
  onEvent?: ((event: RunEvent) => void) | undefined;
  /** What a client reports (retries, fallbacks), with the agent it works for. */
  onLlmEvent?: ((agent: { name: string; depth: number }, event: LlmEvent) => void) | undefined;
}

/** A run set up and ready for its agent: see {@link openRunSetup}. */
export interface RunSetup {
  readonly config: Config;
  readonly registry: AgentRegistry;
  /** The agent the run starts with (checked by the preflight). */
  readonly agentName: string;
  readonly workspace: Workspace;
  readonly commands: CommandRuntime;
  readonly history: History;
  readonly ledger: Ledger;
  readonly trajectory: TrajectoryWriter | undefined;
  /** The secrets no output may show: every config's keys and the provider key variables' values. */
  readonly secrets: readonly string[];
  /** LLM calls made since the last {@link RunSetup.beginStep} (what `max_iterations` bounds). */
  readonly steps: number;
  /** The signal of the step in progress: Ctrl-C aborts its call and its commands. */
  readonly signal: AbortSignal;
  /** Opens the `[mcp]` servers' tools once (warnings, never a throw, for servers that fail). */
  startMcp(): Promise<void>;
  /** Starts a step (a task): its own abort signal, and the iteration count from 0. */
  beginStep(signal: AbortSignal): void;
  /** A fresh instance of an agent at depth 0, on its own config or on `llm` when given. */
  createAgent(name: string, llm?: AgentLlmChoice): AgentInstance;
  /** Runs an agent's loop on a task (appending to `messages` when the caller owns the conversation). */
  runAgent(agent: AgentInstance, task: string, messages?: ChatMessage[]): Promise<string>;
  /** Stops the MCP servers and the command runtime this setup opened, and closes the trajectory. */
  close(): Promise<void>;
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
export async function configuredRegistry(config: Config, cwd: string | undefined): Promise<AgentRegistry> {
  const reserved = BUILTIN_AGENTS.map((agent) => agent.name);
  const custom = await loadClasspathAgents(config, { reserved, ...(cwd === undefined ? {} : { cwd }) });
  if (custom.issues.length > 0) throw new ConfigError(custom.issues);
  return createAgentRegistry(custom.agents);
}

/**
 * How an error thrown out of an agent ended the step: a limit, Ctrl-C or a failed call. Anything else
 * (a bug, a setup problem) is not a way a step ends and is rethrown.
 */
export function stepOutcomeOf(error: unknown, signal: AbortSignal): { status: RunStatus; message: string } {
  if (error instanceof RunStop) return { status: error.status, message: error.message };
  if (error instanceof LlmError) {
    const interrupted = signal.aborted || error.kind === "aborted";
    return interrupted
      ? { status: "interrupted", message: "interrupted (Ctrl-C)" }
      : { status: "error", message: error.message };
  }
  throw error;
}

/**
 * Sets a run up: registry and preflight (throws `RunSetupError` or `ConfigError` before anything is
 * sent), workspace, command runtime, trajectory, history, ledger and the agent factory.
 * @example
 * const setup = await openRunSetup({ config, workspace: "." });
 * setup.beginStep(new AbortController().signal);
 * const answer = await setup.runAgent(setup.createAgent(setup.agentName), "Add a README");
 * await setup.close();
 */
export async function openRunSetup(options: RunSetupOptions): Promise<RunSetup> {
  const { config } = options;
  const registry = options.registry ?? (await configuredRegistry(config, options.cwd));
  const agentName = options.agent ?? config.core.default_agent;
  checkRunSetup(config, registry, agentName);
  await loadModelInfoFor(config);
  const env = options.env ?? process.env;
  const runSignal = options.signal ?? new AbortController().signal;
  let stepSignal = runSignal;
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
    if (stepSignal.aborted) throw new RunStop("interrupted", "interrupted (Ctrl-C)");
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
  // The step's signal is read when it is used: a session's agents outlive the steps they run.
  const loopRun = {
    history,
    get signal() {
      return stepSignal;
    },
    checkLimits,
  };
  const agents = registry.names().map((name) => {
    const definition = registry.get(name) as AgentDefinition;
    return { name, description: definition.description };
  });

  const factory: InstanceFactory = {
    config,
    cwd: options.cwd ?? process.cwd(),
    env,
    fetch: options.fetch,
    signal: runSignal,
    agents,
    toolContext: {
      workspace,
      get signal() {
        return stepSignal;
      },
      commandTimeoutMs: config.sandbox.timeout * 1000,
      wrapCommand: commands.wrap,
      commandEnv: commandEnvironment(env, config.sandbox.runtime_startup_env_vars),
      fileHistory: new Map(),
      confirm: options.confirm,
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

  const runAgent = async (agent: AgentInstance, task: string, messages?: ChatMessage[]): Promise<string> => {
    history.append({
      type: "agent_start",
      agent: agent.name,
      depth: agent.depth,
      llm_config: agent.llmConfig,
      llm_config_reason: agent.llmConfigReason,
      model: agent.model,
      task,
    });
    const outcome = await runAgentLoop(agent, task, loopRun, messages);
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

  let mcp: McpToolset = options.mcp ?? NO_MCP_TOOLS;
  let mcpStarted = false;

  return {
    config,
    registry,
    agentName,
    workspace,
    commands,
    history,
    ledger,
    trajectory,
    secrets,
    get steps() {
      return steps;
    },
    get signal() {
      return stepSignal;
    },
    async startMcp() {
      if (mcpStarted) return;
      mcpStarted = true;
      if (options.mcp === undefined && wantsMcp(config, registry)) {
        mcp = await openMcpTools(config, {
          workspace: workspace.root,
          env,
          wrapArgv: commands.sandbox?.wrapArgv,
          signal: runSignal,
          onWarning: (message) => history.append({ type: "warning", message }),
        });
      }
      if (mcp.servers.length > 0) history.append({ type: "mcp_servers", servers: [...mcp.servers] });
      factory.mcpTools = mcp.tools;
    },
    beginStep(signal) {
      stepSignal = signal;
      steps = 0;
    },
    createAgent(name, llm) {
      const definition = registry.get(name);
      if (definition === undefined) {
        throw new RunSetupError(`unknown agent "${name}"; known agents: ${registry.names().join(", ")}`);
      }
      return createAgentInstance(factory, definition, 0, [], llm);
    },
    runAgent,
    async close() {
      // Servers stop before the runtime, so no process outlives the run or the session.
      if (!options.mcp) await mcp.close();
      if (!options.commandRuntime) await commands.close();
      trajectory?.close();
    },
  };
}
