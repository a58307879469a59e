/**
 * Prompt-based tool calling, for models without native tool calling: the tools are described in the
 * system message, earlier calls and results are written as text, and the calls are parsed back out of
 * the model's reply. The syntax is OpenHands' (`fn_call_converter.py`), so prompts written for it and
 * models tuned on it work unchanged:
 *
 *     <function=execute_bash>
 *     <parameter=command>ls -la</parameter>
 *     </function>
 */
import type { ChatMessage, ToolCall, ToolDefinition } from "../llm/messages.ts";
import { textOf } from "../llm/messages.ts";
import type { ParsedAnswer, ToolCallingMode } from "./tool-calling.ts";

type Assistant = Extract<ChatMessage, { role: "assistant" }>;

interface JsonSchemaProperty {
  type?: string | string[];
  description?: string;
  enum?: unknown[];
}

/**
 * Creates a prompt-based mode for one agent. It keeps the converted conversation and converts only the
 * messages appended since the last step, so a step costs its own size, not the history's.
 */
export function createPromptToolCalling(): ToolCallingMode {
  const converted: ChatMessage[] = [];
  const toolNames = new Map<string, string>();
  let convertedUpTo = 0;
  let offered: ToolDefinition[] = [];
  let nextId = 1;

  return {
    name: "prompt",
    // The text carries the calls in the prompt's format: it is shown once parsed, not as it streams.
    showsText: false,
    toRequest(messages, tools) {
      offered = tools;
      if (messages.length < convertedUpTo) {
        converted.length = 0;
        convertedUpTo = 0;
      }
      for (const message of messages.slice(convertedUpTo)) {
        converted.push(toTextMessage(message, tools, toolNames));
      }
      convertedUpTo = messages.length;
      return { messages: [...converted], tools: undefined };
    },
    parse(completion) {
      return parseFunctionCall(completion.text, offered, () => `toolu_${String(nextId++).padStart(2, "0")}`);
    },
  };
}

function toTextMessage(
  message: ChatMessage,
  tools: ToolDefinition[],
  toolNames: Map<string, string>,
): ChatMessage {
  switch (message.role) {
    case "system":
      return { role: "system", content: `${textOf(message.content)}\n\n${describeTools(tools)}` };
    case "assistant": {
      const calls = (message.tool_calls ?? []).map((call) => {
        toolNames.set(call.id, call.function.name);
        return renderCall(call);
      });
      return {
        role: "assistant",
        content: [message.content ?? "", ...calls].filter((part) => part !== "").join("\n"),
      };
    }
    case "tool":
      return {
        role: "user",
        content: `EXECUTION RESULT of [${toolNames.get(message.tool_call_id) ?? "tool"}]:\n${message.content}`,
      };
    default:
      return message;
  }
}

/** The system-message suffix: every tool as a numbered block, then how to call one. */
export function describeTools(tools: readonly ToolDefinition[]): string {
  const blocks = tools.map((tool, index) => {
    const { name, description, parameters } = tool.function;
    const properties = (parameters?.properties ?? {}) as Record<string, JsonSchemaProperty>;
    const required = new Set((parameters?.required ?? []) as string[]);
    const lines = Object.entries(properties).map(([parameter, schema], position) => {
      const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "string");
      const need = required.has(parameter) ? "required" : "optional";
      const allowed =
        schema.enum === undefined ? "" : ` Allowed values: [${schema.enum.map(String).join(", ")}]`;
      return `  (${position + 1}) ${parameter} (${type}, ${need}): ${schema.description ?? ""}${allowed}`;
    });
    return [
      `---- BEGIN FUNCTION #${index + 1}: ${name} ----`,
      `Description: ${description ?? ""}`,
      "Parameters:",
      ...(lines.length > 0 ? lines : ["  No parameters are required for this function."]),
      `---- END FUNCTION #${index + 1} ----`,
    ].join("\n");
  });
  return [
    "You have access to the following functions:",
    "",
    ...blocks,
    "",
    "If you choose to call a function ONLY reply in the following format with NO suffix:",
    "",
    "<function=example_function_name>",
    "<parameter=example_parameter_1>value_1</parameter>",
    "<parameter=example_parameter_2>",
    "This is the value for the second parameter",
    "that can span",
    "multiple lines",
    "</parameter>",
    "</function>",
    "",
    "Reminder:",
    "- Function calls MUST follow the specified format, start with <function= and end with </function>",
    "- Required parameters MUST be specified",
    "- Only call one function at a time",
    "- You may provide optional reasoning for your function call in natural language BEFORE the function call, but NOT after.",
    "- If there is no function call available, answer the question like normal with your current knowledge and do not tell the user about function calls",
  ].join("\n");
}

