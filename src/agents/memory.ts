/**
 * An agent's memory (OpenHands' `openhands/memory`): the condenser its agent config names, bound to the
 * instance. A summarising condenser's LLM is built from its own `llm_config` with the options of the
 * agent's own client, and reports to the run as the agent does, so its calls are billed to the agent
 * whose history it condenses, under the summariser's config.
 */
import type { ResolvedAgentConfig } from "../config/schema.ts";
import { type AgentCondenser, createAgentCondenser } from "./condensers/agent-condenser.ts";
import { createCondenserLlm } from "./condensers/condenser-llm.ts";
import { createCondenser } from "./condensers/create-condenser.ts";
import type { ConversationOwner } from "./condensers/event-ids.ts";
import type { InstanceFactory } from "./instance.ts";
import type { AgentInstance } from "./loop.ts";

/**
 * The condenser of an agent instance (`instance` is read when a summariser reports, after it exists).
 * @example condenser: createAgentMemory(factory, setup.config, { name, depth }, () => instance)
 */
export function createAgentMemory(
  factory: InstanceFactory,
  agentConfig: Readonly<ResolvedAgentConfig>,
  owner: ConversationOwner,
  instance: () => AgentInstance,
): AgentCondenser {
  const condenser = createCondenser(agentConfig.condenser, (llmConfig) =>
    createCondenserLlm(
      factory.config,
      llmConfig,
      {
        env: factory.env,
        signal: factory.signal,
        ...(factory.fetch === undefined ? {} : { fetch: factory.fetch }),
        onEvent: (event) => factory.onLlmEvent(instance(), event),
      },
      factory.cwd,
    ),
  );
  return createAgentCondenser(condenser, owner);
}
