/**
 * TOML text → plain values, fast (smol-toml); key positions only when a problem or an explanation
 * needs them (toml-eslint-parser is ~10x slower, so it is loaded lazily).
 */
import { readFileSync } from "node:fs";
import { parse as parseTomlText, TomlError } from "smol-toml";
import type { ConfigIssue } from "./issues.ts";

/** A parsed TOML document: its top-level table. */
export type TomlTable = Record<string, unknown>;

/** A 1-based position in a file. */
export interface Position {
  line: number;
  column: number;
}

/** The outcome of reading one config file: its text and values, or the issue that stopped it. */
export type ReadResult = { ok: true; text: string; data: TomlTable } | { ok: false; issue: ConfigIssue };

function fileIssue(file: string, code: ConfigIssue["code"], message: string, at?: Position): ConfigIssue {
  return {
    severity: "error",
    code,
    message,
    file,
    line: at?.line ?? 0,
    column: at?.column ?? 0,
    section: null,
    key: null,
    suggestion: null,
  };
}

/** Reads and parses a config file; a missing, unreadable, non-UTF-8 or malformed file is an issue. */
export function readTomlFile(file: string): ReadResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      return { ok: false, issue: fileIssue(file, "file_not_found", "config file not found; check the path") };
    }
    const reason =
      code === "EISDIR" ? "is a directory, not a file" : `cannot be read (${code ?? "unknown error"})`;
    return { ok: false, issue: fileIssue(file, "file_unreadable", `config file ${reason}`) };
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return {
      ok: false,
      issue: fileIssue(file, "not_utf8", "config file is not UTF-8 text; save it as UTF-8 TOML"),
    };
  }
  return parseTomlSource(text, file);
}

/** Parses TOML text; a syntax error becomes a located `toml_syntax` issue. */
export function parseTomlSource(text: string, file: string): ReadResult {
  try {
    return { ok: true, text, data: parseTomlText(text) as TomlTable };
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const reason = error.message.split("\n")[0]?.replace(/^Invalid TOML document: /, "") ?? "syntax error";
    const message = /redefine/.test(reason)
      ? `duplicate key or table: ${reason}`
      : `TOML syntax error: ${reason}`;
    return {
      ok: false,
      issue: fileIssue(file, "toml_syntax", message, { line: error.line, column: error.column }),
    };
  }
}

/** Joins a key path into the lookup key used by `locateKeys`. */
export function pathKey(path: readonly (string | number)[]): string {
  return path.join("\u0000");
}

interface AstNode {
  type: string;
  loc: { start: { line: number; column: number } };
  resolvedKey?: (string | number)[];
  key?: { keys: { name?: string; value?: string }[] };
  value?: AstNode;
  body?: AstNode[];
  elements?: AstNode[];
}

function collect(
  nodes: readonly AstNode[],
  prefix: readonly (string | number)[],
  into: Map<string, Position>,
) {
  for (const node of nodes) {
    const start = { line: node.loc.start.line, column: node.loc.start.column + 1 };
    if (node.type === "TOMLTable") {
      const path = node.resolvedKey ?? [];
      if (!into.has(pathKey(path))) into.set(pathKey(path), start);
      collect(node.body ?? [], path, into);
    } else if (node.type === "TOMLKeyValue" && node.key) {
      const path = [...prefix, ...node.key.keys.map((part) => part.name ?? part.value ?? "")];
      for (let depth = prefix.length + 1; depth <= path.length; depth++) {
        const partial = pathKey(path.slice(0, depth));
        if (!into.has(partial)) into.set(partial, start);
      }
      if (node.value) collectValue(node.value, path, into);
    }
  }
}

function collectValue(value: AstNode, path: readonly (string | number)[], into: Map<string, Position>) {
  if (value.type === "TOMLInlineTable") collect(value.body ?? [], path, into);
  if (value.type === "TOMLArray") {
    (value.elements ?? []).forEach((element, index) => {
      const at = [...path, index];
      into.set(pathKey(at), { line: element.loc.start.line, column: element.loc.start.column + 1 });
      collectValue(element, at, into);
    });
  }
}

const locationCache = new Map<string, Map<string, Position>>();

/** A TOML parser that keeps positions (toml-eslint-parser's `parseTOML`). */
export type PositionParser = (text: string) => unknown;

/** The position of every table and key of a TOML text, keyed by `pathKey(path)`. */
export async function locateKeys(text: string): Promise<Map<string, Position>> {
  const cached = locationCache.get(text);
  if (cached) return cached;
  // Imported on demand: a valid file never needs positions, and the CLI starts faster without it.
  const { parseTOML } = await import("toml-eslint-parser");
  return locateKeysWith(parseTOML, text);
}

/** `locateKeys` with the parser given, for callers that must stay synchronous. */
export function locateKeysWith(parse: PositionParser, text: string): Map<string, Position> {
  const cached = locationCache.get(text);
  if (cached) return cached;
  const ast = parse(text) as { body: AstNode[] };
  const positions = new Map<string, Position>();
  for (const table of ast.body) collect(table.body ?? [], [], positions);
  locationCache.set(text, positions);
  return positions;
}

/** The position of the longest located prefix of `path` (a key, else its table), or undefined. */
export function findPosition(
  positions: ReadonlyMap<string, Position>,
  path: readonly (string | number)[],
): Position | undefined {
  for (let depth = path.length; depth > 0; depth--) {
    const found = positions.get(pathKey(path.slice(0, depth)));
    if (found) return found;
  }
  return undefined;
}