function renderCall(call: ToolCall): string {
  let args: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(call.function.arguments || "{}");
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed))
      args = parsed as Record<string, unknown>;
  } catch {
    // A call whose arguments were not JSON is rendered without them; its observation said why.
  }
  const parameters = Object.entries(args).map(
    ([name, value]) =>
      `<parameter=${name}>${typeof value === "string" ? value : JSON.stringify(value)}</parameter>`,
  );
  return [`<function=${call.function.name}>`, ...parameters, "</function>"].join("\n");
}

const functionStart = /<function=([^>\s]+)>/g;
const parameterPattern = /<parameter=([^>]+?)>([\s\S]*?)<\/parameter>/g;

/**
 * Reads the one call in a reply. No call: a final answer. A call that cannot be read (unknown function,
 * undeclared parameter, bad value, several calls) comes back as `error`, fed to the model to correct.
 * @example parseFunctionCall("<function=finish>\n<parameter=message>done</parameter>\n</function>", tools, id)
 */
export function parseFunctionCall(
  text: string,
  tools: readonly ToolDefinition[],
  makeId: () => string,
): ParsedAnswer {
  const starts = [...text.matchAll(functionStart)];
  const first = starts[0];
  if (first === undefined) return { message: { role: "assistant", content: text }, calls: [] };
  const before = text.slice(0, first.index).trimEnd();
  const asText = (error: string): ParsedAnswer => ({
    message: { role: "assistant", content: text },
    calls: [],
    error,
  });
  if (starts.length > 1) {
    return asText(
      "Your reply had more than one function call. Call exactly one function per reply, in the <function=...> format.",
    );
  }
  const name = first[1] ?? "";
  const tool = tools.find((candidate) => candidate.function.name === name);
  if (tool === undefined) {
    const known = tools.map((candidate) => candidate.function.name).join(", ");
    return asText(`Function "${name}" does not exist. The functions you can call are: ${known}.`);
  }
  // A stop word or a length cut may have eaten the closing tag: what follows the opening tag is the body.
  const bodyStart = (first.index ?? 0) + first[0].length;
  const end = text.indexOf("</function>", bodyStart);
  const body = text.slice(bodyStart, end === -1 ? undefined : end);
  const properties = (tool.function.parameters?.properties ?? {}) as Record<string, JsonSchemaProperty>;
  const args: Record<string, unknown> = {};
  for (const match of body.matchAll(parameterPattern)) {
    // OpenHands normalises `<parameter=a=b</parameter>`-style slips the same way: the name ends at "=".
    const parameter = (match[1] ?? "").split("=")[0] ?? "";
    const schema = properties[parameter];
    if (schema === undefined) {
      const declared = Object.keys(properties).join(", ") || "none";
      return asText(`Function "${name}" has no parameter "${parameter}". Its parameters are: ${declared}.`);
    }
    const value = coerce(stripOneNewline(match[2] ?? ""), schema);
    if (!value.ok) return asText(`Parameter "${parameter}" of "${name}": ${value.error}`);
    args[parameter] = value.value;
  }
  const message: Assistant = {
    role: "assistant",
    content: before === "" ? null : before,
    tool_calls: [{ id: makeId(), type: "function", function: { name, arguments: JSON.stringify(args) } }],
  };
  return { message, calls: message.tool_calls ?? [] };
}

function stripOneNewline(value: string): string {
  return value.replace(/^\n/, "").replace(/\n$/, "");
}

type Coerced = { ok: true; value: unknown } | { ok: false; error: string };

function coerce(raw: string, schema: JsonSchemaProperty): Coerced {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type ?? "string"];
  if (types.includes("string")) return { ok: true, value: raw };
  if (types.includes("integer") || types.includes("number")) {
    const value = Number(raw.trim());
    const integer = types.includes("integer") && !types.includes("number");
    if (raw.trim() === "" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      return {
        ok: false,
        error: `expected ${integer ? "an integer" : "a number"}, got "${raw.trim().slice(0, 40)}"`,
      };
    }
    return { ok: true, value };
  }
  if (types.includes("boolean")) {
    const word = raw.trim().toLowerCase();
    if (word === "true" || word === "false") return { ok: true, value: word === "true" };
    return { ok: false, error: `expected true or false, got "${raw.trim().slice(0, 40)}"` };
  }
  try {
    return { ok: true, value: JSON.parse(raw) };
  } catch {
    return { ok: false, error: `expected JSON (${types.join(" | ")}), got "${raw.trim().slice(0, 40)}"` };
  }
}
