/**
 * Viewing a file or a directory inside the workspace, as OpenHands' editor shows them: a file with line
 * numbers (optionally a line range), a directory as its files and folders up to two levels deep.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { Workspace } from "../workspace.ts";
import { ToolError } from "./tool.ts";

// Bounds on what one view returns, so a huge file or tree cannot flood the prompt.
const maxListedEntries = 500;

/** Numbers lines as `cat -n` does, starting at `first`. */
export function numberLines(text: string, first = 1): string {
  return text
    .split("\n")
    .map((line, index) => `${String(index + first).padStart(6)}\t${line}`)
    .join("\n");
}

async function listDirectory(workspace: Workspace, directory: string): Promise<string> {
  const lines: string[] = [];
  const walk = async (folder: string, depth: number) => {
    const entries = await readdir(folder, { withFileTypes: true });
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (entry.name.startsWith(".") || lines.length >= maxListedEntries) continue;
      const path = join(folder, entry.name);
      lines.push(`${workspace.display(path)}${entry.isDirectory() ? "/" : ""}`);
      if (entry.isDirectory() && depth < 2) await walk(path, depth + 1);
    }
  };
  await walk(directory, 1);
  const more = lines.length >= maxListedEntries ? `\n[listing stopped at ${maxListedEntries} entries]` : "";
  return `Files and directories up to 2 levels deep in ${workspace.display(directory)}, hidden items excluded:\n${lines.join("\n")}${more}`;
}

/** The observation of viewing `path` (a file with line numbers, or a directory listing). */
export async function viewPath(
  workspace: Workspace,
  path: string,
  viewRange: readonly number[] | undefined,
): Promise<string> {
  const absolute = workspace.resolvePath(path);
  const info = await stat(absolute).catch(() => undefined);
  if (info === undefined)
    throw new ToolError(`The path ${path} does not exist. Please provide a valid path.`);
  if (info.isDirectory()) {
    if (viewRange !== undefined)
      throw new ToolError("The `view_range` parameter is not allowed when `path` points to a directory.");
    return listDirectory(workspace, absolute);
  }
  const text = await readFile(absolute, "utf8");
  if (viewRange === undefined)
    return `Here's the result of running \`cat -n\` on ${path}:\n${numberLines(text)}`;
  const lines = text.split("\n");
  const [start = 1, requestedEnd = -1] = viewRange;
  const end = requestedEnd === -1 ? lines.length : requestedEnd;
  if (start < 1 || start > lines.length)
    throw new ToolError(
      `Invalid \`view_range\` ${JSON.stringify(viewRange)}: the first line must be within 1..${lines.length}.`,
    );
  if (end < start || end > lines.length)
    throw new ToolError(
      `Invalid \`view_range\` ${JSON.stringify(viewRange)}: the last line must be -1 or within ${start}..${lines.length}.`,
    );
  return `Here's the result of running \`cat -n\` on ${path} (lines ${start}-${end}):\n${numberLines(lines.slice(start - 1, end).join("\n"), start)}`;
}
