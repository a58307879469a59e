/** Configuration problems as data, the one error that carries them, and their compiler-style text. */
import { formatMaskedValue, isSecretPath, type ValuePath } from "./secrets.ts";

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

/** A problem as data, keyed by its code; `describeIssue` writes its message. */
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
  );

/** How serious a fact is: warnings let the file load. */
export function severityOf(fact: IssueFact): "error" | "warning" {
  switch (fact.code) {
    case "coerced_value":
    case "bare_variable":
      return "warning";
    case "unset_variable":
      return fact.soft ? "warning" : "error";
    case "invalid_env":
      return fact.ignored ? "warning" : "error";
    default:
      return "error";
  }
}

/**
 * The message of a problem: every diagnostic's words are written here, once.
 * @example describeIssue({ code: "fallback_cycle", cycle: ["a", "b", "a"], section: "llm.a", key: "fallbacks" })
 */
export function describeIssue(fact: IssueFact): string {
  const section = fact.section ?? "";
  switch (fact.code) {
    case "unknown_key":
      return describeUnknownKey(fact, section);
    case "invalid_value":
      return describeInvalidValue(fact, section);
    case "coerced_value": {
      const shown = isSecretPath(fact.value.path)
        ? ""
        : ` ${formatMaskedValue(fact.value.value, fact.value.path)}`;
      return `"${fact.key}" in [${section}] is ${fact.written}, converted to ${fact.converted}${shown}; write it as ${fact.converted}`;
    }
    case "unknown_llm_config": {
      const where = fact.section === null ? "" : ` in [${fact.section}]`;
      return `unknown ${fact.kind} config "${fact.name}"${where}${didYouMeanSuffix(fact.suggestion)} (defined: ${fact.defined.join(", ")})`;
    }
    case "unknown_condenser_type":
      return `unknown condenser type "${fact.type}" in [${section}]${didYouMeanSuffix(fact.suggestion)} (types: ${fact.types.join(", ")})`;
    case "fallback_cycle":
      return `fallbacks form a cycle: ${fact.cycle.join(" → ")}; a config cannot fall back to itself`;
    default:
      return describeFileIssue(fact);
  }
}

function describeUnknownKey(fact: Extract<IssueFact, { code: "unknown_key" }>, section: string): string {
  const { hint } = fact;
  if (fact.place.in === "file") {
    const where =
      hint?.kind === "other_section" ? `; move it under [${hint.home}]` : "; every key belongs to a section";
    return `key "${fact.name}" is outside any section${where}`;
  }
  const type = fact.condenserType === undefined ? "" : ` (type "${fact.condenserType}")`;
  const unknown = `unknown key "${fact.name}"${describePlace(fact.place, section)}${type}${fromEnv(fact.env)}`;
  switch (hint?.kind) {
    case "renamed":
      return `${unknown}: OpenHands renamed it${didYouMeanSuffix(hint.to)}`;
    case "moved":
      return `${unknown}: OpenHands moved it; did you mean ${hint.to}?`;
    case "dropped":
      return `${unknown}: OpenHands dropped it (${hint.why}); delete it`;
    case "other_section":
      return `${unknown}; did you mean [${hint.home}] ${fact.name}?`;
    default:
      return `${unknown}${didYouMeanSuffix(fact.suggestion)}`;
  }
}

