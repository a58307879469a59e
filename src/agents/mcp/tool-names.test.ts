import assert from "node:assert/strict";
import { test } from "node:test";
import { assignToolNames, MAX_TOOL_NAME, toValidToolName } from "./tool-names.ts";

test("tools with unique valid names keep them", () => {
  assert.deepEqual(
    assignToolNames(
      [
        { server: "a", tool: "search" },
        { server: "b", tool: "fetch-page" },
      ],
      ["execute_bash"],
    ),
    ["search", "fetch-page"],
  );
});

test("a name two servers share is qualified with each server's name", () => {
  assert.deepEqual(
    assignToolNames(
      [
        { server: "github", tool: "search" },
        { server: "jira", tool: "search" },
        { server: "jira", tool: "create" },
      ],
      [],
    ),
    ["github__search", "jira__search", "create"],
  );
});

test("a tool named like a built-in tool is qualified and the built-in keeps its name", () => {
  assert.deepEqual(assignToolNames([{ server: "notes", tool: "think" }], ["think", "finish"]), [
    "notes__think",
  ]);
});

test("characters providers refuse become underscores and long names are cut to 64", () => {
  assert.equal(toValidToolName("files.read/v2"), "files_read_v2");
  assert.equal(toValidToolName(""), "tool");
  assert.equal(toValidToolName("x".repeat(130)).length, MAX_TOOL_NAME);
  for (const name of assignToolNames([{ server: "s", tool: "é".repeat(200) }], [])) {
    assert.match(name, /^[a-zA-Z0-9_-]{1,64}$/);
  }
});

test("names that still clash after qualifying are numbered, and never take another tool's own name", () => {
  const names = assignToolNames(
    [
      { server: "a", tool: "x.y" },
      { server: "a", tool: "x/y" },
      { server: "b", tool: "a__x_y" },
    ],
    [],
  );
  assert.deepEqual(names, ["a__x_y_2", "a__x_y_3", "a__x_y"]);
  assert.equal(new Set(names).size, names.length);
});

test("two servers with the same long tool name get distinct names within 64 characters", () => {
  const long = "t".repeat(70);
  const names = assignToolNames(
    [
      { server: "same", tool: long },
      { server: "same", tool: long },
    ],
    [],
  );
  assert.equal(new Set(names).size, 2);
  for (const name of names) assert.ok(name.length <= MAX_TOOL_NAME, name);
});
