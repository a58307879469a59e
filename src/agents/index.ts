/**
 * The agents' public surface: the typed Agent API (define an agent: its tools and system prompt), the
 * built-in agents and tools, and `runTask`, the headless run behind `llmconf run`.
 * @example
 * import { defineAgent, finishTool, runTask, loadConfig, createAgentRegistry } from "llmconf";
 * const Summarizer = defineAgent({
 *   name: "Summarizer",
 *   description: "Summarises a text it is given.",
 *   tools: () => [finishTool],
 *   systemPrompt: () => "Summarise the task's text, then call finish with the summary.",
 * });
 * const result = await runTask({
 *   config: await loadConfig(),
 *   task: "Summarise: ...",
 *   agent: "Summarizer",
 *   workspace: ".",
 *   registry: createAgentRegistry([Summarizer]),
 * });
 */
export { type AgentDefinition, type AgentSetup, type AgentSummary, defineAgent } from "./agent.ts";
export { BUILTIN_AGENTS, codeActAgent, codeWriterAgent, repoExplorerAgent } from "./builtin-agents.ts";
export { type ClasspathAgents, loadClasspathAgents } from "./classpath.ts";
export {
  type AgentCondenser,
  type CondensedView,
  createAgentCondenser,
} from "./condensers/agent-condenser.ts";
export type {
  Condensation,
  CondenseContext,
  CondenseResult,
  Condenser,
  CondenserLlm,
} from "./condensers/condenser.ts";
export { type CondenserLlmFactory, createCondenser } from "./condensers/create-condenser.ts";
export { findPairingProblem, type View, type ViewEvent } from "./condensers/view.ts";
export type { BreakdownRow, CondensationEvent, History, RunEvent, RunStatus } from "./events.ts";
export { RunSetupError } from "./instance.ts";
export { createLedger, type Ledger, type LedgerCall, type LedgerRow, type LimitReached } from "./ledger.ts";
export { type AgentInstance, type AgentOutcome, type LoopRun, runAgentLoop } from "./loop.ts";
export {
  MCP_START_TIMEOUT_MS,
  type McpToolset,
  NO_MCP_TOOLS,
  type OpenedMcpServer,
  type OpenMcpToolsOptions,
  openMcpTools,
} from "./mcp/open-tools.ts";
export { type AgentRegistry, createAgentRegistry } from "./registry.ts";
export { openRunCommandRuntime, type RunResult, RunStop, type RunTaskOptions, runTask } from "./run.ts";
export {
  type CommandRuntime,
  type CommandRuntimeOptions,
  describeRuntime,
  openCommandRuntime,
} from "./shell/command-runtime.ts";
export {
  type CommandResult,
  type CommandWrapper,
  formatCommandResult,
  hostBash,
  type RunCommandOptions,
  runCommand,
} from "./shell/run-command.ts";
export {
  chooseRuntime,
  HOST_RUNTIMES,
  type RuntimeChoice,
  type RuntimeSettings,
  SANDBOXED_RUNTIMES,
  type SandboxProblem,
  SandboxUnavailableError,
} from "./shell/runtime-choice.ts";
export { type OpenSandboxOptions, openSandbox, type Sandbox, type SpawnPlan } from "./shell/sandbox.ts";
export { createStreamedText, type StreamedText } from "./streamed-text.ts";
export {
  chooseToolCalling,
  nativeToolCalling,
  type ParsedAnswer,
  type ToolCallingMode,
} from "./tool-calling.ts";
export { delegateTool } from "./tools/delegate.ts";
export { executeBashTool } from "./tools/execute-bash.ts";
export { finishTool } from "./tools/finish.ts";
export { globTool, grepTool, viewTool } from "./tools/read-only.ts";
export { strReplaceEditorTool } from "./tools/str-replace-editor.ts";
export { thinkTool } from "./tools/think.ts";
export { defineTool, type Tool, type ToolContext, ToolError, toToolDefinition } from "./tools/tool.ts";
export { createWorkspace, type Workspace, WorkspaceEscapeError } from "./workspace.ts";
