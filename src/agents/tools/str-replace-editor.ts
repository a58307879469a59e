/**
 * `str_replace_editor`: OpenHands' file editor — view, create, str_replace, insert, undo_edit — confined
 * to the workspace. Edits keep the previous content so `undo_edit` can restore it.
 */
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import { defineTool, type ToolContext, ToolError } from "./tool.ts";
import { numberLines, viewPath } from "./view-path.ts";

// Lines of context shown around an edit, as OpenHands' editor does.
const snippetLines = 4;

const parameters = z.object({
  command: z
    .enum(["view", "create", "str_replace", "insert", "undo_edit"])
    .describe("The command to run: view, create, str_replace, insert or undo_edit."),
  path: z
    .string()
    .describe("Path of the file or directory, relative to the workspace (or absolute inside it)."),
  file_text: z.string().optional().describe("`create`: the content of the new file."),
  old_str: z
    .string()
    .optional()
    .describe("`str_replace`: the exact text to replace; it must occur exactly once."),
  new_str: z
    .string()
    .optional()
    .describe("`str_replace`: the replacement (default: empty). `insert`: the text to insert."),
  insert_line: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe("`insert`: insert `new_str` AFTER this line (0: at the top)."),
  view_range: z
    .array(z.number().int())
    .length(2)
    .optional()
    .describe("`view` of a file: [first, last] line to show, 1-based; last -1 means to the end."),
});

function snippet(text: string, aroundLine: number, lineCount: number): string {
  const lines = text.split("\n");
  const first = Math.max(1, aroundLine - snippetLines);
  const last = Math.min(lines.length, aroundLine + lineCount + snippetLines);
  return numberLines(lines.slice(first - 1, last).join("\n"), first);
}

async function readExisting(absolute: string, path: string): Promise<string> {
  const info = await stat(absolute).catch(() => undefined);
  if (info === undefined)
    throw new ToolError(`The path ${path} does not exist. Please provide a valid path.`);
  if (info.isDirectory()) throw new ToolError(`The path ${path} is a directory; this command needs a file.`);
  return readFile(absolute, "utf8");
}

async function saveEdit(context: ToolContext, absolute: string, before: string | undefined, after: string) {
  const history = context.fileHistory.get(absolute) ?? [];
  if (before !== undefined) history.push(before);
  context.fileHistory.set(absolute, history);
  await mkdir(dirname(absolute), { recursive: true });
  await writeFile(absolute, after);
}

function required<T>(value: T | undefined, name: string, command: string): T {
  if (value === undefined) throw new ToolError(`Parameter \`${name}\` is required for command: ${command}.`);
  return value;
}

/** OpenHands' `str_replace_editor` tool. */
export const strReplaceEditorTool = defineTool({
  name: "str_replace_editor",
  description: `Views, creates and edits files in the workspace.
* \`view\` shows a file with line numbers (\`cat -n\`), or lists a directory two levels deep.
* \`create\` writes a new file; it cannot overwrite an existing one.
* \`str_replace\` replaces \`old_str\` with \`new_str\`; \`old_str\` must match EXACTLY ONE place, whitespace included: include enough context to make it unique.
* \`insert\` inserts \`new_str\` after line \`insert_line\`.
* \`undo_edit\` reverts the last edit of the file.`,
  parameters,
  describeAction(args) {
    const lines = (text: string | undefined) => `${(text ?? "").split("\n").length} lines`;
    switch (args.command) {
      case "view":
        return undefined;
      case "create":
        return `create ${args.path} (${lines(args.file_text)})`;
      case "str_replace":
        return `str_replace in ${args.path}: ${lines(args.old_str)} → ${lines(args.new_str)}`;
      case "insert":
        return `insert ${lines(args.new_str)} into ${args.path} after line ${args.insert_line ?? "?"}`;
      case "undo_edit":
        return `undo the last edit of ${args.path}`;
    }
  },
  async execute(args, context) {
    const { command, path } = args;
    if (command === "view") return viewPath(context.workspace, path, args.view_range);
    const absolute = context.workspace.resolvePath(path);
    switch (command) {
      case "create": {
        const text = required(args.file_text, "file_text", command);
        if (await stat(absolute).catch(() => undefined))
          throw new ToolError(
            `File already exists at: ${path}. Cannot overwrite files using command \`create\`.`,
          );
        await saveEdit(context, absolute, undefined, text);
        return `File created successfully at: ${path}`;
      }
      case "str_replace": {
        const oldStr = required(args.old_str, "old_str", command);
        const newStr = args.new_str ?? "";
        const text = await readExisting(absolute, path);
        const first = text.indexOf(oldStr);
        if (oldStr === "" || first === -1)
          throw new ToolError(
            `No replacement was performed, old_str \`${oldStr}\` did not appear verbatim in ${path}.`,
          );
        if (text.indexOf(oldStr, first + 1) !== -1) {
          const lines: number[] = [];
          for (let at = first; at !== -1; at = text.indexOf(oldStr, at + 1))
            lines.push(text.slice(0, at).split("\n").length);
          throw new ToolError(
            `No replacement was performed. Multiple occurrences of old_str \`${oldStr}\` in lines ${JSON.stringify(lines)}. Please ensure it is unique.`,
          );
        }
        const after = text.slice(0, first) + newStr + text.slice(first + oldStr.length);
        await saveEdit(context, absolute, text, after);
        const line = text.slice(0, first).split("\n").length;
        return `The file ${path} has been edited. Here's the result of running \`cat -n\` on a snippet of ${path}:\n${snippet(after, line, newStr.split("\n").length)}\nReview the changes and make sure they are as expected. Edit the file again if necessary.`;
      }
      case "insert": {
        const line = required(args.insert_line, "insert_line", command);
        const newStr = required(args.new_str, "new_str", command);
        const text = await readExisting(absolute, path);
        const lines = text.split("\n");
        if (line > lines.length)
          throw new ToolError(
            `Invalid \`insert_line\` parameter: ${line}. It should be within the range of lines of the file: [0, ${lines.length}].`,
          );
        const after = [...lines.slice(0, line), ...newStr.split("\n"), ...lines.slice(line)].join("\n");
        await saveEdit(context, absolute, text, after);
        return `The file ${path} has been edited. Here's the result of running \`cat -n\` on a snippet of the edited file:\n${snippet(after, line + 1, newStr.split("\n").length)}\nReview the changes and make sure they are as expected. Edit the file again if necessary.`;
      }
      case "undo_edit": {
        const previous = context.fileHistory.get(absolute)?.pop();
        if (previous === undefined) throw new ToolError(`No edit history found for ${path}.`);
        await writeFile(absolute, previous);
        return `Last edit to ${path} undone successfully. Its content is now:\n${numberLines(previous)}`;
      }
    }
  },
});
