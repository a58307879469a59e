/**
 * Walks parsed files (lowest layer first) and sorts every key into its section, named section or
 * problem. Nothing is validated here beyond names: types are checked once all layers are merged.
 */
import { type DeepExpansion, expandDeep, isTable } from "./expand-deep.ts";
import { bareVariableName } from "./interpolate.ts";
import type { IssueFact } from "./issues.ts";
import { sectionOfKey, unknownKeyFact } from "./key-hints.ts";
import { formatKeyPath } from "./key-path.ts";
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
import { type Assignments, type PendingIssue, pendingIssue, type ValueSource } from "./sources.ts";
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
  for (const layer of layers) collectFile({ file: layer.file, env, into: collected }, layer.data);
  return collected;
}

/** The file being collected, the environment its references read, and where its keys go. */
interface FileContext {
  file: string;
  env: Readonly<Record<string, string | undefined>>;
  into: CollectedConfig;
}

/** One file: each top-level table goes to its section; a key outside any table is a problem. */
function collectFile(context: FileContext, data: TomlTable) {
  const { into } = context;
  for (const [name, value] of Object.entries(data)) {
    if (!isTable(value)) {
      const home = sectionOfKey(name, null);
      const fact: IssueFact = { code: "unknown_key", name, place: { in: "file" }, section: null, key: name };
      report(context, home === undefined ? fact : { ...fact, hint: { kind: "other_section", home } }, [name]);
      continue;
    }
    switch (name) {
      case "llm":
        collectNamedFamily(context, "llm", value, into.llm, into.llms);
        break;
      case "agent":
        collectNamedFamily(context, "agent", value, into.agent, into.agents);
        break;
      case "condenser":
        collectCondenser(context, value);
        break;
      case "extended":
        for (const [key, inner] of Object.entries(value))
          assign(context, into.extended, "extended", ["extended", key], key, inner);
        break;
      case "core":
      case "security":
      case "sandbox":
      case "mcp":
      case "kubernetes":
      case "model_routing":
      case "gateway":
        into.present.add(name);
        assignFields(context, into.plain[name], value, name, [name], fieldNames(plainSectionSchemas[name]));
        break;
      default:
        reportUnknownSection(context, name);
    }
  }
}

function report(context: FileContext, fact: IssueFact, path: readonly (string | number)[]) {
  context.into.issues.push(pendingIssue(fact, { file: context.file, path }));
}

/** A top-level table that is no section: a case slip, a misspelling, or not ours at all. */
function reportUnknownSection(context: FileContext, name: string) {
  const lower = name.toLowerCase();
  const sectionNames: readonly string[] = SECTION_NAMES;
  const lowerCase = sectionNames.includes(lower);
  const suggestion = lowerCase ? lower : (didYouMean(name, SECTION_NAMES) ?? null);
  const fact: IssueFact = {
    code: "unknown_section",
    name,
    lowerCase,
    known: SECTION_NAMES,
    section: name,
    key: null,
    suggestion,
  };
  report(context, fact, [name]);
}

/** Assigns a value after expanding its references; a value with a reference that failed is left out. */
function assign(
  context: FileContext,
  target: Assignments,
  section: string,
  path: readonly string[],
  key: string,
  raw: unknown,
) {
  const expanded = expandDeep(raw, context.env, []);
  // H8: in an LLM config or an MCP server an unset reference only blocks using that config.
  const soft = section === "llm" || section.startsWith("llm.") || section === "mcp";
  reportReferences(context, expanded, { section, path, key, soft });
  if (typeof raw === "string" && SECRET_FIELDS.has(key) && !expanded.reference) {
    const variable = bareVariableName(raw);
    if (variable) {
      const fact: IssueFact = {
        code: "bare_variable",
        key,
        variable,
        section,
        suggestion: `\${${variable}}`,
      };
      report(context, fact, path);
    }
  }
  if (expanded.malformed.length > 0 || (expanded.missing.length > 0 && !soft)) return;
  const source: ValueSource = { kind: "file", file: context.file, section, path };
  if (expanded.reference !== undefined) source.reference = expanded.reference;
  if (expanded.missing.length > 0) source.unset = [...new Set(expanded.missing.map((entry) => entry.name))];
  // A string with an unset reference stays as written (expandDeep keeps it): never empty in its place.
  target.set(key, { value: expanded.value, source });
}

