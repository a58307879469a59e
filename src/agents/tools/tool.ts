/**
 * The tool contract: a name (OpenHands' names, so prompts and trajectories carry over), a zod schema of
 * the parameters (also sent to the model as JSON Schema), and `execute`, which gets the parsed arguments
 * and what it may touch: the workspace, an abort signal, the command bounds and, for `delegate`, a way
 * to run another agent.
 */
import { z } from "zod";
import type { ToolDefinition } from "../../llm/messages.ts";
import type { CommandWrapper } from "../shell/run-command.ts";
import type { Workspace } from "../workspace.ts";

/** A command or file change about to run, as the user is asked to confirm it. */
export interface ActionToConfirm {
  /** The agent asking. */
  agent: string;
  tool: string;
  /** What will run, in a line or a few (`$ npm test`, `create src/x.ts (12 lines)`). */
  description: string;
}

/** What a tool may use while it runs. */
export interface ToolContext {
  /** The directory file tools and commands are confined to. */
  workspace: Workspace;
  /** Fires on Ctrl-C; long work must stop promptly. */
  signal: AbortSignal;
  /** The agent running the tool. */
  agent: { name: string; depth: number };
  /** Observations longer than this are middle-cut (the agent's `max_message_chars`). */
  maxOutputChars: number;
  /** The bound of one shell command (`[sandbox] timeout`), in milliseconds. */
  commandTimeoutMs: number;
  /** The environment of shell commands (`commandEnvironment`: no credential variables). @default process.env */
  commandEnv?: Readonly<Record<string, string>> | undefined;
  /** How shell commands are started (the sandbox plugs in here). @default host `bash -c` */
  wrapCommand?: CommandWrapper | undefined;
  /** Previous contents of files this run edited, newest last, for `undo_edit`. */
  fileHistory: Map<string, string[]>;
  /** Runs another agent on a sub-task and returns the observation for the caller. */
  delegate?: ((agent: string, task: string) => Promise<string>) | undefined;
  /**
   * Asked before every call a tool describes as an action (`describeAction`): resolves true to run it,
   * false to refuse it (`[security] confirmation_mode` in chat). @default every action runs
   */
  confirm?: ((action: ActionToConfirm) => Promise<boolean>) | undefined;
}

/** A tool an agent can call. */
export interface Tool<Parameters extends z.ZodType = z.ZodType> {
  /** The name the model calls it by (OpenHands' name). */
  readonly name: string;
  /** What the model is told the tool does. */
  readonly description: string;
  /** The parameters, validated before `execute` runs. */
  readonly parameters: Parameters;
  /** A call of this tool ends the agent; its observation is the agent's final message. */
  readonly finishes?: boolean;
  /**
   * The JSON Schema sent to the model instead of one derived from `parameters`: for tools whose schema
   * comes from elsewhere (an MCP server's `inputSchema`), which then check their own arguments.
   */
  readonly inputSchema?: Readonly<Record<string, unknown>> | undefined;
  /**
   * What a call will change (a command, a file edit), for confirmation; undefined for calls that only
   * read. Tools without it never ask.
   */
  describeAction?(args: z.output<Parameters>): string | undefined;
  /** Runs the tool and returns the observation the model sees next. */
  execute(args: z.output<Parameters>, context: ToolContext): Promise<string>;
}

/** Declares a tool with its parameter types inferred from the schema. */
export function defineTool<Parameters extends z.ZodType>(tool: Tool<Parameters>): Tool<Parameters> {
  return tool;
}

/** A failure a tool reports to the model as its observation (a bad path, a missing string, ...). */
export class ToolError extends Error {
  override name = "ToolError";
}

const definitions = new WeakMap<Tool, ToolDefinition>();

/** The tool as the model sees it: name, description and the JSON Schema of its parameters. */
export function toToolDefinition(tool: Tool): ToolDefinition {
  let definition = definitions.get(tool);
  if (definition === undefined) {
    const { $schema: _ignored, ...parameters } = (tool.inputSchema ??
      z.toJSONSchema(tool.parameters, { io: "input" })) as Record<string, unknown>;
    definition = {
      type: "function",
      function: { name: tool.name, description: tool.description, parameters },
    };
    definitions.set(tool, definition);
  }
  return definition;
}
