/**
 * The Agent API: what an agent is to the loop. An agent is a name, a one-line description (shown to
 * agents that can delegate), the tools it offers for its agent config, and its system prompt. The loop,
 * the LLM client (built from the agent's own named config), limits and the bill are the run's business,
 * so a custom agent (`[agent.X] classpath`) only describes itself.
 */
import type { ResolvedAgentConfig } from "../config/schema.ts";
import type { Tool } from "./tools/tool.ts";

/** Another agent, as one that may delegate sees it. */
export interface AgentSummary {
  name: string;
  description: string;
}

/** What an agent may read when it chooses its tools and writes its system prompt. */
export interface AgentSetup {
  /** The agent's config: its `[agent.<Name>]` section, or `[agent]` when it has none. */
  config: Readonly<ResolvedAgentConfig>;
  /** The real path of the workspace. */
  workspace: string;
  /** The agents it may delegate to (itself excluded). */
  agents: readonly AgentSummary[];
  /** The name of the LLM config the agent runs on, and its model. */
  llmConfig: string;
  model: string;
}

/**
 * An agent the run can start: built-in or loaded from a `classpath`.
 * @example
 * import { defineAgent, thinkTool, finishTool } from "llmconf";
 * export const Reviewer = defineAgent({
 *   name: "Reviewer",
 *   description: "Reviews a change and answers with findings.",
 *   tools: () => [thinkTool, finishTool],
 *   systemPrompt: () => "You review code. Finish with your findings.",
 * });
 */
export interface AgentDefinition {
  /** The name in `-c`, `[agent.<Name>]` and `delegate`. */
  readonly name: string;
  /** One line saying what the agent is for. */
  readonly description: string;
  /** The tools the agent offers, given its config (`enable_cmd`, `enable_editor`, ... take effect here). */
  tools(setup: AgentSetup): readonly Tool[];
  /** The system message of every conversation of this agent. */
  systemPrompt(setup: AgentSetup): string;
}

/** Declares an agent (an identity function that checks the shape at compile time). */
export function defineAgent(definition: AgentDefinition): AgentDefinition {
  return definition;
}
