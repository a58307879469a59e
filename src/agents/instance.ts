/**
 * Starting an agent: its own client from its own named config (`getLlmConfigForAgent`), its own agent
 * config (its `[agent.<Name>]` section, else `[agent]`), its tools and its system prompt.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { Config } from "../config/load.ts";
import { createLlmFromConfig, type LlmEvent } from "../llm/client.ts";
import type { AgentDefinition, AgentSetup, AgentSummary } from "./agent.ts";
import type { AgentLlmReason } from "./events.ts";
import type { AgentInstance } from "./loop.ts";
import { createAgentMemory } from "./memory.ts";
import { chooseToolCalling } from "./tool-calling.ts";
import type { Tool, ToolContext } from "./tools/tool.ts";

/** A problem that stops a run before its first call (unknown agent, unreadable prompt file, ...). */
export class RunSetupError extends Error {
  override name = "RunSetupError";
}

/** Which named config an agent runs on, and why. */
export interface AgentLlmChoice {
  name: string;
  reason: AgentLlmReason;
}

/** The OpenHands default, which means "the agent's built-in prompt". */
const defaultPromptFile = "system_prompt.j2";

/** What every instance of a run shares. */
export interface InstanceFactory {
  config: Config;
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof globalThis.fetch | undefined;
  signal: AbortSignal;
  agents: readonly AgentSummary[];
  /** The tool context every agent starts from; each instance gets its own copy. */
  toolContext: Omit<ToolContext, "agent" | "maxOutputChars" | "delegate">;
  /** The tools of the run's MCP servers (`openMcpTools`), for agents with `enable_mcp`. @default none */
  mcpTools?: readonly Tool[] | undefined;
  onLlmEvent(agent: AgentInstance, event: LlmEvent): void;
  delegateFor(agent: AgentInstance): ToolContext["delegate"];
}

/** The system prompt: the agent's own, or the file `system_prompt_filename` names when it is changed. */
function loadSystemPrompt(factory: InstanceFactory, definition: AgentDefinition, setup: AgentSetup): string {
  const file = setup.config.system_prompt_filename;
  if (file === defaultPromptFile) return definition.systemPrompt(setup);
  const section = factory.config.agents[definition.name] ? definition.name : "agent";
  const source = factory.config.provenance.agents[section]?.system_prompt_filename?.source;
  const base = source?.kind === "file" ? dirname(source.file) : factory.cwd;
  const path = resolve(base, file);
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const where = section === "agent" ? "[agent]" : `[agent.${section}]`;
    throw new RunSetupError(
      `${where} system_prompt_filename: cannot read ${path} for agent ${definition.name} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); fix the path (relative to the config file) or remove the key to use the built-in prompt`,
    );
  }
}

/**
 * Creates an instance of an agent at a depth, with `chain` its delegators (nearest first), on its own
 * config (`getLlmConfigForAgent`) unless `llm` names another (a chat session's `/llm`).
 * @example const agent = createAgentInstance(factory, codeActAgent, 0, []);
 */
export function createAgentInstance(
  factory: InstanceFactory,
  definition: AgentDefinition,
  depth: number,
  delegators: readonly string[],
  llm?: AgentLlmChoice,
): AgentInstance {
  const { config } = factory;
  const { name: llmConfig, reason: llmConfigReason } = llm ?? config.llmConfigNameForAgent(definition.name);
  // A config (or one of its fallbacks) that needs an unset ${VAR} throws a located ConfigError here.
  const resolved = config.usableLlmConfig(llmConfig);
  const setup: AgentSetup = {
    config: config.getAgentConfig(definition.name),
    workspace: factory.toolContext.workspace.root,
    agents: factory.agents.filter((agent) => agent.name !== definition.name),
    llmConfig,
    model: resolved.model,
  };
  const own = definition.tools(setup);
  // The agent's own tools win a name clash (a custom agent may have a tool an MCP server also offers).
  const mcp = setup.config.enable_mcp
    ? (factory.mcpTools ?? []).filter((tool) => !own.some((mine) => mine.name === tool.name))
    : [];
  const tools = [...own, ...mcp];
  const systemPrompt = loadSystemPrompt(factory, definition, setup);
  const toolContext: ToolContext = {
    ...factory.toolContext,
    // Read when used: a chat session's agents outlive the steps (each with its own Ctrl-C) they run.
    get signal() {
      return factory.toolContext.signal;
    },
    agent: { name: definition.name, depth },
    maxOutputChars: resolved.max_message_chars,
  };
  const instance: AgentInstance = {
    definition,
    name: definition.name,
    depth,
    chain: [definition.name, ...delegators],
    llm: createLlmFromConfig(config, llmConfig, {
      env: factory.env,
      signal: factory.signal,
      ...(factory.fetch === undefined ? {} : { fetch: factory.fetch }),
      onEvent: (event) => factory.onLlmEvent(instance, event),
    }),
    llmConfig,
    llmConfigReason,
    model: resolved.model,
    tools,
    toolCalling: chooseToolCalling(resolved),
    systemPrompt,
    toolContext,
    // Its summariser (if any) is built and billed like the agent's own client.
    condenser: createAgentMemory(factory, setup.config, { name: definition.name, depth }, () => instance),
  };
  toolContext.delegate = factory.delegateFor(instance);
  return instance;
}
