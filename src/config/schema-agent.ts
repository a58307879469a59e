/** `[agent]` and `[model_routing]`: one agent, the LLM config it uses and how it routes among configs. */
import { z } from "zod";
import { toLaxFloat } from "./coerce.ts";
import { condenserSchema } from "./schema-condenser.ts";
import { anyMap, laxBool } from "./schema-fields.ts";

/** `[model_routing]`: how an agent picks among `for_routing` configs. */
export const modelRoutingSchema = z.strictObject({
  router_name: z.string().default("noop_router").describe("Router: `noop_router` or `multimodal_router`."),
  llms_for_routing: anyMap().default({}).describe("Computed: the configs marked `for_routing`."),
});

/** `[agent]` and every `[agent.<Name>]`: one agent and the LLM config it uses. */
export const agentSchema = z.object({
  cli_mode: laxBool().default(false).describe("Run in CLI mode (no browser, no Jupyter)."),
  llm_config: z
    .string()
    .nullable()
    .default(null)
    .describe("Name of the `[llm.<name>]` config this agent uses (unset: the default)."),
  classpath: z
    .string()
    .nullable()
    .default(null)
    .describe(
      "A custom agent: `MODULE#EXPORT`, a JS file (relative to the config file) or a package, and the export holding the agent (`default` without `#`).",
    ),
  system_prompt_filename: z.string().default("system_prompt.j2").describe("System prompt template file."),
  enable_browsing: laxBool().default(true).describe("Give the agent the browsing tool."),
  enable_llm_editor: laxBool().default(false).describe("Use the LLM draft editor (`[llm.draft_editor]`)."),
  enable_editor: laxBool().default(true).describe("Give the agent the file editor tool."),
  enable_jupyter: laxBool().default(true).describe("Give the agent the IPython tool."),
  enable_cmd: laxBool().default(true).describe("Give the agent the shell tool."),
  enable_think: laxBool().default(true).describe("Give the agent the think tool."),
  enable_finish: laxBool().default(true).describe("Give the agent the finish tool."),
  enable_condensation_request: laxBool()
    .default(false)
    .describe("Let the agent ask for history condensation."),
  enable_prompt_extensions: laxBool().default(true).describe("Use prompt extensions (microagents)."),
  enable_mcp: laxBool().default(true).describe("Give the agent the MCP tools."),
  disabled_microagents: z.array(z.string()).default([]).describe("Microagents to leave out."),
  enable_history_truncation: laxBool()
    .default(true)
    .describe("Truncate history when the context window is exceeded."),
  enable_som_visual_browsing: laxBool().default(true).describe("Use set-of-marks visual browsing."),
  enable_plan_mode: laxBool().default(true).describe("Use the long-horizon planning prompt."),
  enable_stuck_detection: laxBool().default(true).describe("Stop an agent that repeats itself."),
  condenser: condenserSchema
    .default({ type: "conversation_window" })
    .describe("How this agent's history is condensed."),
  model_routing: modelRoutingSchema
    .default({ router_name: "noop_router", llms_for_routing: {} })
    .describe("Model routing of this agent."),
  extended: anyMap().default({}).describe("Free-form settings for extensions."),
  runtime: z.string().nullable().default(null).describe("Runtime override for this agent."),
  max_budget_per_task: z
    .preprocess(toLaxFloat, z.number().positive())
    .nullable()
    .default(null)
    .describe(
      "llmconf: cap in USD on what this agent and its own delegates may spend in one run, inside the run's `max_budget_per_task`.",
    ),
});
