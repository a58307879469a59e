import assert from "node:assert/strict";
import { test } from "node:test";
import type { Completion } from "../llm/client.ts";
import type { ChatMessage, ToolDefinition } from "../llm/messages.ts";
import { createPromptToolCalling, describeTools, parseFunctionCall } from "./prompt-tool-calling.ts";

const tools: ToolDefinition[] = [
  {
    type: "function",
    function: {
      name: "execute_bash",
      description: "Run a command.",
      parameters: {
        type: "object",
        properties: {
          command: { type: "string", description: "The command." },
          timeout: { type: "integer" },
        },
        required: ["command"],
      },
    },
  },
  {
    type: "function",
    function: {
      name: "str_replace_editor",
      description: "Edit files.",
      parameters: {
        type: "object",
        properties: {
          command: { type: "string", enum: ["view", "create"] },
          path: { type: "string" },
          view_range: { type: "array", items: { type: "integer" } },
        },
        required: ["command", "path"],
      },
    },
  },
];
let ids = 0;
const makeId = () => `toolu_${++ids}`;

test("a call in OpenHands' syntax becomes a tool call with typed arguments and the text before it as content", () => {
  const answer = parseFunctionCall(
    "Let me look.\n<function=str_replace_editor>\n<parameter=command>view</parameter>\n<parameter=path>src/a.ts</parameter>\n<parameter=view_range>[1, 20]</parameter>\n</function>",
    tools,
    makeId,
  );
  assert.ok(!("error" in answer));
  assert.equal(answer.message.content, "Let me look.");
  assert.equal(answer.calls.length, 1);
  assert.equal(answer.calls[0]?.function.name, "str_replace_editor");
  assert.deepEqual(JSON.parse(answer.calls[0]?.function.arguments ?? ""), {
    command: "view",
    path: "src/a.ts",
    view_range: [1, 20],
  });
});

test("a multi-line parameter keeps its lines; an integer parameter is a number; a missing closing tag is repaired", () => {
  const answer = parseFunctionCall(
    "<function=execute_bash>\n<parameter=command>\nset -e\nls\n</parameter>\n<parameter=timeout>30</parameter>\n",
    tools,
    makeId,
  );
  assert.deepEqual(JSON.parse(answer.calls[0]?.function.arguments ?? ""), {
    command: "set -e\nls",
    timeout: 30,
  });
});

test("a reply without a call is a final answer", () => {
  const answer = parseFunctionCall("All done: the tests pass.", tools, makeId);
  assert.deepEqual(answer.calls, []);
  assert.ok(!("error" in answer));
  assert.equal(answer.message.content, "All done: the tests pass.");
});

test("replies that cannot be read are errors for the model, naming what is wrong", () => {
  const cases: [string, RegExp][] = [
    ["<function=rm_rf>\n</function>", /"rm_rf" does not exist.*execute_bash, str_replace_editor/],
    [
      "<function=execute_bash>\n<parameter=cmd>ls</parameter>\n</function>",
      /no parameter "cmd".*command, timeout/,
    ],
    [
      "<function=execute_bash>\n<parameter=command>ls</parameter>\n<parameter=timeout>soon</parameter>\n</function>",
      /expected an integer/,
    ],
    [
      "<function=execute_bash>\n</function>\n<function=execute_bash>\n</function>",
      /more than one function call/,
    ],
  ];
  for (const [text, expected] of cases) {
    const answer = parseFunctionCall(text, tools, makeId);
    assert.ok("error" in answer, text);
    assert.match(answer.error, expected);
    assert.deepEqual(answer.calls, []);
  }
});

test("the request carries no tools: they are described in the system message, and earlier calls and results are text", () => {
  const mode = createPromptToolCalling();
  const messages: ChatMessage[] = [
    { role: "system", content: "You are an agent." },
    { role: "user", content: "List the files." },
  ];
  const first = mode.toRequest(messages, tools);
  assert.equal(first.tools, undefined);
  assert.match(
    String(first.messages[0]?.content),
    /^You are an agent\.\n\nYou have access to the following functions/,
  );
  assert.match(
    String(first.messages[0]?.content),
    /BEGIN FUNCTION #1: execute_bash[\s\S]*\(1\) command \(string, required\): The command\./,
  );

  const answer = mode.parse({
    text: "<function=execute_bash>\n<parameter=command>ls</parameter>\n</function>",
  } as Completion);
  const id = answer.calls[0]?.id ?? "";
  messages.push(answer.message, { role: "tool", tool_call_id: id, content: "a.txt" });
  const second = mode.toRequest(messages, tools);
  assert.deepEqual(second.messages.slice(2), [
    { role: "assistant", content: "<function=execute_bash>\n<parameter=command>ls</parameter>\n</function>" },
    { role: "user", content: "EXECUTION RESULT of [execute_bash]:\na.txt" },
  ]);
  // Earlier messages are converted once, not again at every step.
  assert.equal(second.messages[0], mode.toRequest(messages, tools).messages[0]);
});

test("tool descriptions list each parameter's type, whether it is required, and its allowed values", () => {
  const text = describeTools(tools);
  assert.match(text, /\(1\) command \(string, required\): {2}Allowed values: \[view, create\]/);
  assert.match(text, /\(3\) view_range \(array, optional\)/);
});
