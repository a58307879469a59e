/**
 * Running one tool call: find the tool, parse and validate its arguments, execute it. Every failure a
 * model can cause (unknown tool, bad JSON, invalid arguments, a refused path, a tool error) becomes an
 * error observation the model sees next, never a crash of the run.
 */
import type { ToolCall } from "../llm/messages.ts";
import { type Tool, type ToolContext, ToolError } from "./tools/tool.ts";
import { WorkspaceEscapeError } from "./workspace.ts";

/** The observation of one call. */
export interface ToolCallResult {
  tool: string;
  content: string;
  error: boolean;
  /** The call was `finish` (or another finishing tool) and succeeded. */
  finishes: boolean;
}

function parseArguments(text: string): Record<string, unknown> | string {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
    return "the arguments must be a JSON object";
  } catch (error) {
    return `the arguments are not valid JSON (${(error as Error).message})`;
  }
}

/** Runs a tool call against the agent's tools; errors a model can cause come back as observations. */
export async function runToolCall(
  call: ToolCall,
  tools: readonly Tool[],
  context: ToolContext,
): Promise<ToolCallResult> {
  const name = call.function.name;
  const failed = (content: string): ToolCallResult => ({ tool: name, content, error: true, finishes: false });
  const tool = tools.find((candidate) => candidate.name === name);
  if (tool === undefined) {
    return failed(
      `ERROR: unknown tool "${name}". The tools available are: ${tools.map((candidate) => candidate.name).join(", ")}.`,
    );
  }
  const raw = parseArguments(call.function.arguments);
  if (typeof raw === "string") return failed(`ERROR: ${name}: ${raw}.`);
  const parsed = tool.parameters.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const at = issue.path.length > 0 ? `\`${issue.path.join(".")}\`: ` : "";
      return `${at}${issue.message}`;
    });
    return failed(`ERROR: invalid arguments for ${name}: ${problems.join("; ")}.`);
  }
  const action = context.confirm === undefined ? undefined : tool.describeAction?.(parsed.data);
  if (
    action !== undefined &&
    !(await context.confirm?.({ agent: context.agent.name, tool: name, description: action }))
  ) {
    return {
      tool: name,
      content: `The user rejected this action; it did not run: ${action}`,
      error: false,
      finishes: false,
    };
  }
  try {
    const content = await tool.execute(parsed.data, context);
    return { tool: name, content, error: false, finishes: tool.finishes === true };
  } catch (error) {
    if (error instanceof ToolError || error instanceof WorkspaceEscapeError)
      return failed(`ERROR: ${error.message}`);
    const code = (error as NodeJS.ErrnoException).code;
    // File-system failures (permissions, a file where a folder is expected) are the model's to handle.
    if (typeof code === "string") return failed(`ERROR: ${name}: ${(error as Error).message}`);
    throw error;
  }
}
