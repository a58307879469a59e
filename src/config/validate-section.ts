/**
 * One section's merged assignments against its schema: the validated value, and every problem as a
 * located issue (unknown nested keys, invalid values, values converted from another type).
 */
import type { z } from "zod";
import type { IssueFact, IssuePlace } from "./issues.ts";
import { formatKeyPath } from "./key-path.ts";
import { restoreProtoKeys } from "./records.ts";
import {
  condenserSchemas,
  fieldNames,
  isIntegerField,
  KEY_ALIASES,
  mcpServerSchemas,
  modelRoutingSchema,
} from "./schema.ts";
import { type Assigned, type Assignments, issueOrigin, type PendingIssue, pendingIssue } from "./sources.ts";
import { didYouMean } from "./suggest.ts";
import { describeProblem } from "./validation-messages.ts";

/**
 * Validates merged assignments against a schema. Issues are reported only for keys in `reportOnly`
 * (a named section's own keys: problems of inherited keys are reported once, at the base).
 * On failure the defaults stand in, so that resolution goes on and every problem is found in one pass.
 */
export function validateSection<S extends z.ZodObject>(
  schema: S,
  assignments: Assignments,
  section: string,
  issues: PendingIssue[],
  reportOnly?: Assignments,
): z.output<S> {
  const values = Object.fromEntries([...assignments].map(([key, assigned]) => [key, assigned.value]));
  const result = schema.safeParse(values);
  if (result.success) {
    restoreProtoKeys(values, result.data);
    reportCoerced(schema, result.data, reportOnly ?? assignments, section, issues);
    return result.data;
  }
  const failed = new Set<string>();
  for (const problem of result.error.issues) {
    const key = String(problem.path[0] ?? "");
    const assigned = assignments.get(key);
    if (!assigned || (reportOnly && !reportOnly.has(key))) continue;
    failed.add(key);
    const inner = problem.path.slice(1).map((part) => (typeof part === "symbol" ? String(part) : part));
    if (problem.code === "unrecognized_keys" && problem.path.length > 0) {
      reportUnknownNested(problem.keys, { key, inner, assigned, section }, issues);
    } else if (!(assigned.source.kind === "file" && assigned.source.unset)) {
      // A value kept as written because a variable is unset was already reported (H8).
      reportInvalid(problem, { key, inner, assigned, section }, issues);
    }
  }
  const valid = new Map([...assignments].filter(([key]) => !failed.has(key)));
  const retry = schema.safeParse(
    Object.fromEntries([...valid].map(([key, assigned]) => [key, assigned.value])),
  );
  return retry.success ? retry.data : standIn(schema);
}

/**
 * Errors were reported, so the load fails: the stand-in only has to let resolution go on, and a
 * schema with required keys (a condenser's llm_config) has no all-defaults value to parse.
 */
function standIn<S extends z.ZodObject>(schema: S): z.output<S> {
  return schema.safeParse({}).data ?? ({} as z.output<S>);
}

/** A problem at one key of a section, and the path inside its value. */
interface ProblemAt {
  key: string;
  inner: (string | number)[];
  assigned: Assigned;
  section: string;
}

/** Warns about file values the schema accepted only by converting them (`"8"` for an integer). */
function reportCoerced(
  schema: z.ZodObject,
  data: object,
  reported: Assignments,
  section: string,
  issues: PendingIssue[],
) {
  const outputs = new Map<string, unknown>(Object.entries(data));
  for (const [key, assigned] of reported) {
    const output = outputs.get(key);
    if (assigned.source.kind !== "file" || !isCoerced(assigned.value, output)) continue;
    const converted = typeName(output, schema.shape[key]);
    const fact: IssueFact = {
      code: "coerced_value",
      section,
      key,
      written: typeName(assigned.value),
      converted,
      value: { value: output, path: [sectionRoot(section), key] },
    };
    issues.push(pendingIssue(fact, issueOrigin(assigned.source)));
  }
}

function reportUnknownNested(names: readonly string[], at: ProblemAt, issues: PendingIssue[]) {
  const origin = issueOrigin(at.assigned.source);
  const known = nestedFieldNames(at.key, valueAt(at.assigned.value, at.inner));
  for (const name of names) {
    const alias = KEY_ALIASES[name];
    const suggestion = didYouMean(name, known) ?? (alias && known.includes(alias) ? alias : null);
    const place: IssuePlace = { in: "value", path: formatKeyPath(at.key, at.inner) };
    const fact: IssueFact = {
      code: "unknown_key",
      name,
      place,
      section: at.section,
      key: at.key,
      suggestion,
    };
    issues.push(
      pendingIssue(withEnv(fact, at.assigned), {
        file: origin.file,
        path: [...origin.path, ...at.inner, name],
      }),
    );
  }
}

function reportInvalid(problem: z.core.$ZodIssue, at: ProblemAt, issues: PendingIssue[]) {
  const origin = issueOrigin(at.assigned.source);
  const fact: IssueFact = {
    code: "invalid_value",
    reason: "value",
    name: formatKeyPath(at.key, at.inner),
    place: { in: "section" },
    problem: describeProblem(problem),
    got: {
      value: valueAt(at.assigned.value, at.inner),
      path: [sectionRoot(at.section), at.key, ...at.inner],
    },
    section: at.section,
    key: at.key,
  };
  issues.push(
    pendingIssue(withEnv(fact, at.assigned), { file: origin.file, path: [...origin.path, ...at.inner] }),
  );
}

/** The fact, naming the environment variable its value came from (`from environment variable X`). */
function withEnv<F extends IssueFact>(fact: F, assigned: Assigned): F {
  return assigned.source.kind === "env" ? { ...fact, env: assigned.source.env } : fact;
}

/** The keys a table-valued field accepts: did-you-mean candidates for an unknown key inside it. */
function nestedFieldNames(key: string, value: unknown): string[] {
  if (key === "model_routing") return fieldNames(modelRoutingSchema);
  const server = mcpServerSchemas[key];
  if (server) return fieldNames(server);
  const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
  const schema = key === "condenser" && typeof type === "string" ? condenserSchemas[type] : undefined;
  return schema ? fieldNames(schema) : [];
}

function isCoerced(input: unknown, output: unknown): boolean {
  if (input === undefined || input === null || output === null) return false;
  return typeof input !== typeof output;
}

/** The type of a value in TOML words; a number as its field declares it (a float field's 1 is a float). */
function typeName(value: unknown, field?: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") {
    const integer = field === undefined ? Number.isInteger(value) : isIntegerField(field as z.ZodType);
    return integer ? "an integer" : "a float";
  }
  if (typeof value === "object" && value !== null) return "a table";
  return `a ${typeof value}`;
}

/** The value at a path inside a table or array, or at its deepest prefix that exists (e.g. a shorthand string). */
function valueAt(value: unknown, path: readonly (string | number)[]): unknown {
  let current = value;
  for (const part of path) {
    if (typeof current !== "object" || current === null) return current;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/** The section a diagnostic's value path starts at: `llm` for `[llm.fast]`, `mcp` for `[mcp]`. */
export function sectionRoot(section: string): string {
  return section.split(".")[0] as string;
}