/** The messages of problems found while a file's keys are sorted into sections, and of the environment. */
function describeFileIssue(
  fact: Extract<
    IssueFact,
    {
      code:
        | "unknown_section"
        | "reserved_name"
        | "nested_section"
        | "malformed_reference"
        | "unset_variable"
        | "bare_variable"
        | "invalid_env";
    }
  >,
): string {
  const section = fact.section ?? "";
  switch (fact.code) {
    case "unknown_section": {
      const hint = fact.lowerCase
        ? `; section names are lower-case: did you mean [${fact.suggestion}]?`
        : fact.suggestion
          ? `; did you mean [${fact.suggestion}]?`
          : `; known sections: ${fact.known.join(", ")}`;
      return `unknown section [${fact.name}]${hint}`;
    }
    case "reserved_name":
      return `[${section}] would replace the default [${fact.family}]; put these keys in [${fact.family}] itself or choose another name`;
    case "nested_section":
      return `[${section}] nests a section inside [${fact.parent}]; named ${fact.family} sections are one level deep`;
    case "malformed_reference":
      return `malformed \${…} reference in "${fact.name}" of [${section}]: ${fact.problem ?? "it is not ${NAME} or ${NAME:-default}"}; write $\${ for a literal \${`;
    case "unset_variable": {
      const blocked = !fact.soft
        ? ""
        : section === "mcp"
          ? "; this MCP server cannot be used until it is set"
          : `; [${section}] cannot be used until it is set, nor any config that inherits it`;
      const hint = `set it, or write \${${fact.variable}:-${fact.allowEmpty ? "" : "default"}}${fact.allowEmpty ? " to allow it empty" : ""}`;
      return `environment variable ${fact.variable} is not set (referenced by "${fact.name}" in [${section}])${blocked}; ${hint}`;
    }
    case "bare_variable":
      return `"${fact.key}" in [${section}] is the text "$${fact.variable}", sent as written; to read the environment variable write "\${${fact.variable}}"`;
    case "invalid_env":
      return fact.ignored
        ? `environment variable ${fact.variable}${fact.shown} is not a valid "${fact.key}" for [${section}] (${fact.reason}); ignored, as other tools use ${fact.variable} too`
        : `environment variable ${fact.variable} cannot be used for "${fact.key}" in [${section}]: ${fact.reason}`;
  }
}

function describeInvalidValue(fact: Extract<IssueFact, { code: "invalid_value" }>, section: string): string {
  switch (fact.reason) {
    case "value": {
      const got = fact.got === undefined ? "" : describeGot(fact.got);
      return `invalid value for "${fact.name}"${describePlace(fact.place, section)}${fromEnv(fact.env)}: ${fact.problem}${got}`;
    }
    case "missing_condenser_key":
      return `missing "${fact.name}" in [${section}]: a condenser of type "${fact.condenserType}" needs it`;
    case "missing_condenser_type":
      return `missing "type"${describePlace(fact.place, section)}: name each condenser's type`;
    case "retry_waits":
      return `retry_min_wait (${fact.min} s) is longer than retry_max_wait (${fact.max} s) in [${section}]; the shortest wait between attempts cannot exceed the longest`;
    case "condenser_rule":
      return `${describeCondenserRule(fact.rule)}${describePlace(fact.place, section)}`;
  }
}

function describeCondenserRule(rule: CondenserRule): string {
  switch (rule.rule) {
    case "unsupported_type":
      return `condenser type "${rule.type}" is not supported yet: llmconf agents have no browser, so there is no browser output to mask; use "observation_masking"`;
    case "keep_first_too_large":
      return `keep_first (${rule.keep_first}) must be less than half of max_size (${rule.max_size}): a condensation keeps about max_size / 2 events, the first keep_first among them`;
  }
}

function describePlace(place: IssuePlace, section: string): string {
  if (place.in === "value") return ` in "${place.path}" of [${section}]`;
  if (place.in === "inline_llm_config") return ` in the inline llm_config of [${section}]`;
  return ` in [${section}]`;
}

function fromEnv(env: string | undefined): string {
  return env === undefined ? "" : ` from environment variable ${env}`;
}

/** `; did you mean "x"?` when there is a candidate; the one place that writes it. */
export function didYouMeanSuffix(suggestion: string | null | undefined): string {
  return suggestion ? `; did you mean "${suggestion}"?` : "";
}

/**
 * ` (got …)`, masked by the one rule of `secrets.ts`; nothing at all when the value is itself inside a
 * secret (its type must not hint at its content either).
 */
function describeGot({ value, path }: ShownValue): string {
  if (value === undefined) return "";
  for (let end = 1; end <= path.length; end++) if (isSecretPath(path.slice(0, end))) return "";
  return ` (got ${formatMaskedValue(value, path)})`;
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
