/**
 * The built-in agents: `CodeActAgent` (all tools, delegates), `RepoExplorerAgent` (read-only: view,
 * grep, glob) and `CodeWriterAgent` (editor and shell). The `[agent]` switches `enable_cmd`,
 * `enable_editor`, `enable_think` and `enable_finish` remove the matching tools.
 */
import type { ResolvedAgentConfig } from "../config/schema.ts";
import { type AgentDefinition, type AgentSetup, defineAgent } from "./agent.ts";
import { delegateTool } from "./tools/delegate.ts";
import { executeBashTool } from "./tools/execute-bash.ts";
import { finishTool } from "./tools/finish.ts";
import { globTool, grepTool, viewTool } from "./tools/read-only.ts";
import { strReplaceEditorTool } from "./tools/str-replace-editor.ts";
import { thinkTool } from "./tools/think.ts";
import type { Tool } from "./tools/tool.ts";

/** The tools an agent config switches on, among those the agent can have. */
function enabledTools(config: Readonly<ResolvedAgentConfig>, candidates: readonly Tool[]): Tool[] {
  const switches: Record<string, boolean> = {
    execute_bash: config.enable_cmd,
    str_replace_editor: config.enable_editor,
    think: config.enable_think,
    finish: config.enable_finish,
  };
  return candidates.filter((tool) => switches[tool.name] ?? true);
}

function endingRules(setup: AgentSetup): string {
  const canFinish = setup.config.enable_finish;
  return canFinish
    ? "When the task is done, call `finish` with a concise summary of what you did and found. Do not ask the user questions: nobody will answer; make reasonable assumptions and say which."
    : "When the task is done, reply with a concise summary of what you did and found, without calling a tool. Do not ask the user questions: nobody will answer.";
}

function agentList(setup: AgentSetup): string {
  return setup.agents.map((agent) => `- ${agent.name}: ${agent.description}`).join("\n");
}

/** The default agent: explores, edits, runs commands and delegates. */
export const codeActAgent = defineAgent({
  name: "CodeActAgent",
  description: "The general software agent: reads and edits code, runs commands, delegates sub-tasks.",
  tools: (setup) =>
    enabledTools(setup.config, [
      executeBashTool,
      strReplaceEditorTool,
      thinkTool,
      ...(setup.agents.length > 0 ? [delegateTool] : []),
      finishTool,
    ]),
  systemPrompt: (
    setup,
  ) => `You are CodeActAgent, a careful software engineer working in the repository at ${setup.workspace}.
You act through tools; every tool call's result comes back to you as an observation.

How to work:
- Understand before you change: look at the relevant files first, then make small, focused changes.
- Paths are relative to the workspace. You cannot read or write outside it.
- Commands run in the workspace with a timeout; prefer non-interactive commands and check their exit codes.
- After changing code, verify it (run the tests or the program) when that is possible.
${
  setup.agents.length > 0
    ? `
Delegation: the \`delegate\` tool hands a complete sub-task to another agent, which runs on its own (often cheaper) model and returns its final message. Use it to save cost:
${agentList(setup)}
Delegate exploration (finding where something is, summarising code) to RepoExplorerAgent and self-contained writing tasks to CodeWriterAgent; give each delegate every path and fact it needs, since it does not see your conversation.
`
    : ""
}
${endingRules(setup)}`,
});

/** A read-only explorer: it can view, search and list files, never change anything. */
export const repoExplorerAgent = defineAgent({
  name: "RepoExplorerAgent",
  description: "Reads, searches and lists files (read-only) and answers questions about the code.",
  tools: (setup) => enabledTools(setup.config, [viewTool, grepTool, globTool, thinkTool, finishTool]),
  systemPrompt: (
    setup,
  ) => `You are RepoExplorerAgent, a read-only code explorer working in the repository at ${setup.workspace}.
You can view files and directories, search file contents (grep) and list files by pattern (glob). You cannot change files or run commands.

Answer the question or complete the exploration task you are given:
- Start broad (list the top-level directory, glob for likely files), then narrow down with grep and view.
- Quote exact paths, line numbers and the relevant snippets in your answer; the agent that asked cannot see your tool results.
- Be concise: report facts, not the steps you took.

${endingRules(setup)}`,
});

/** A writer: edits files and runs commands for a well-specified task. */
export const codeWriterAgent = defineAgent({
  name: "CodeWriterAgent",
  description: "Writes and edits files and runs commands to carry out a well-specified coding task.",
  tools: (setup) =>
    enabledTools(setup.config, [strReplaceEditorTool, executeBashTool, thinkTool, finishTool]),
  systemPrompt: (
    setup,
  ) => `You are CodeWriterAgent, a precise programmer working in the repository at ${setup.workspace}.
You receive a well-specified coding task. Carry it out with the file editor and the shell:
- Read the files you change before changing them; match the existing style.
- Create new files with \`create\`; change existing ones with \`str_replace\` (the old text must match exactly once) or \`insert\`.
- Run the relevant tests or the program to check your work when you can.
- Paths are relative to the workspace; you cannot write outside it.

${endingRules(setup)} Name every file you created or changed.`,
});

/** The built-in agents, the default first. */
export const BUILTIN_AGENTS: readonly AgentDefinition[] = [codeActAgent, repoExplorerAgent, codeWriterAgent];
