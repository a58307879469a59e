/**
 * Configuration problems as data (`IssueFact`, worded by describe-issue.ts), the located `ConfigIssue`
 * users see, the one error that carries them, and their compiler-style text.
 */
import type { ValuePath } from "./secrets.ts";

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

/** What every problem names: its section and key in TOML spelling (or null), and a did-you-mean. */
interface IssueAbout {
  section: string | null;
  key: string | null;
  suggestion?: string | null;
}

/**
 * Where inside its section a problem lies: the section itself, a key path inside a value
 * (`sse_servers[0]`, `condenser`), or the inline `llm_config` table of a condenser.
 */
export type IssuePlace =
  | { in: "section" }
  | { in: "value"; path: string }
  | { in: "inline_llm_config" }
  /** At the top of a file, outside any section. */
  | { in: "file" };

/** Why a key is unknown when a plain did-you-mean does not say it: OpenHands renamed, moved or dropped it, or it belongs to another section. */
export type UnknownKeyHint =
  | { kind: "renamed"; to: string }
  | { kind: "moved"; to: string }
  | { kind: "dropped"; why: string }
  | { kind: "other_section"; home: string };

/** A value a diagnostic may show as `(got …)`, with its path so that the one masking rule applies. */
export interface ShownValue {
  value: unknown;
  path: ValuePath;
}

/** What a condenser config's schema cannot say (condenser-rules.ts finds them). */
export type CondenserRule =
  | { key: "type"; rule: "unsupported_type"; type: "browser_output_masking" }
  | { key: "keep_first"; rule: "keep_first_too_large"; keep_first: number; max_size: number };

/** A problem as data, keyed by its code; `describeIssue` (describe-issue.ts) writes its message. */
export type IssueFact = IssueAbout &
  (
    | {
        code: "unknown_key";
        /** The unknown key itself (`key` is the field whose value holds it, when it is nested). */
        name: string;
        place: IssuePlace;
        /** The condenser type whose keys were expected. */
        condenserType?: string;
        /** The environment variable the value came from. */
        env?: string;
        hint?: UnknownKeyHint;
      }
    | {
        code: "invalid_value";
        reason: "value";
        /** The key, or the key path inside its value, as a reader writes it (`sse_servers[0].url`). */
        name: string;
        place: IssuePlace;
        env?: string;
        /** What is wrong, in our words (`expected a table`). */
        problem: string;
        got?: ShownValue;
      }
    | { code: "invalid_value"; reason: "missing_condenser_key"; name: string; condenserType: string }
    | { code: "invalid_value"; reason: "missing_condenser_type"; place: IssuePlace }
    | { code: "invalid_value"; reason: "retry_waits"; min: number; max: number }
    | { code: "invalid_value"; reason: "condenser_rule"; rule: CondenserRule; place: IssuePlace }
    | { code: "coerced_value"; key: string; written: string; converted: string; value: ShownValue }
    | { code: "unknown_llm_config"; kind: "LLM" | "agent"; name: string; defined: readonly string[] }
    | { code: "unknown_condenser_type"; type: string; types: readonly string[] }
    | { code: "fallback_cycle"; cycle: readonly string[] }
    | { code: "unknown_section"; name: string; lowerCase: boolean; known: readonly string[] }
    | { code: "reserved_name"; family: string }
    | { code: "nested_section"; parent: string; family: string }
    | {
        code: "malformed_reference";
        /** The key, or the path inside its value, holding the reference. */
        name: string;
        /** What is malformed; null for a credential, whose text is never echoed. */
        problem: string | null;
      }
    | {
        code: "unset_variable";
        variable: string;
        name: string;
        /** In an LLM config or an MCP server an unset variable only blocks using it (H8): a warning. */
        soft: boolean;
        /** A credential may be allowed empty; anything else is given a default. */
        allowEmpty: boolean;
      }
    | { code: "bare_variable"; key: string; variable: string }
    | {
        code: "invalid_env";
        variable: string;
        key: string;
        reason: string;
        /** A bare name (`DEBUG`) other tools use too: ignored with a warning. */
        ignored: boolean;
        /** `=value` for a flag or a number, else empty. */
        shown: string;
      }
    | FileIssueFact
    | { code: "invalid_option"; option: string; expected: string; got: string }
  );

/** A problem with a config file as a whole: it cannot be read, or it is not TOML llmconf can take. */
export type FileIssueFact =
  | { code: "file_not_found" }
  | { code: "file_unreadable"; why: string }
  | { code: "not_utf8" }
  | { code: "toml_syntax"; problem: TomlProblem }
  | { code: "invalid_value"; reason: "integer_too_large"; value: bigint };

/** What stops a TOML text from being read: the parser's reason, or a nesting too deep to follow. */
export type TomlProblem =
  | { kind: "syntax"; reason: string }
  | { kind: "duplicate"; reason: string }
  | { kind: "too_deep" }
  | { kind: "nested"; max: number };

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
