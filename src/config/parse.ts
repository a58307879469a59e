/**
 * TOML text → plain values (smol-toml); key positions only when a problem or an explanation needs
 * them (a scan of the same text, see key-positions.ts).
 */
import { parse as parseTomlText, TomlError } from "smol-toml";
import { locatedIssue } from "./describe-issue.ts";
import type { ConfigIssue, FileIssueFact, TomlProblem } from "./issues.ts";
import { MAX_NESTING, type Position, pathKey, scanKeyPositions } from "./key-positions.ts";

export { type Position, pathKey };

import { readRegularFile, UnreadableFileError } from "./read-file.ts";

/** A parsed TOML document: its top-level table. */
export type TomlTable = Record<string, unknown>;

/** The outcome of reading one config file: its text and values, or the issue that stopped it. */
export type ReadResult = { ok: true; text: string; data: TomlTable } | { ok: false; issue: ConfigIssue };

/** A problem with a whole file (no section, no key), at a position when one is known. */
function fileIssue(file: string, fact: FileIssueFact, at?: Position): ConfigIssue {
  return locatedIssue({ ...fact, section: null, key: null }, { file, ...at });
}

/**
 * Reads and parses a config file; a missing, unreadable, non-regular (FIFO, device), oversized,
 * non-UTF-8 or malformed file is an issue.
 */
export function readTomlFile(file: string): ReadResult {
  let bytes: Buffer;
  try {
    bytes = readRegularFile(file);
  } catch (error) {
    if (!(error instanceof UnreadableFileError)) throw error;
    if (error.code === "ENOENT") {
      return { ok: false, issue: fileIssue(file, { code: "file_not_found" }) };
    }
    return { ok: false, issue: fileIssue(file, { code: "file_unreadable", why: error.message }) };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return {
      ok: false,
      issue: fileIssue(file, { code: "not_utf8" }),
    };
  }
  return parseTomlSource(text, file);
}

/** Parses TOML text; a syntax error becomes a located `toml_syntax` issue. */
export function parseTomlSource(text: string, file: string): ReadResult {
  try {
    // Integers beyond 2^53 come back as BigInt so that they can be reported as too large, located,
    // rather than as smol-toml's syntax error.
    const data = parseTomlText(text, { integersAsBigInt: "asNeeded" }) as TomlTable;
    const unusable = findUnusableValue(data);
    if (unusable === undefined) return { ok: true, text, data };
    const at = findPosition(locateKeys(text), unusable.path);
    return { ok: false, issue: fileIssue(file, unusable.fact, at) };
  } catch (error) {
    if (error instanceof RangeError) return { ok: false, issue: tooDeep(text, file) };
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "") ?? "syntax error";
    const problem: TomlProblem = { kind: /redefine/.test(reason) ? "duplicate" : "syntax", reason };
    return {
      ok: false,
      issue: fileIssue(file, { code: "toml_syntax", problem }, { line: error.line, column: error.column }),
    };
  }
}

/**
 * smol-toml bounds the nesting of arrays and inline tables but recurses once per part of a dotted
 * key, so thousands of parts overflow the stack. The longest line is where such a key lies.
 */
function tooDeep(text: string, file: string): ConfigIssue {
  let longest = { line: 1, length: -1 };
  let line = 1;
  let start = 0;
  while (start <= text.length) {
    const end = text.indexOf("\n", start);
    const stop = end === -1 ? text.length : end;
    if (stop - start > longest.length) longest = { line, length: stop - start };
    if (end === -1) break;
    start = end + 1;
    line++;
  }
  return fileIssue(
    file,
    { code: "toml_syntax", problem: { kind: "too_deep" } },
    { line: longest.line, column: 1 },
  );
}

/** A value the loader cannot take, and where it is. */
interface UnusableValue {
  path: (string | number)[];
  fact: FileIssueFact;
}

/**
 * The first value nested deeper than MAX_NESTING, or integer beyond 2^53, or undefined. Dotted keys
 * nest without smol-toml's bound on arrays and inline tables; after this check everything downstream
 * (expansion, validation, masking, JSON) may recurse. Iterative, so it cannot overflow itself.
 */
function findUnusableValue(data: TomlTable): UnusableValue | undefined {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: data, path: [] }];
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { value, path } = next;
    if (typeof value === "bigint") {
      return { path, fact: { code: "invalid_value", reason: "integer_too_large", value } };
    }
    if (typeof value !== "object" || value === null || value instanceof Date) continue;
    if (path.length > MAX_NESTING) {
      return { path, fact: { code: "toml_syntax", problem: { kind: "nested", max: MAX_NESTING } } };
    }
    const entries = Object.entries(value);
    // Reversed onto the stack, so the first problem in file order is the one reported.
    for (let index = entries.length - 1; index >= 0; index--) {
      const [key, inner] = entries[index] as [string, unknown];
      stack.push({ value: inner, path: [...path, Array.isArray(value) ? Number(key) : key] });
    }
  }
  return undefined;
}

const locationCache = new Map<string, Map<string, Position>>();
/** Texts whose positions are kept: a load asks once per issue, and files can be large. */
const CACHED_TEXTS = 8;

/** The position of every table and key of a TOML text, keyed by `pathKey(path)`. */
export function locateKeys(text: string): Map<string, Position> {
  const cached = locationCache.get(text);
  if (cached) return cached;
  const positions = scanKeyPositions(text);
  if (locationCache.size >= CACHED_TEXTS) locationCache.delete(locationCache.keys().next().value as string);
  locationCache.set(text, positions);
  return positions;
}

/**
 * The position of the longest located prefix of `path` (a key, else its table); for a table only
 * implied by a deeper header (`[agnet]` by `[agnet.Foo]`), its first mention; else undefined.
 */
export function findPosition(
  positions: ReadonlyMap<string, Position>,
  path: readonly (string | number)[],
): Position | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const found = positions.get(pathKey(path.slice(0, depth)));
    if (found) return found;
  }
  if (path.length === 0) return undefined;
  // Positions are kept in file order, so the first one below the path is its first mention.
  const below = `${pathKey(path)}\u0000`;
  for (const [key, position] of positions) if (key.startsWith(below)) return position;
  return undefined;
}
