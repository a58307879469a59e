/**
 * Walks parsed files (lowest layer first) and sorts every key into its section, named section or
 * problem. Nothing is validated here beyond names: types are checked once all layers are merged.
 */
import { expandReferences } from "./interpolate.ts";
import type { TomlTable } from "./parse.ts";
import {
  agentSchema,
  fieldNames,
  KEY_ALIASES,
  llmSchema,
  type PlainSectionName,
  plainSectionSchemas,
  SECTION_NAMES,
  TABLE_FIELDS,
} from "./schema.ts";
import type { Assigned, Assignments, PendingIssue } from "./sources.ts";
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
    },
    present: new Set(),
    llm: new Map(),
    llms: new Map(),
    agent: new Map(),
    agents: new Map(),
    condenser: null,
    condensers: new Map(),
    extended: new Map(),
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
    const expanded = expandDeep(raw, env);
    if (expanded.missing.length > 0) {
      for (const name of expanded.missing) {
        issue(
          "unset_variable",
          `environment variable ${name} is not set (referenced by "${key}" in [${section}]); set it, or write \${${name}:-default}`,
          path,
          section,
          key,
        );
      }
      return;
    }
    const entry: Assigned = { value: expanded.value, source: { kind: "file", file, section, path } };
    if (expanded.reference !== undefined && entry.source.kind === "file")
      entry.source.reference = expanded.reference;
    target.set(key, entry);
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
        const alias = KEY_ALIASES[key];
        const suggestion = didYouMean(key, known) ?? (alias && known.includes(alias) ? alias : null);
        issue(
          "unknown_key",
          `unknown key "${key}" in [${section}]${suggestion ? `; did you mean "${suggestion}"?` : ""}`,
          [...path, key],
          section,
          key,
          suggestion,
        );
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
    const baseKeys: TomlTable = {};
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
      const ownKeys: TomlTable = {};
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
      const coreKeys = fieldNames(plainSectionSchemas.core);
      const hint = coreKeys.includes(name) ? `; move it under [core]` : "; every key belongs to a section";
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
    const base: TomlTable = {};
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
  missing: string[];
  reference?: string;
}

/** Expands `${VAR}` in a string, or in every string inside arrays and tables. */
function expandDeep(value: unknown, env: Readonly<Record<string, string | undefined>>): DeepExpansion {
  if (typeof value === "string") {
    const result = expandReferences(value, env);
    if (!result.ok) return { value, missing: result.missing };
    return result.referenced
      ? { value: result.value, missing: [], reference: value }
      : { value, missing: [] };
  }
  // An array or table with a reference inside keeps its written form as JSON text, so that explain
  // can show the references (H8) instead of the values they expanded to.
  const written = (parts: readonly DeepExpansion[]) =>
    parts.some((part) => part.reference !== undefined) ? { reference: JSON.stringify(value) } : {};
  if (Array.isArray(value)) {
    const parts = value.map((item) => expandDeep(item, env));
    return {
      value: parts.map((part) => part.value),
      missing: parts.flatMap((part) => part.missing),
      ...written(parts),
    };
  }
  if (isTable(value)) {
    const entries = Object.entries(value).map(([key, item]) => [key, expandDeep(item, env)] as const);
    return {
      value: Object.fromEntries(entries.map(([key, part]) => [key, part.value])),
      missing: entries.flatMap(([, part]) => part.missing),
      ...written(entries.map(([, part]) => part)),
    };
  }
  return { value, missing: [] };
}
