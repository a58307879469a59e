/**
 * llmconf: named LLM configurations, OpenHands-compatible.
 * @example
 * import { loadConfig } from "llmconf";
 * const config = await loadConfig();
 * const llm = config.getLlmConfigForAgent("CodeWriterAgent");
 */

export {
  type AgentDefinition,
  type AgentRegistry,
  type AgentSetup,
  type AgentSummary,
  BUILTIN_AGENTS,
  type CommandRuntime,
  type CommandWrapper,
  chooseRuntime,
  codeActAgent,
  codeWriterAgent,
  createAgentRegistry,
  createWorkspace,
  defineAgent,
  defineTool,
  delegateTool,
  executeBashTool,
  finishTool,
  globTool,
  grepTool,
  openCommandRuntime,
  openSandbox,
  type RunEvent,
  type RunResult,
  RunSetupError,
  type RunStatus,
  type RunTaskOptions,
  repoExplorerAgent,
  runCommand,
  runTask,
  type Sandbox,
  SandboxUnavailableError,
  type SpawnPlan,
  strReplaceEditorTool,
  type Tool,
  type ToolCallingMode,
  type ToolContext,
  ToolError,
  thinkTool,
  viewTool,
  type Workspace,
  WorkspaceEscapeError,
} from "./agents/index.ts";
export { ConfigError, type ConfigIssue, formatIssue, type IssueCode } from "./config/issues.ts";
export { type Config, type LlmConfigReason, type LoadConfigOptions, loadConfig } from "./config/load.ts";
export type { CliOverrides, FieldProvenance, SectionProvenance } from "./config/resolve.ts";
export {
  type ResolvedAgentConfig,
  type ResolvedCondenserConfig,
  type ResolvedCoreConfig,
  type ResolvedKubernetesConfig,
  type ResolvedLlmConfig,
  type ResolvedMcpConfig,
  type ResolvedModelRoutingConfig,
  type ResolvedSandboxConfig,
  type ResolvedSecurityConfig,
  SECRET_FIELDS,
} from "./config/schema.ts";
export { MASK, maskSecrets } from "./config/secrets.ts";
export type { ValueSource } from "./config/sources.ts";
export {
  type CallParameters,
  type ChatMessage,
  type CompleteRequest,
  type Completion,
  type CompletionRequest,
  type ContentPart,
  type CostResult,
  type CreateLlmOptions,
  computeCost,
  countPromptTokens,
  createLlm,
  createLlmFromConfig,
  type FinishReason,
  inferProvider,
  type Llm,
  LlmError,
  type LlmErrorKind,
  type LlmEvent,
  type LlmMetrics,
  type LlmStream,
  type ResponseFormat,
  RetriesExhaustedError,
  type StreamDelta,
  TokenLimitError,
  type ToolCall,
  type ToolChoice,
  type ToolDefinition,
  type Usage,
} from "./llm/index.ts";
