/**
 * What a run sets up before its first call, shared by `runTask` (one task) and a chat session (many
 * tasks): the agent registry and preflight, the workspace and command runtime, the history (trajectory
 * and listeners), the one ledger every client reports to, the step limits, the agents' runner and the
 * `[mcp]` servers.
 */
import { randomUUID } from "node:crypto";
import { dirname, resolve } from "node:path";
import { ConfigError } from "../config/issues.ts";
import type { Config } from "../config/load.ts";
import type { LlmEvent } from "../llm/index.ts";
import type { ChatMessage } from "../llm/messages.ts";
import { findLlmSecrets } from "../llm/secrets.ts";
import { createAgentRunner } from "./agent-runner.ts";
import { BUILTIN_AGENTS } from "./builtin-agents.ts";
import { loadClasspathAgents } from "./classpath.ts";
import { createHistory, type History, type RunEvent } from "./events.ts";
import { type AgentLlmChoice, createAgentInstance, type InstanceFactory, RunSetupError } from "./instance.ts";
import { createLedger, type Ledger } from "./ledger.ts";
import type { AgentInstance } from "./loop.ts";
import { type McpToolset, NO_MCP_TOOLS, openMcpTools } from "./mcp/open-tools.ts";
import { hasMcpServers, mcpSecretsOf } from "./mcp/server-entries.ts";
import { agentCapsOf, checkRunSetup, loadModelInfoFor } from "./preflight.ts";
import { type AgentRegistry, createAgentRegistry } from "./registry.ts";
import { commandEnvironment } from "./shell/command-env.ts";
import { type CommandRuntime, openCommandRuntime } from "./shell/command-runtime.ts";
import { SandboxUnavailableError } from "./shell/runtime-choice.ts";
import { createStepLimits, type StepLimits } from "./step-limits.ts";
import type { ToolContext } from "./tools/tool.ts";
import { openTrajectory, type TrajectoryWriter, trajectoryFileFor } from "./trajectory.ts";
import { createWorkspace, type Workspace } from "./workspace.ts";

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
  /**
   * An agent's text as it arrives (chat in a terminal), secrets masked: each step's call streams, and
   * every event (`llm_response` with the whole text included) is the same as without.
   * @default calls are made whole
   */
  onTextDelta?: ((agent: { name: string; depth: number }, text: string) => void) | undefined;
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

/** Where the trajectory goes: a relative path is relative to the config file that sets it. */
function openRunTrajectory(
  config: Config,
  cwd: string | undefined,
  secrets: readonly string[],
): TrajectoryWriter | undefined {
  const savePath = config.core.save_trajectory_path;
  if (savePath === null) return undefined;
  // Like the other paths a config names; set elsewhere (env, defaults), relative to the working directory.
  const source = config.provenance.sections.core?.save_trajectory_path?.source;
  const base = source?.kind === "file" ? dirname(source.file) : (cwd ?? process.cwd());
  return openTrajectory(trajectoryFileFor(resolve(base, savePath), randomUUID()), secrets);
}

/** The tool context every agent of the run starts from; its signal is the step's, read when used. */
function runToolContext(
  config: Config,
  parts: {
    workspace: Workspace;
    commands: CommandRuntime;
    env: Readonly<Record<string, string | undefined>>;
  },
  limits: StepLimits,
  confirm: ToolContext["confirm"],
): InstanceFactory["toolContext"] {
  return {
    workspace: parts.workspace,
    get signal() {
      return limits.signal;
    },
    commandTimeoutMs: config.sandbox.timeout * 1000,
    wrapCommand: parts.commands.wrap,
    commandEnv: commandEnvironment(parts.env, config.sandbox.runtime_startup_env_vars),
    fileHistory: new Map(),
    confirm,
  };
}

/** The run's `[mcp]` servers: opened once, and closed by the run when it opened them. */
interface RunMcp {
  start(): Promise<void>;
  close(): Promise<void>;
}

/** The `[mcp]` tools of a run: the caller's, or opened here when an agent may use them. */
function createRunMcp(
  options: RunSetupOptions,
  parts: {
    registry: AgentRegistry;
    workspace: Workspace;
    env: Readonly<Record<string, string | undefined>>;
    commands: CommandRuntime;
    signal: AbortSignal;
    history: History;
    factory: InstanceFactory;
  },
): RunMcp {
  const { config } = options;
  let mcp: McpToolset = options.mcp ?? NO_MCP_TOOLS;
  let started = false;
  return {
    async start() {
      if (started) return;
      started = true;
      if (options.mcp === undefined && wantsMcp(config, parts.registry)) {
        mcp = await openMcpTools(config, {
          workspace: parts.workspace.root,
          env: parts.env,
          wrapArgv: parts.commands.sandbox?.wrapArgv,
          signal: parts.signal,
          onWarning: (message) => parts.history.append({ type: "warning", message }),
        });
      }
      if (mcp.servers.length > 0) parts.history.append({ type: "mcp_servers", servers: [...mcp.servers] });
      parts.factory.mcpTools = mcp.tools;
    },
    async close() {
      if (!options.mcp) await mcp.close();
    },
  };
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
  const workspace = createWorkspace(options.workspace);
  const commands = options.commandRuntime ?? (await openRunCommandRuntime(config, workspace.root, env));
  const secrets = secretsOf(config, env);
  const trajectory = openRunTrajectory(config, options.cwd, secrets);
  const history = createHistory(
    [
      ...(trajectory ? [(event: RunEvent) => trajectory.write(event)] : []),
      ...(options.onEvent ? [options.onEvent] : []),
    ],
    { secrets },
  );
  const ledger = createLedger({
    runBudgetUsd: config.core.max_budget_per_task,
    agentCapsUsd: agentCapsOf(config, registry),
    onWarning: (message) => history.append({ type: "warning", message }),
  });
  const limits = createStepLimits(ledger, config.core.max_iterations, runSignal);
  const { factory, runAgent } = createAgentRunner({
    config,
    cwd: options.cwd ?? process.cwd(),
    env,
    fetch: options.fetch,
    signal: runSignal,
    registry,
    history,
    ledger,
    limits,
    toolContext: runToolContext(config, { workspace, commands, env }, limits, options.confirm),
    onLlmEvent: options.onLlmEvent,
    onTextDelta: options.onTextDelta,
    secrets,
  });
  const mcp = createRunMcp(options, {
    registry,
    workspace,
    env,
    commands,
    signal: runSignal,
    history,
    factory,
  });

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
      return limits.steps;
    },
    get signal() {
      return limits.signal;
    },
    startMcp: () => mcp.start(),
    beginStep: (signal) => limits.begin(signal),
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
      await mcp.close();
      if (!options.commandRuntime) await commands.close();
      trajectory?.close();
    },
  };
}
