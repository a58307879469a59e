/** The agents a run knows by name: the built-ins, plus any a caller (or a `classpath`) registers. */
import type { AgentDefinition } from "./agent.ts";
import { BUILTIN_AGENTS } from "./builtin-agents.ts";

/** Agents by name. */
export interface AgentRegistry {
  get(name: string): AgentDefinition | undefined;
  /** Every registered name, in registration order. */
  names(): string[];
  /** Adds an agent; a name registered twice is an error (as in OpenHands). */
  register(definition: AgentDefinition): void;
}

/**
 * Creates a registry holding the built-in agents and `extra` ones.
 * @example createAgentRegistry().get("CodeActAgent")?.description
 */
export function createAgentRegistry(extra: readonly AgentDefinition[] = []): AgentRegistry {
  const agents = new Map<string, AgentDefinition>();
  const registry: AgentRegistry = {
    get: (name) => agents.get(name),
    names: () => [...agents.keys()],
    register(definition) {
      if (agents.has(definition.name)) throw new Error(`agent "${definition.name}" is already registered`);
      agents.set(definition.name, definition);
    },
  };
  for (const definition of [...BUILTIN_AGENTS, ...extra]) registry.register(definition);
  return registry;
}
