/** Plain-text output for the terminal: tables and file lists. */
import { displayPath } from "../config/issues.ts";

/** Renders rows under a header with columns padded to their widest cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join("  ")
      .trimEnd();
  return `${[line(header), line(widths.map((width) => "-".repeat(width))), ...rows.map(line)].join("\n")}\n`;
}

/** The config files a command read, for a heading: relative to `cwd` where they lie below it. */
export function formatFileList(files: readonly string[], cwd: string): string {
  return files.length > 0
    ? files.map((file) => displayPath(file, cwd)).join(", ")
    : "no config file (defaults)";
}
