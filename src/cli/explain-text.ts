/**
 * The words of `config explain` for where a value came from and why an agent uses its LLM config,
 * shared with `run`'s progress and `chat`'s `/config`.
 */
import type { AgentLlmReason } from "../agents/events.ts";
import type { ExplainedSource } from "../config/explain.ts";
import { displayPath } from "../config/issues.ts";

/** Why an agent uses its config: `its own llm_config`, `llm_config of [agent]`, `-l`, `default [llm]`, `/llm`. */
export const LLM_CONFIG_REASONS: Readonly<Record<AgentLlmReason, string>> = {
  agent: "its own llm_config",
  "base-agent": "llm_config of [agent]",
  cli: "-l",
  default: "default [llm]",
  switched: "/llm",
};

/** The source column: `default`, `derived: <rule>`, `path:line [section]`, `env NAME`, `flag -l`. */
export function formatSource(source: ExplainedSource, cwd: string): string {
  switch (source.kind) {
    case "default":
      return "default";
    case "derived":
      return `derived: ${source.rule ?? ""}`;
    case "env":
      return `env ${source.env ?? ""}`;
    case "cli":
      return `flag ${source.flag ?? ""}`;
    case "file":
      return `${displayPath(source.file ?? "", cwd)}${source.line ? `:${source.line}` : ""} [${source.section ?? ""}]`;
  }
}

/** `, path:line [section]` or `, env NAME` after a reason; nothing for defaults and flags. */
export function formatWhere(source: ExplainedSource, cwd: string): string {
  return source.kind === "file" || source.kind === "env" ? `, ${formatSource(source, cwd)}` : "";
}
