/**
 * `structured` (OpenHands' StructuredSummaryCondenser): like `llm`, but the summariser must answer by
 * calling a `create_state_summary` tool whose arguments are the fields of the agent's state, and the
 * summary is those fields rendered as sections. An answer without the call keeps its text as the summary.
 */
import type { ToolDefinition } from "../../llm/messages.ts";
import type { Condenser, CondenserConfigOf, CondenserLlm } from "./condenser.ts";
import { keepView } from "./condenser.ts";
import { summarizeForgotten } from "./summarize-forgotten.ts";

/** The fields of the state summary, in the order they are shown, with what each holds. */
const FIELDS: readonly (readonly [name: string, label: string, holds: string])[] = [
  ["user_context", "User context", "What the user asked for: requirements, goals, clarifications."],
  ["completed_tasks", "Completed tasks", "Tasks done so far, each with its result."],
  ["pending_tasks", "Pending tasks", "Tasks still to do."],
  ["current_state", "Current state", "Variables, data structures and other state the next steps need."],
  ["files_modified", "Files modified", "Files created or changed."],
  ["function_changes", "Function changes", "Functions created or changed."],
  ["data_structures", "Data structures", "Key data structures in use or changed."],
  ["tests_written", "Tests written", "Whether tests were written for the changes: true, false or unknown."],
  ["tests_passing", "Tests passing", "Whether the tests pass: true, false or unknown."],
  ["failing_tests", "Failing tests", "Names or descriptions of failing tests."],
  ["error_messages", "Error messages", "Key error messages seen."],
  ["branch_created", "Branch created", "Whether a branch was created: true, false or unknown."],
  ["branch_name", "Branch name", "The working branch, if known."],
  ["commits_made", "Commits made", "Whether commits were made: true, false or unknown."],
  ["pr_created", "PR created", "Whether a pull request was opened: true, false or unknown."],
  ["pr_status", "PR status", "draft, open, merged, closed or unknown."],
  ["dependencies", "Dependencies", "Dependencies or imports added or changed."],
  ["other_relevant_context", "Other context", "Anything else that matters and fits nowhere above."],
];

/** The tool the summariser must call. */
export const STATE_SUMMARY_TOOL: ToolDefinition = {
  type: "function",
  function: {
    name: "create_state_summary",
    description:
      "Records the state of the work so far, to stand in for the events dropped from the agent's context. user_context, completed_tasks and pending_tasks must not be empty.",
    parameters: {
      type: "object",
      properties: Object.fromEntries(
        FIELDS.map(([name, , holds]) => [name, { type: "string", description: holds }]),
      ),
      required: ["user_context", "completed_tasks", "pending_tasks"],
    },
  },
};

/** The state summary's fields as sections of text (a field not given is shown empty). */
export function formatStateSummary(fields: Readonly<Record<string, unknown>>): string {
  return [
    "# State summary",
    ...FIELDS.map(([name, label]) => `**${label}**: ${typeof fields[name] === "string" ? fields[name] : ""}`),
  ].join("\n");
}

function parseFields(argumentsText: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(argumentsText);
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Creates a `structured` condenser summarising with `summarizer`. */
export function createStructuredSummaryCondenser(
  config: CondenserConfigOf<"structured">,
  summarizer: CondenserLlm,
): Condenser {
  const condenser: Condenser = {
    type: "structured",
    config,
    answersRequests: true,
    async condense(view, context) {
      if (view.length <= config.max_size && !context.requested) return keepView(view);
      const summarized = await summarizeForgotten(view, context, config, summarizer, {
        tools: [STATE_SUMMARY_TOOL],
        toolChoice: { type: "function", function: { name: "create_state_summary" } },
      });
      if (summarized === undefined) return keepView(view);
      const { plan, call } = summarized;
      const made = call.toolCalls.find((toolCall) => toolCall.function.name === "create_state_summary");
      const fields = made === undefined ? undefined : parseFields(made.function.arguments);
      const summary =
        fields !== undefined ? formatStateSummary(fields) : call.text.trim() || formatStateSummary({});
      return {
        kind: "condensation",
        condenser,
        forgotten: plan.forgotten,
        summary,
        summaryOffset: plan.head,
        call,
      };
    },
  };
  return condenser;
}
