import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { parse } from "smol-toml";
import { parseTOML } from "toml-eslint-parser";
import { type Position, pathKey, scanKeyPositions } from "./key-positions.ts";

// The reference: positions as a full TOML parser's syntax tree gives them (toml-eslint-parser, the
// library this scanner replaced; kept as a dev dependency to compare against).
interface AstNode {
  type: string;
  loc: { start: { line: number; column: number } };
  resolvedKey?: (string | number)[];
  key?: { keys: { name?: string; value?: string }[] };
  value?: AstNode;
  body?: AstNode[];
  elements?: AstNode[];
}

function referencePositions(text: string): Map<string, Position> {
  const into = new Map<string, Position>();
  const at = (node: AstNode) => ({ line: node.loc.start.line, column: node.loc.start.column + 1 });
  const setOnce = (path: readonly (string | number)[], position: Position) => {
    if (!into.has(pathKey(path))) into.set(pathKey(path), position);
  };
  const visitValue = (value: AstNode, path: readonly (string | number)[]) => {
    if (value.type === "TOMLInlineTable") visit(value.body ?? [], path);
    if (value.type === "TOMLArray") {
      (value.elements ?? []).forEach((element, index) => {
        into.set(pathKey([...path, index]), at(element));
        visitValue(element, [...path, index]);
      });
    }
  };
  const visit = (nodes: readonly AstNode[], prefix: readonly (string | number)[]) => {
    for (const node of nodes) {
      if (node.type === "TOMLTable") {
        setOnce(node.resolvedKey ?? [], at(node));
        visit(node.body ?? [], node.resolvedKey ?? []);
      } else if (node.type === "TOMLKeyValue" && node.key) {
        const path = [...prefix, ...node.key.keys.map((part) => part.name ?? part.value ?? "")];
        for (let depth = prefix.length + 1; depth <= path.length; depth++)
          setOnce(path.slice(0, depth), at(node));
        if (node.value) visitValue(node.value, path);
      }
    }
  };
  const ast = parseTOML(text) as unknown as { body: AstNode[] };
  for (const table of ast.body) visit(table.body ?? [], []);
  return into;
}

const TRICKY = [
  '# comment [not.a.table]\n[llm]\nmodel = "gpt-4o" # trailing "quote\n',
  '[llm.gpt3]\n"quoted key" = 1\n"esc\\"aped\\u00e9" = 2\n\'literal.key\' = 3\na . b . "c.d" = 4\n',
  'text = """\n[llm.fake]\nmodel = "no"\n"""\nafter = 1\nlit = \'\'\'\n[x]\n\'\'\'\nlast = 2\n',
  "quotes = \"\"\"a\"\"\"\"\" \nnext = 1\nlq = '''b'''''\nnext2 = 2\n",
  'esc = """line \\\n   continued \\""" still"""\nx = 1\n',
  '[[mcp.stdio_servers]]\nname = "a"\n[[mcp.stdio_servers]]\nname = "b"\nenv = { TOKEN = "t" }\n',
  "[[fruits]]\nname = 1\n[fruits.physical]\ncolor = 2\n[[fruits.varieties]]\nn = 1\n[[fruits]]\n[[fruits.varieties]]\nn = 2\n",
  "d = 1979-05-27 07:32:00Z\narr = [1979-05-27 07:32:00Z, 2]\nt = { a = 1979-05-27 07:32:00Z, b = 2 }\n",
  '[llm]\r\nmodel = "x"\r\nnum_retries = 2\r\n',
  "a = [ [1, 2], [ {x = 1}, {y = [3, {z = 4}]} ],\n  # comment, ]\n  5,\n]\nb = {c = {d = {e = 1}}}\n",
  '\t[ llm . \'x y\' ]  # header with spaces\n\tmodel = \'m\'\n[agent]\ncondenser = { type = "llm", llm_config = { model = "m", api_key = "k" } }\n',
  'k = "\\U0001F600 emoji 😀" # 😀\nafter = "😀😀"\nlast = 1\n',
  "empty = []\nempty_table = {}\ns = ''\nt = \"\"\nnum = 0x1F\nf = +inf\ng = nan\n",
];

test("the scanner finds the same key positions as a full TOML parser, for every tricky construct", () => {
  for (const text of TRICKY) {
    parse(text); // only valid TOML reaches the scanner
    assert.deepEqual(scanKeyPositions(text), referencePositions(text), text);
  }
});

test("the scanner finds the same key positions as a full TOML parser in every example and fixture", () => {
  const root = resolve(import.meta.dirname, "../..");
  const folders = ["examples", "test/fixtures/diagnostics", "test/fixtures/schema"];
  let compared = 0;
  for (const folder of folders) {
    for (const name of readdirSync(join(root, folder)).filter((file) => file.endsWith(".toml"))) {
      const text = readFileSync(join(root, folder, name), "utf8");
      try {
        parse(text);
      } catch {
        continue; // syntax errors are located by smol-toml, never scanned
      }
      assert.deepEqual(scanKeyPositions(text), referencePositions(text), name);
      compared++;
    }
  }
  assert.ok(compared >= 20, `compared ${compared} files`);
});

test("strings, numbers and keys of any size are scanned without overflowing the call stack", () => {
  const big = 2_000_000;
  const text = `[llm]\nmodel = "${"a".repeat(big)}"\n"${"k".repeat(big)}" = 1\nf = 1.${"0".repeat(big)}\nm = """\n${"x\n".repeat(big / 4)}"""\nafter = 1\n`;
  const positions = scanKeyPositions(text);
  assert.deepEqual(positions.get(pathKey(["llm", "model"])), { line: 2, column: 1 });
  assert.deepEqual(positions.get(pathKey(["llm", "k".repeat(big)])), { line: 3, column: 1 });
  assert.deepEqual(positions.get(pathKey(["llm", "after"])), { line: 7 + big / 4, column: 1 });
});
