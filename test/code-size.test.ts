// The tree's size habits as a test: no source file over 400 lines and no function over 100 (CONTRIBUTING). A factory's
// closure counts as one function, so a long factory is split into named helpers rather than hidden inside one.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import ts from "typescript";

const MAX_FILE_LINES = 400;
const MAX_FUNCTION_LINES = 100;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts"))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

function lineCount(text: string): number {
  return text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length;
}

function functionName(node: ts.Node): string {
  const named = (node as { name?: ts.Node }).name;
  if (named !== undefined) return named.getText();
  if (ts.isVariableDeclaration(node.parent) || ts.isPropertyAssignment(node.parent))
    return node.parent.name.getText();
  return "<anonymous>";
}

/** Every function, method and arrow function longer than the limit, as `file:line name (N lines)`. */
function longFunctions(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > MAX_FUNCTION_LINES)
        found.push(`${file}:${first + 1} ${functionName(node)} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const files = [...sourceFiles("src"), ...sourceFiles("scripts"), ...sourceFiles("bench")];

test(`no source file is over ${MAX_FILE_LINES} lines`, () => {
  const long = files
    .map((file) => ({ file, lines: lineCount(readFileSync(file, "utf8")) }))
    .filter(({ lines }) => lines > MAX_FILE_LINES)
    .map(({ file, lines }) => `${file} (${lines} lines)`);
  assert.deepEqual(long, [], "split these files by concern");
});

test(`no function is over ${MAX_FUNCTION_LINES} lines`, () => {
  const long = files.flatMap((file) => longFunctions(file, readFileSync(file, "utf8")));
  assert.deepEqual(long, [], "split these functions into named steps");
});