/** Malformed references, and references to unset variables, inside one value. */
function reportReferences(
  context: FileContext,
  expanded: DeepExpansion,
  at: { section: string; path: readonly string[]; key: string; soft: boolean },
) {
  const { section, key } = at;
  const secret = SECRET_FIELDS.has(key);
  for (const { problem, at: inner } of expanded.malformed) {
    const hidden = secret || inner.some(isCredentialLike);
    const name = formatKeyPath(key, inner);
    const fact: IssueFact = {
      code: "malformed_reference",
      name,
      problem: hidden ? null : problem,
      section,
      key,
    };
    report(context, fact, [...at.path, ...inner]);
  }
  for (const { name: variable, at: inner } of expanded.missing) {
    const allowEmpty = secret || inner.some(isCredentialLike);
    const name = formatKeyPath(key, inner);
    const fact: IssueFact = {
      code: "unset_variable",
      variable,
      name,
      soft: at.soft,
      allowEmpty,
      section,
      key,
    };
    report(context, fact, [...at.path, ...inner]);
  }
}

/** Assigns the keys a section knows; every other key is an unknown key, with the best hint there is. */
function assignFields(
  context: FileContext,
  target: Assignments,
  table: TomlTable,
  section: string,
  path: readonly string[],
  known: readonly string[],
) {
  for (const [key, value] of Object.entries(table)) {
    if (known.includes(key)) assign(context, target, section, [...path, key], key, value);
    else report(context, unknownKeyFact(key, section, known), [...path, key]);
  }
}

/** `[llm]` / `[agent]`: base keys, and sub-tables that are named sections (H7: known table fields stay fields). */
function collectNamedFamily(
  context: FileContext,
  family: "llm" | "agent",
  table: TomlTable,
  base: Assignments,
  named: Map<string, NamedSection>,
) {
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
      report(context, { code: "reserved_name", family, section, key: null }, [family, key]);
      continue;
    }
    const entry = named.get(key) ?? { assignments: new Map(), file: context.file, path: [family, key] };
    named.set(key, entry);
    const ownKeys = createRecord<unknown>();
    for (const [innerKey, innerValue] of Object.entries(value)) {
      if (isTable(innerValue) && !tableFields.has(innerKey)) {
        const fact: IssueFact = {
          code: "nested_section",
          parent: section,
          family,
          section: `${section}.${innerKey}`,
          key: null,
        };
        report(context, fact, [family, key, innerKey]);
      } else {
        ownKeys[innerKey] = innerValue;
      }
    }
    assignFields(context, entry.assignments, ownKeys, section, [family, key], known);
  }
  assignFields(context, base, baseKeys, family, [family], known);
}

/** `[condenser]`: its keys, and sub-tables that are named `[condenser.X]` (an inline `llm_config` stays a key). */
function collectCondenser(context: FileContext, table: TomlTable) {
  const { into } = context;
  const base = createRecord<unknown>();
  for (const [key, value] of Object.entries(table)) {
    if (isTable(value) && key !== "llm_config") {
      const entry = into.condensers.get(key) ?? {
        assignments: new Map(),
        file: context.file,
        path: ["condenser", key],
      };
      into.condensers.set(key, entry);
      for (const [innerKey, innerValue] of Object.entries(value)) {
        assign(
          context,
          entry.assignments,
          `condenser.${key}`,
          ["condenser", key, innerKey],
          innerKey,
          innerValue,
        );
      }
    } else {
      base[key] = value;
    }
  }
  if (Object.keys(base).length > 0 || Object.keys(table).length === 0) {
    into.condenser ??= new Map();
    for (const [key, value] of Object.entries(base))
      assign(context, into.condenser, "condenser", ["condenser", key], key, value);
  }
}

/**
 * A key inside a value (a header, an env entry, an MCP server's key) that names a credential: its
 * text is never echoed, and hints never suggest giving it a default.
 */
function isCredentialLike(part: string | number): boolean {
  return typeof part === "string" && (SECRET_FIELDS.has(part) || CREDENTIAL_NAME.test(part));
}

const CREDENTIAL_NAME = /key|token|secret|password|authorization|credential/i;
