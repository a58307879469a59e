/**
 * The read-only tools of `RepoExplorerAgent` (OpenHands' ReadOnlyAgent names): `view`, `grep` and
 * `glob`. They run in-process over the workspace, never through a shell, so "read-only" holds by
 * construction rather than by trusting the commands a model writes.
 */
import type { Dirent } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { z } from "zod";
import type { Workspace } from "../workspace.ts";
import { defineTool, ToolError } from "./tool.ts";
import { viewPath } from "./view-path.ts";

// Bounds, so one search cannot flood the prompt or walk a huge tree for ever.
const maxMatches = 200;
const maxVisitedFiles = 20_000;
const maxFileBytes = 2_000_000;
const skippedDirectories = new Set([".git", "node_modules", ".venv", "__pycache__"]);

/** Converts a glob (`**`, `*`, `?`, `{a,b}`) to a regular expression over `/`-separated paths. */
export function globToRegExp(glob: string): RegExp {
  let pattern = "";
  for (let index = 0; index < glob.length; index += 1) {
    const char = glob[index] as string;
    if (char === "*" && glob[index + 1] === "*") {
      const slash = glob[index + 2] === "/";
      pattern += slash ? "(?:.*/)?" : ".*";
      index += slash ? 2 : 1;
    } else if (char === "*") pattern += "[^/]*";
    else if (char === "?") pattern += "[^/]";
    else if (char === "{") pattern += "(?:";
    else if (char === "}") pattern += ")";
    else if (char === "," && pattern.includes("(?:")) pattern += "|";
    else pattern += char.replace(/[.+^$()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${pattern}$`);
}

/** Every file below `directory` (hidden files included, VCS and dependency folders skipped), bounded. */
async function* walkFiles(directory: string, signal: AbortSignal): AsyncGenerator<string> {
  const pending = [directory];
  let visited = 0;
  while (pending.length > 0) {
    if (signal.aborted) return;
    const folder = pending.shift() as string;
    let entries: Dirent[];
    try {
      entries = await readdir(folder, { withFileTypes: true });
    } catch {
      continue;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(folder, entry.name);
      // Symlinks are not followed: a link could lead out of the workspace.
      if (entry.isDirectory() && !skippedDirectories.has(entry.name)) pending.push(path);
      else if (entry.isFile()) {
        visited += 1;
        if (visited > maxVisitedFiles) return;
        yield path;
      }
    }
  }
}

async function searchRoot(workspace: Workspace, path: string | undefined): Promise<string> {
  const root = workspace.resolvePath(path ?? ".");
  const info = await stat(root).catch(() => undefined);
  if (info === undefined) throw new ToolError(`The path ${path} does not exist.`);
  return root;
}

/** `view`: a file with line numbers, or a directory two levels deep. */
export const viewTool = defineTool({
  name: "view",
  description:
    "Shows a file with line numbers (optionally only `view_range`), or lists a directory two levels deep.",
  parameters: z.object({
    path: z.string().describe("Path relative to the workspace (or absolute inside it)."),
    view_range: z
      .array(z.number().int())
      .length(2)
      .optional()
      .describe("[first, last] line to show, 1-based; last -1 means to the end."),
  }),
  async execute({ path, view_range }, context) {
    return viewPath(context.workspace, path, view_range);
  },
});

/** `grep`: lines matching a regular expression, as `path:line: text`. */
export const grepTool = defineTool({
  name: "grep",
  description:
    "Searches file contents with a regular expression and lists matching lines as path:line: text.",
  parameters: z.object({
    pattern: z.string().describe("The regular expression to search for (JavaScript syntax)."),
    path: z.string().optional().describe("Directory or file to search in (default: the workspace)."),
    include: z
      .string()
      .optional()
      .describe('Only files whose path matches this glob, e.g. "*.ts" or "src/**/*.py".'),
  }),
  async execute({ pattern, path, include }, context) {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern);
    } catch (error) {
      throw new ToolError(
        `Invalid regular expression ${JSON.stringify(pattern)}: ${(error as Error).message}`,
      );
    }
    const root = await searchRoot(context.workspace, path);
    const filter =
      include === undefined ? undefined : globToRegExp(include.includes("/") ? include : `**/${include}`);
    const rootInfo = await stat(root);
    const files = rootInfo.isFile() ? [root] : walkFiles(root, context.signal);
    const matches: string[] = [];
    for await (const file of files) {
      const shown = context.workspace.display(file);
      if (filter !== undefined && !filter.test(shown)) continue;
      if ((await stat(file)).size > maxFileBytes) continue;
      const text = await readFile(file, "utf8");
      if (text.includes("\0")) continue; // binary
      const lines = text.split("\n");
      for (let index = 0; index < lines.length && matches.length < maxMatches; index += 1) {
        if (regex.test(lines[index] as string))
          matches.push(`${shown}:${index + 1}: ${(lines[index] as string).slice(0, 300)}`);
      }
      if (matches.length >= maxMatches) break;
    }
    if (matches.length === 0) return `No matches for ${JSON.stringify(pattern)}.`;
    const more =
      matches.length >= maxMatches ? `\n[stopped at ${maxMatches} matches; narrow the search]` : "";
    return `${matches.join("\n")}${more}`;
  },
});

/** `glob`: files whose path (relative to the search directory) matches a glob. */
export const globTool = defineTool({
  name: "glob",
  description: 'Lists files matching a glob pattern such as "**/*.ts" or "src/*.json".',
  parameters: z.object({
    pattern: z
      .string()
      .describe("The glob: `*` within a folder, `**` across folders, `?` one character, {a,b}."),
    path: z.string().optional().describe("Directory to search in (default: the workspace)."),
  }),
  async execute({ pattern, path }, context) {
    const root = await searchRoot(context.workspace, path);
    const regex = globToRegExp(pattern);
    const found: string[] = [];
    for await (const file of walkFiles(root, context.signal)) {
      if (regex.test(relative(root, file))) found.push(context.workspace.display(file));
      if (found.length >= maxMatches) break;
    }
    if (found.length === 0) return `No files match ${JSON.stringify(pattern)}.`;
    const more = found.length >= maxMatches ? `\n[stopped at ${maxMatches} files; narrow the pattern]` : "";
    return `${found.join("\n")}${more}`;
  },
});
