/**
 * Walks parsed files (lowest layer first) and sorts every key into its section, named section or
 * problem. Nothing is validated here beyond names: types are checked once all layers are merged.
 */
import { bareVariableName, expandReferences } from "./interpolate.ts";
import { describeUnknownKey, sectionOfKey } from "./key-hints.ts";
import type { TomlTable } from "./parse.ts";
import { createRecord } from "./records.ts";
import {
  agentSchema,
  fieldNames,
  llmSchema,
  type PlainSectionName,
  plainSectionSchemas,
  SECRET_FIELDS,
  SECTION_NAMES,
  TABLE_FIELDS,
} from "./schema.ts";
import type { Assignments, PendingIssue, ValueSource } from "./sources.ts";
import { didYouMean } from "./suggest.ts";

/** One file's parsed values. */
export interface FileLayer {
  file: string;
  data: TomlTable;
}

/** A named section (`[llm.gpt3]`, `[agent.CodeActAgent]`, `[condenser.fast]`) and where it was declared. */
export interface NamedSection {
  assignments: Assignments;
  file: string;
  path: readonly string[];
}

/** Every key of every layer, sorted into sections. */
export interface CollectedConfig {
  plain: Record<PlainSectionName, Assignments>;
  /** Plain sections that appear in some file (model routing only takes effect when present). */
  present: Set<string>;
  llm: Assignments;
  llms: Map<string, NamedSection>;
  agent: Assignments;
  agents: Map<string, NamedSection>;
  condenser: Assignments | null;
  condensers: Map<string, NamedSection>;
  extended: Assignments;
  /** How many files were read: OpenHands installs its default condenser only when a file was. */
  files: number;
  issues: PendingIssue[];
}

const isTable = (value: unknown): value is TomlTable =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** Sorts the keys of every layer into sections, expanding `${VAR}` references from `env`. */
export function collectLayers(
  layers: readonly FileLayer[],
  env: Readonly<Record<string, string | undefined>>,
): CollectedConfig {
  const collected: CollectedConfig = {
    plain: {
      core: new Map(),
      security: new Map(),
      sandbox: new Map(),
      mcp: new Map(),
      kubernetes: new Map(),
      model_routing: new Map(),
      gateway: new Map(),
    },
    present: new Set(),
    llm: new Map(),
    llms: new Map(),
    agent: new Map(),
    agents: new Map(),
    condenser: null,
    condensers: new Map(),
    extended: new Map(),
    files: layers.length,
    issues: [],
  };
  for (const layer of layers) collectFile(layer, env, collected);
  return collected;
}

