import assert from "node:assert/strict";
import { test } from "node:test";
import { escapeControl, formatJson, formatTable } from "./output.ts";

test("escapeControl shows every character a terminal acts on as an escape, and leaves the rest", () => {
  const cases: [string, string][] = [
    ["plain név ✓ 😀", "plain név ✓ 😀"],
    ["\u001b[2J", "\\x1b[2J"],
    ["\u001b]0;title\u0007", "\\x1b]0;title\\x07"],
    ["a\nb\tc\rd", "a\\nb\\tc\\rd"],
    ["\u009b31m\u007f", "\\x9b31m\\x7f"],
    ["\u202eevil\u2066\u2028", "\\u202eevil\\u2066\\u2028"],
    ["\u0000", "\\x00"],
  ];
  for (const [text, shown] of cases) assert.equal(escapeControl(text), shown, JSON.stringify(text));
});

test("formatJson escapes what JSON leaves raw, and parses back to the same data", () => {
  const data = { "name\u001b": "\u009b2J\u202e\u2028x", n: 1 };
  const text = formatJson(data);
  for (const char of ["\u001b", "\u009b", "\u202e", "\u2028"]) assert.ok(!text.includes(char));
  assert.deepEqual(JSON.parse(text), data);
});

test("formatTable pads by the escaped text, so a control character cannot skew or break the columns", () => {
  const table = formatTable(
    ["name", "value"],
    [
      ["a\u001b", "x"],
      ["bb", "y\nz"],
    ],
  );
  assert.equal(table, "name   value\n-----  -----\na\\x1b  x\nbb     y\\nz");
});
