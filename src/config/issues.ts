/** Configuration problems as data, the one error that carries them, and their compiler-style text. */

/** Stable codes of configuration problems. */
export type IssueCode =
  | "toml_syntax"
  | "file_unreadable"
  | "file_not_found"
  | "not_utf8"
  | "unknown_section"
  | "unknown_key"
  | "invalid_value"
  | "coerced_value"
  | "unknown_llm_config"
  | "reserved_name"
  | "nested_section"
  | "unknown_condenser_type"
  | "fallback_cycle"
  | "unset_variable"
  | "malformed_reference"
  | "bare_variable"
  | "invalid_env"
  | "unsupported_provider"
  | "agent_classpath"
  | "invalid_option";

/** One problem in the configuration, located as precisely as its source allows. */
export interface ConfigIssue {
  severity: "error" | "warning";
  code: IssueCode;
  message: string;
  /** The file, or `<env>` / `<cli>` when the problem came from a variable or a flag. */
  file: string;
  /** 1-based; 0 when unknown (env, CLI). */
  line: number;
  /** 1-based; 0 when unknown. */
  column: number;
  /** The section in TOML spelling (`llm.gpt3`), or null. */
  section: string | null;
  /** The key in TOML spelling, or null. */
  key: string | null;
  /** A did-you-mean candidate, or null. */
  suggestion: string | null;
}

/** Thrown by `loadConfig` with every error found in one pass (and the warnings beside them). */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** Errors and warnings, sorted by file and line. */
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const errors = issues.filter((issue) => issue.severity === "error");
    super(
      `invalid configuration: ${errors.length} error${errors.length === 1 ? "" : "s"}\n${issues.map((issue) => formatIssue(issue)).join("\n")}`,
    );
    this.issues = issues;
  }
}

/**
 * Renders an issue as `file:line:col: error: message` so terminals and editors link it; with `cwd`,
 * files below it are shown relative to it.
 */
export function formatIssue(issue: ConfigIssue, options: { cwd?: string } = {}): string {
  const file = options.cwd ? displayPath(issue.file, options.cwd) : issue.file;
  const where = issue.line > 0 ? `${file}:${issue.line}:${issue.column}` : file;
  return `${where}: ${issue.severity}: ${issue.message}`;
}

/** Orders issues by file, then line, then column. */
export function sortIssues(issues: readonly ConfigIssue[]): ConfigIssue[] {
  return [...issues].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

/** A path relative to `cwd` when it lies below it, else as it is. */
export function displayPath(file: string, cwd: string): string {
  const prefix = cwd.endsWith("/") ? cwd : `${cwd}/`;
  return file.startsWith(prefix) ? file.slice(prefix.length) : file;
}
