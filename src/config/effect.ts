/**
 * Which configured fields llmconf acts on (H10): the one table behind docs/config.md's "in effect"
 * column. Everything else is parsed and validated so OpenHands files load, and shown by `config show`.
 */

/** What llmconf does with a field: `null` when the field is parsed and validated only. */
export type FieldEffect = string | null;

/** Per section: the effect of every field unless listed, and the fields that differ. */
interface SectionEffects {
  fields: Readonly<Record<string, FieldEffect>>;
  otherwise: FieldEffect;
}

const PARSED_ONLY: SectionEffects = { fields: {}, otherwise: null };

const EFFECTS: Readonly<Record<string, SectionEffects>> = {
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
    fields: { llm_config: "chooses the LLM config the agent uses" },
  },
  core: {
    otherwise: null,
    fields: {
      default_agent: "the agent run when none is named",
      max_iterations: "bounds the steps of an agent run",
      max_budget_per_task: "bounds the cost of an agent run",
      runtime: "sandboxes agent commands (docker, sandbox) or runs them on the host (local, cli)",
    },
  },
  sandbox: {
    otherwise: null,
    fields: {
      timeout: "bounds one shell command",
      network: "cuts sandboxed commands off the network when false",
    },
  },
};

/**
 * What llmconf does with a field of a section (`llm` covers `[llm.<name>]` too), or `null` when it
 * is parsed only.
 */
export function describeFieldEffect(section: string, field: string): FieldEffect {
  const effects = EFFECTS[section] ?? PARSED_ONLY;
  return field in effects.fields ? (effects.fields[field] ?? null) : effects.otherwise;
}
