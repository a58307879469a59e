/** Terminal output: tables (coloured or plain), file lists, diagnostics, and text made safe to print. */
import { type ConfigIssue, displayPath, formatIssue } from "../config/issues.ts";

/**
 * C0 and C1 controls, DEL, line and paragraph separators, and bidirectional overrides: characters a
 * terminal acts on (ESC clears the screen, OSC sets the window title, BEL rings) or that reorder
 * what is shown.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/** The same without C0, which JSON escapes itself (and whose newlines lay out JSON text). */
const CONTROL_IN_JSON = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escapeCharacter(char: string): string {
  const code = char.charCodeAt(0);
  return (
    NAMED[char] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16)}`)
  );
}

/**
 * Text from a config file (names, values, paths) as it may reach a terminal: every control character
 * shown escaped (`\x1b`, `\n`, `\u202e`), so a cloned repository's config.toml cannot clear the
 * screen or rewrite the window title. Applied to everything a command prints for people.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, escapeCharacter);
}

/**
 * Data as printed JSON: JSON already escapes C0 controls; the others (DEL, C1, separators, bidi
 * overrides) are escaped as `\uXXXX` too, which parses back to the same data.
 */
export function formatJson(data: unknown): string {
  const json = JSON.stringify(data, null, 2) ?? "null";
  return `${json.replace(CONTROL_IN_JSON, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`)}\n`;
}

/** A diagnostic as one printable line (`file:line:col: error: message`), controls escaped. */
export function formatDiagnostic(issue: ConfigIssue, options: { cwd?: string } = {}): string {
  return escapeControl(formatIssue(issue, options));
}

/** Wraps text in an ANSI style code (1 bold, 2 dim, 3x colours), or returns it unchanged. */
export type Paint = (code: number, text: string) => string;

/** ANSI styling when `enabled` (a terminal without NO_COLOR), plain text otherwise. */
export function createPaint(enabled: boolean): Paint {
  return enabled ? (code, text) => `\u001b[${code}m${text}\u001b[0m` : (_code, text) => text;
}

/** How a table's cells are coloured: the header is bold, cells as `codeOf` says. */
export interface TableColours {
  paint: Paint;
  codeOf?: (row: number, column: number) => number | undefined;
}

/**
 * Renders rows under a header, columns padded to their widest cell (widths from the plain text, so
 * colour codes never skew them). No trailing newline.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  colours?: TableColours,
): string {
  const titles = header.map(escapeControl);
  const body = rows.map((row) => row.map(escapeControl));
  // A loop, not Math.max(...cells): a file with hundreds of thousands of configs has as many rows.
  const widths = titles.map((title, column) =>
    body.reduce((widest, row) => Math.max(widest, (row[column] ?? "").length), title.length),
  );
  const line = (cells: readonly string[], row: number | undefined) =>
    cells
      .map((cell, column) => {
        const padded = column === cells.length - 1 ? cell : cell.padEnd(widths[column] ?? 0);
        const code = row === undefined ? 1 : colours?.codeOf?.(row, column);
        return colours && code !== undefined ? colours.paint(code, padded) : padded;
      })
      .join("  ")
      .trimEnd();
  return [
    line(titles, undefined),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...body.map((row, index) => line(row, index)),
  ].join("\n");
}

/** The config files a command read, for a heading: relative to `cwd` where they lie below it. */
export function formatFileList(files: readonly string[], cwd: string): string {
  return files.length > 0
    ? files.map((file) => escapeControl(displayPath(file, cwd))).join(", ")
    : "no config file (defaults)";
}

/** Text of several lines as it may reach a terminal: line breaks kept, tabs as spaces, every other control character escaped. */
export function safeText(text: string): string {
  return text
    .replace(/\t/g, "  ")
    .split(/\r?\n/)
    .map((line) => escapeControl(line))
    .join("\n");
}
