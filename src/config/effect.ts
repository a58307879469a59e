/**
 * Which configured fields llmconf acts on (H10): the one table behind docs/config.md's "in effect"
 * column. Everything else is parsed and validated so OpenHands files load, and shown by `config show`.
 */

/** What llmconf does with a field: `null` when the field is parsed and validated only. */
export type FieldEffect = string | null;

/** Per section: the effect of every field unless listed, and the fields that differ. */
export interface SectionEffects {
  fields: Readonly<Record<string, FieldEffect>>;
  otherwise: FieldEffect;
}

const PARSED_ONLY: SectionEffects = { fields: {}, otherwise: null };

/** The effect of every section's fields, by section name (a test checks it against the schema's keys). */
export const EFFECTS: Readonly<Record<string, SectionEffects>> = {
  llm: {
    otherwise: "used by the LLM runtime",
    fields: {
      for_routing: null,
      correct_num: null,
      fallbacks: "tried in order when this config fails after its retries",
    },
  },
  agent: {
    otherwise: null,
    fields: {
      llm_config: "chooses the LLM config the agent uses",
      enable_cmd: "`llmconf run`: gives the agent `execute_bash`",
      enable_editor: "`llmconf run`: gives the agent `str_replace_editor`",
      enable_think: "`llmconf run`: gives the agent `think`",
      enable_finish:
        "`llmconf run`: gives the agent `finish` (without it, an answer with no tool call ends the agent)",
      enable_mcp: "`llmconf run`: gives the agent the tools of the `[mcp]` servers",
      system_prompt_filename:
        "`llmconf run`: a file (relative to the config file) replacing the agent's built-in system prompt",
      max_budget_per_task: "`llmconf run`: caps what the agent and its delegates spend",
      classpath: "`llmconf run` and `config check`: loads the custom agent registered under the section name",
      condenser: "`llmconf run` and `chat`: shortens this agent's history before each LLM call",
    },
  },
  condenser: {
    otherwise: "`llmconf run` and `chat`",
    fields: {},
  },
  core: {
    otherwise: null,
    fields: {
      default_agent: "the agent run when none is named",
      max_iterations: "bounds the steps of an agent run",
      max_budget_per_task: "bounds the cost of an agent run",
      max_delegation_depth: "bounds how deep agents delegate in `llmconf run`",
      save_trajectory_path: "`llmconf run` writes its trajectory (JSON) there",
      runtime:
        "sandboxes agent commands and stdio MCP servers (docker, sandbox) or runs them on the host (local, cli)",
    },
  },
  sandbox: {
    otherwise: null,
    fields: {
      timeout: "bounds one shell command, and one tool call of a stdio or SSE MCP server",
      network: "cuts sandboxed commands off the network when false",
      runtime_startup_env_vars:
        "set in the environment of agent commands and stdio MCP servers (the only way a credential variable reaches them)",
    },
  },
  mcp: {
    otherwise:
      "`llmconf run`: the servers are opened for the run and their tools given to agents with `enable_mcp`",
    fields: {},
  },
  security: {
    otherwise: null,
    fields: { confirmation_mode: "`llmconf run` refuses to start unless `--yes` is given" },
  },
  // Listed so that every section of the schema is covered, and a new one is a decision.
  kubernetes: PARSED_ONLY,
  model_routing: PARSED_ONLY,
  gateway: {
    otherwise: "`llmconf serve`",
    fields: {},
  },
  extended: PARSED_ONLY,
};

/**
 * What llmconf does with a field of a section (`llm` covers `[llm.<name>]` too), or `null` when it
 * is parsed only.
 */
export function describeFieldEffect(section: string, field: string): FieldEffect {
  const effects = EFFECTS[section] ?? PARSED_ONLY;
  return field in effects.fields ? (effects.fields[field] ?? null) : effects.otherwise;
}
