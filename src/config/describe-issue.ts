/**
 * The words of every configuration problem: `describeIssue` turns an `IssueFact` into its message, so
 * that a diagnostic's wording (and its did-you-mean) is written once, as zod renders its issues in one place.
 */
import type { CondenserRule, ConfigIssue, IssueFact, IssuePlace, ShownValue, TomlProblem } from "./issues.ts";
import { formatMaskedValue, isSecretPath } from "./secrets.ts";

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
    case "file_not_found":
      return "config file not found; check the path";
    case "file_unreadable":
      return `config file ${fact.why}`;
    case "not_utf8":
      return "config file is not UTF-8 text; save it as UTF-8 TOML";
    case "toml_syntax":
      return describeTomlProblem(fact.problem);
    case "invalid_option":
      return `loadConfig option "${fact.option}" must be ${fact.expected} (got ${fact.got})`;
    default:
      return describeVariableIssue(fact, section);
  }
}

function describeTomlProblem(problem: TomlProblem): string {
  switch (problem.kind) {
    case "syntax":
      return `TOML syntax error: ${problem.reason}`;
    case "duplicate":
      return `duplicate key or table: ${problem.reason}`;
    case "too_deep":
      return "TOML syntax error: a key or value is nested too deeply to read; flatten it";
    case "nested":
      return `TOML value nested more than ${problem.max} tables or arrays deep; flatten it`;
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

/** The messages of problems with variables: `${VAR}` references in files, and environment overrides. */
function describeVariableIssue(
  fact: Extract<
    IssueFact,
    { code: "malformed_reference" | "unset_variable" | "bare_variable" | "invalid_env" }
  >,
  section: string,
): string {
  switch (fact.code) {
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
    case "integer_too_large":
      return `integer ${fact.value} is too large: llmconf reads integers between -(2^53 - 1) and 2^53 - 1`;
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

/**
 * An unset-variable warning turned into the error of using what it blocks (H8): an LLM config (by the
 * name asked for) or an MCP server entry (`sse_servers[0]`).
 */
export function describeBlockedUse(target: { llm: string } | { mcp: string }, warning: ConfigIssue): string {
  const what = "llm" in target ? `LLM config "${target.llm}"` : `MCP server ${target.mcp}`;
  return `${what} cannot be used: ${warning.message}`;
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

/** A located issue stating a fact (section, key and suggestion from the fact; 0 for an unknown line). */
export function locatedIssue(
  fact: IssueFact,
  at: { file: string; line?: number; column?: number },
): ConfigIssue {
  return {
    severity: severityOf(fact),
    code: fact.code,
    message: describeIssue(fact),
    file: at.file,
    line: at.line ?? 0,
    column: at.column ?? 0,
    section: fact.section,
    key: fact.key,
    suggestion: fact.suggestion ?? null,
  };
}