function collectFile(
  layer: FileLayer,
  env: Readonly<Record<string, string | undefined>>,
  into: CollectedConfig,
) {
  const { file } = layer;
  const issue = (
    code: PendingIssue["code"],
    message: string,
    path: readonly (string | number)[],
    section: string | null,
    key: string | null,
    suggestion: string | null = null,
  ) => into.issues.push({ severity: "error", code, message, file, path, section, key, suggestion });

  const assign = (
    target: Assignments,
    section: string,
    path: readonly string[],
    key: string,
    raw: unknown,
  ) => {
    const expanded = expandDeep(raw, env, []);
    const secret = SECRET_FIELDS.has(key);
    for (const { problem, at } of expanded.malformed) {
      const where = describeKey(key, at);
      issue(
        "malformed_reference",
        `malformed \${…} reference in "${where}" of [${section}]: ${secret || at.some(isCredentialLike) ? "it is not ${NAME} or ${NAME:-default}" : problem}; write $\${ for a literal \${`,
        [...path, ...at],
        section,
        key,
      );
    }
    // H8: in an LLM config or an MCP server an unset reference only blocks using that config.
    const soft = section === "llm" || section.startsWith("llm.") || section === "mcp";
    for (const { name, at } of expanded.missing) {
      const where = describeKey(key, at);
      const allowEmpty = secret || at.some(isCredentialLike);
      const hint = `set it, or write \${${name}:-${allowEmpty ? "" : "default"}}${allowEmpty ? " to allow it empty" : ""}`;
      const blocked =
        section === "mcp"
          ? "; this MCP server cannot be used until it is set"
          : `; [${section}] cannot be used until it is set, nor any config that inherits it`;
      into.issues.push({
        severity: soft ? "warning" : "error",
        code: "unset_variable",
        message: `environment variable ${name} is not set (referenced by "${where}" in [${section}])${soft ? blocked : ""}; ${hint}`,
        file,
        path: [...path, ...at],
        section,
        key,
        suggestion: null,
      });
    }
    if (typeof raw === "string" && secret && !expanded.reference) {
      const bare = bareVariableName(raw);
      if (bare)
        into.issues.push({
          severity: "warning",
          code: "bare_variable",
          message: `"${key}" in [${section}] is the text "$${bare}", sent as written; to read the environment variable write "\${${bare}}"`,
          file,
          path,
          section,
          key,
          suggestion: `\${${bare}}`,
        });
    }
    if (expanded.malformed.length > 0 || (expanded.missing.length > 0 && !soft)) return;
    const source: ValueSource = { kind: "file", file, section, path };
    if (expanded.reference !== undefined) source.reference = expanded.reference;
    if (expanded.missing.length > 0) source.unset = [...new Set(expanded.missing.map((entry) => entry.name))];
    // A string with an unset reference stays as written (expandDeep keeps it): never empty in its place.
    target.set(key, { value: expanded.value, source });
  };

  const assignFields = (
    target: Assignments,
    table: TomlTable,
    section: string,
    path: readonly string[],
    known: readonly string[],
  ) => {
    for (const [key, value] of Object.entries(table)) {
      if (known.includes(key)) {
        assign(target, section, [...path, key], key, value);
      } else {
        const { message, suggestion } = describeUnknownKey(key, section, known);
        issue("unknown_key", message, [...path, key], section, key, suggestion);
      }
    }
  };

  /** `[llm]` / `[agent]`: base keys, and sub-tables that are named sections (H7: known table fields stay fields). */
  const collectNamedFamily = (
    family: "llm" | "agent",
    table: TomlTable,
    base: Assignments,
    named: Map<string, NamedSection>,
  ) => {
    const known = fieldNames(family === "llm" ? llmSchema : agentSchema);
    const tableFields: ReadonlySet<string> = TABLE_FIELDS[family];
    const baseKeys = createRecord<unknown>();
    for (const [key, value] of Object.entries(table)) {
      if (!isTable(value) || tableFields.has(key)) {
        baseKeys[key] = value;
        continue;
      }
      const section = `${family}.${key}`;
      if (key === family) {
        issue(
          "reserved_name",
          `[${family}.${family}] would replace the default [${family}]; put these keys in [${family}] itself or choose another name`,
          [family, key],
          section,
          null,
        );
        continue;
      }
      const entry = named.get(key) ?? { assignments: new Map(), file, path: [family, key] };
      named.set(key, entry);
      const ownKeys = createRecord<unknown>();
      for (const [innerKey, innerValue] of Object.entries(value)) {
        if (isTable(innerValue) && !tableFields.has(innerKey)) {
          issue(
            "nested_section",
            `[${section}.${innerKey}] nests a section inside [${section}]; named ${family} sections are one level deep`,
            [family, key, innerKey],
            `${section}.${innerKey}`,
            null,
          );
        } else {
          ownKeys[innerKey] = innerValue;
        }
      }
      assignFields(entry.assignments, ownKeys, section, [family, key], known);
    }
    assignFields(base, baseKeys, family, [family], known);
  };

  for (const [name, value] of Object.entries(layer.data)) {
    if (!isTable(value)) {
      const home = sectionOfKey(name, null);
      const hint = home ? `; move it under [${home}]` : "; every key belongs to a section";
      issue("unknown_key", `key "${name}" is outside any section${hint}`, [name], null, name);
      continue;
    }
    switch (name) {
      case "llm":
        collectNamedFamily("llm", value, into.llm, into.llms);
        break;
      case "agent":
        collectNamedFamily("agent", value, into.agent, into.agents);
        break;
      case "condenser":
        collectCondenser(value);
        break;
      case "extended":
        for (const [key, inner] of Object.entries(value))
          assign(into.extended, "extended", ["extended", key], key, inner);
        break;
      case "core":
      case "security":
      case "sandbox":
      case "mcp":
      case "kubernetes":
      case "model_routing":
      case "gateway":
        into.present.add(name);
        assignFields(into.plain[name], value, name, [name], fieldNames(plainSectionSchemas[name]));
        break;
      default: {
        const lower = name.toLowerCase();
        const sectionNames: readonly string[] = SECTION_NAMES;
        const suggestion = sectionNames.includes(lower) ? lower : (didYouMean(name, SECTION_NAMES) ?? null);
        const hint = sectionNames.includes(lower)
          ? `; section names are lower-case: did you mean [${lower}]?`
          : suggestion
            ? `; did you mean [${suggestion}]?`
            : `; known sections: ${SECTION_NAMES.join(", ")}`;
        issue("unknown_section", `unknown section [${name}]${hint}`, [name], name, null, suggestion);
      }
    }
  }

  function collectCondenser(table: TomlTable) {
    const base = createRecord<unknown>();
    for (const [key, value] of Object.entries(table)) {
      if (isTable(value) && key !== "llm_config") {
        const entry = into.condensers.get(key) ?? { assignments: new Map(), file, path: ["condenser", key] };
        into.condensers.set(key, entry);
        for (const [innerKey, innerValue] of Object.entries(value)) {
          assign(entry.assignments, `condenser.${key}`, ["condenser", key, innerKey], innerKey, innerValue);
        }
      } else {
        base[key] = value;
      }
    }
    if (Object.keys(base).length > 0 || Object.keys(table).length === 0) {
      into.condenser ??= new Map();
      for (const [key, value] of Object.entries(base))
        assign(into.condenser, "condenser", ["condenser", key], key, value);
    }
  }
}

