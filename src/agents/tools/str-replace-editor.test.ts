import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runToolCall } from "../tool-calls.ts";
import { createWorkspace } from "../workspace.ts";
import { strReplaceEditorTool } from "./str-replace-editor.ts";
import type { ToolContext } from "./tool.ts";

const root = mkdtempSync(join(tmpdir(), "llmconf-editor-"));
const context: ToolContext = {
  workspace: createWorkspace(root),
  signal: new AbortController().signal,
  agent: { name: "Test", depth: 0 },
  maxOutputChars: 30_000,
  commandTimeoutMs: 10_000,
  fileHistory: new Map(),
};

function edit(args: Record<string, unknown>) {
  return runToolCall(
    {
      id: "call_1",
      type: "function",
      function: { name: "str_replace_editor", arguments: JSON.stringify(args) },
    },
    [strReplaceEditorTool],
    context,
  );
}

test("create writes a new file and refuses to overwrite one", async () => {
  assert.equal(
    (await edit({ command: "create", path: "dir/new.txt", file_text: "one\ntwo\n" })).content,
    "File created successfully at: dir/new.txt",
  );
  assert.equal(readFileSync(join(root, "dir/new.txt"), "utf8"), "one\ntwo\n");
  const again = await edit({ command: "create", path: "dir/new.txt", file_text: "x" });
  assert.equal(again.error, true);
  assert.match(again.content, /File already exists at: dir\/new\.txt/);
});

test("str_replace needs exactly one occurrence, and undo_edit restores the previous content", async () => {
  writeFileSync(join(root, "a.txt"), "alpha\nbeta\nalpha\n");
  const twice = await edit({ command: "str_replace", path: "a.txt", old_str: "alpha", new_str: "x" });
  assert.match(twice.content, /Multiple occurrences of old_str `alpha` in lines \[1,3\]/);
  const missing = await edit({ command: "str_replace", path: "a.txt", old_str: "gamma" });
  assert.match(missing.content, /did not appear verbatim/);
  const once = await edit({ command: "str_replace", path: "a.txt", old_str: "beta", new_str: "BETA" });
  assert.equal(once.error, false);
  assert.equal(readFileSync(join(root, "a.txt"), "utf8"), "alpha\nBETA\nalpha\n");
  assert.match(once.content, /^ {5}2\tBETA$/m);
  await edit({ command: "undo_edit", path: "a.txt" });
  assert.equal(readFileSync(join(root, "a.txt"), "utf8"), "alpha\nbeta\nalpha\n");
});

test("insert puts text after the given line; view shows line numbers and ranges", async () => {
  writeFileSync(join(root, "b.txt"), "1\n2\n3");
  await edit({ command: "insert", path: "b.txt", insert_line: 1, new_str: "1.5" });
  assert.equal(readFileSync(join(root, "b.txt"), "utf8"), "1\n1.5\n2\n3");
  const view = await edit({ command: "view", path: "b.txt", view_range: [2, 3] });
  assert.equal(
    view.content,
    "Here's the result of running `cat -n` on b.txt (lines 2-3):\n     2\t1.5\n     3\t2",
  );
});

test("bad arguments are error observations naming the problem, not crashes", async () => {
  const noText = await edit({ command: "create", path: "c.txt" });
  assert.equal(noText.content, "ERROR: Parameter `file_text` is required for command: create.");
  const badCommand = await edit({ command: "delete", path: "c.txt" });
  assert.match(badCommand.content, /^ERROR: invalid arguments for str_replace_editor: `command`: /);
  const badJson = await runToolCall(
    { id: "x", type: "function", function: { name: "str_replace_editor", arguments: "{not json" } },
    [strReplaceEditorTool],
    context,
  );
  assert.match(badJson.content, /^ERROR: str_replace_editor: the arguments are not valid JSON/);
  const unknown = await runToolCall(
    { id: "y", type: "function", function: { name: "rm", arguments: "{}" } },
    [strReplaceEditorTool],
    context,
  );
  assert.equal(unknown.content, 'ERROR: unknown tool "rm". The tools available are: str_replace_editor.');
});
