/** Terminal output: tables (coloured or plain) and file lists. */
import { displayPath } from "../config/issues.ts";

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
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
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
    line(header, undefined),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...rows.map((row, index) => line(row, index)),
  ].join("\n");
}

/** The config files a command read, for a heading: relative to `cwd` where they lie below it. */
export function formatFileList(files: readonly string[], cwd: string): string {
  return files.length > 0
    ? files.map((file) => displayPath(file, cwd)).join(", ")
    : "no config file (defaults)";
}