interface DeepExpansion {
  value: unknown;
  /** Unset variables, with the path inside the value where each was referenced. */
  missing: { name: string; at: (string | number)[] }[];
  malformed: { problem: string; at: (string | number)[] }[];
  reference?: string;
}

/** Expands `${VAR}` in a string, or in every string inside arrays and tables. */
function expandDeep(
  value: unknown,
  env: Readonly<Record<string, string | undefined>>,
  at: (string | number)[],
): DeepExpansion {
  if (typeof value === "string") {
    const result = expandReferences(value, env);
    if (result.status === "malformed")
      return { value, missing: [], malformed: [{ problem: result.problem, at }], reference: value };
    if (result.status === "unset")
      return {
        value,
        missing: result.missing.map((name) => ({ name, at })),
        malformed: [],
        reference: value,
      };
    return result.referenced
      ? { value: result.value, missing: [], malformed: [], reference: value }
      : { value, missing: [], malformed: [] };
  }
  // An array or table with a reference inside keeps its written form as JSON text, so that explain
  // can show the references (H8) instead of the values they expanded to.
  const combine = (expandedValue: unknown, parts: readonly DeepExpansion[]): DeepExpansion => ({
    value: expandedValue,
    missing: parts.flatMap((part) => part.missing),
    malformed: parts.flatMap((part) => part.malformed),
    ...(parts.some((part) => part.reference !== undefined) ? { reference: JSON.stringify(value) } : {}),
  });
  if (Array.isArray(value)) {
    const parts = value.map((item, index) => expandDeep(item, env, [...at, index]));
    return combine(
      parts.map((part) => part.value),
      parts,
    );
  }
  if (isTable(value)) {
    const entries = Object.entries(value).map(
      ([key, item]) => [key, expandDeep(item, env, [...at, key])] as const,
    );
    return combine(
      Object.fromEntries(entries.map(([key, part]) => [key, part.value])),
      entries.map(([, part]) => part),
    );
  }
  return { value, missing: [], malformed: [] };
}

/**
 * A key inside a value (a header, an env entry, an MCP server's key) that names a credential: its
 * text is never echoed, and hints never suggest giving it a default.
 */
function isCredentialLike(part: string | number): boolean {
  return typeof part === "string" && (SECRET_FIELDS.has(part) || CREDENTIAL_NAME.test(part));
}

const CREDENTIAL_NAME = /key|token|secret|password|authorization|credential/i;

/** A key and a path inside its value, as `servers[0].api_key`. */
function describeKey(key: string, at: readonly (string | number)[]): string {
  return at.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : `${text}.${part}`),
    key,
  );
}
