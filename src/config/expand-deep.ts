/** `${VAR}` expansion through a whole value: a string, or every string inside arrays and tables. */
import { expandReferences } from "./interpolate.ts";
import type { TomlTable } from "./parse.ts";

/** A value with its references expanded, and what could not be. */
export interface DeepExpansion {
  value: unknown;
  /** Unset variables, with the path inside the value where each was referenced. */
  missing: { name: string; at: (string | number)[] }[];
  malformed: { problem: string; at: (string | number)[] }[];
  /** The value as written, when it referenced the environment. */
  reference?: string;
}

/** Whether a TOML value is a table (not an array, not a date). */
export const isTable = (value: unknown): value is TomlTable =>
  typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** Expands `${VAR}` in a string, or in every string inside arrays and tables. */
export function expandDeep(
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
