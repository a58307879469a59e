/**
 * Reply scripts: JSON files that list what the fake upstream (or a `mock/script` model) answers, one
 * entry per request, in order.
 *
 * The file holds a JSON array; each entry is one of:
 * - a reply: `{ "text"?: string, "toolCalls"?: [{ "name": string, "arguments"?: object | string,
 *   "id"?: string }], "finishReason"?: "stop" | "length" | "tool_calls" | "content_filter" | "error" |
 *   "other", "usage"?: { "input_tokens"?, "output_tokens"?, "cache_read_tokens"?, "cache_write_tokens"? } }`
 *   (`{}` echoes the last user text);
 * - an HTTP error: `{ "status": 429, "headers"?: { "retry-after": "1" }, "body"?: any, "message"?: string,
 *   "code"?: string, "echoCredential"?: boolean }`;
 * - a fault: `{ "fault": "reset" }`, `{ "fault": "stall", "ms"?: number }`,
 *   `{ "fault": "cut-stream" | "stall-stream", "afterEvents"?: number, "text"?: string }`,
 *   `{ "fault": "endless-stream", "text"?: string, "ms"?: number }`,
 *   `{ "fault": "raw-body", "body": string, "contentType"?: string }` or `{ "fault": "empty-choices" }`.
 *
 * @example
 * [
 *   { "toolCalls": [{ "name": "read_file", "arguments": { "path": "README.md" } }] },
 *   { "status": 429, "headers": { "retry-after-ms": "200" } },
 *   { "text": "Done." }
 * ]
 */
import { readFileSync } from "node:fs";
import type { Behaviour, FaultBehaviour } from "./behaviours.ts";
import { isJsonObject } from "./behaviours.ts";

const finishReasons = new Set(["stop", "length", "tool_calls", "content_filter", "error", "other"]);
const usageKeys = new Set(["input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens"]);
const faultKeys: Record<FaultBehaviour["fault"], Set<string>> = {
  reset: new Set(),
  stall: new Set(["ms"]),
  "cut-stream": new Set(["afterEvents", "text"]),
  "stall-stream": new Set(["afterEvents", "text"]),
  "endless-stream": new Set(["text", "ms"]),
  "raw-body": new Set(["body", "contentType"]),
  "empty-choices": new Set(),
};

/** Parses the text of a reply script into behaviours; throws one error naming every bad entry. */
export function parseReplyScript(jsonText: string, source = "reply script"): Behaviour[] {
  let value: unknown;
  try {
    value = JSON.parse(jsonText);
  } catch (error) {
    throw new Error(`${source}: not valid JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value)) throw new Error(`${source}: expected a JSON array of replies`);
  const problems = value.flatMap((entry: unknown, index) =>
    findEntryProblems(entry).map((problem) => `${source}: entry ${index}: ${problem}`),
  );
  if (problems.length > 0) throw new Error(problems.join("\n"));
  return value as Behaviour[];
}

/** Reads and parses a reply script file. */
export function readReplyScript(file: string): Behaviour[] {
  return parseReplyScript(readFileSync(file, "utf8"), file);
}

function findEntryProblems(entry: unknown): string[] {
  if (!isJsonObject(entry)) return ["expected an object"];
  if ("fault" in entry) return findFaultProblems(entry);
  if ("status" in entry) return findErrorProblems(entry);
  return findReplyProblems(entry);
}

function findFaultProblems(entry: Record<string, unknown>): string[] {
  const allowed = faultKeys[entry.fault as FaultBehaviour["fault"]];
  if (typeof entry.fault !== "string" || allowed === undefined) {
    return [
      `unknown fault ${JSON.stringify(entry.fault)}; expected one of ${Object.keys(faultKeys).join(", ")}`,
    ];
  }
  const problems = findUnknownKeys(entry, new Set(["fault", ...allowed]));
  for (const key of ["ms", "afterEvents"]) {
    if (key in entry && !isNonNegativeNumber(entry[key])) problems.push(`"${key}" must be a number >= 0`);
  }
  for (const key of ["text", "contentType"]) {
    if (key in entry && typeof entry[key] !== "string") problems.push(`"${key}" must be a string`);
  }
  if (entry.fault === "raw-body" && typeof entry.body !== "string") problems.push(`"body" must be a string`);
  return problems;
}

function findErrorProblems(entry: Record<string, unknown>): string[] {
  const problems = findUnknownKeys(
    entry,
    new Set(["status", "headers", "body", "message", "code", "echoCredential"]),
  );
  const status = entry.status;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 400 || status > 599) {
    problems.push(`"status" must be an HTTP error status (400-599)`);
  }
  if ("headers" in entry) {
    const headers = entry.headers;
    if (!isJsonObject(headers) || !Object.values(headers).every((value) => typeof value === "string")) {
      problems.push(`"headers" must map header names to strings`);
    }
  }
  if ("echoCredential" in entry && typeof entry.echoCredential !== "boolean")
    problems.push(`"echoCredential" must be true or false`);
  for (const key of ["message", "code"]) {
    if (key in entry && typeof entry[key] !== "string") problems.push(`"${key}" must be a string`);
  }
  return problems;
}

function findReplyProblems(entry: Record<string, unknown>): string[] {
  const problems = findUnknownKeys(entry, new Set(["text", "toolCalls", "finishReason", "usage"]));
  if ("text" in entry && typeof entry.text !== "string") problems.push(`"text" must be a string`);
  if ("finishReason" in entry && !finishReasons.has(entry.finishReason as string)) {
    problems.push(`"finishReason" must be one of ${[...finishReasons].join(", ")}`);
  }
  if ("toolCalls" in entry) {
    if (!Array.isArray(entry.toolCalls)) problems.push(`"toolCalls" must be an array`);
    else
      problems.push(...entry.toolCalls.flatMap((call: unknown, index) => findToolCallProblems(call, index)));
  }
  if ("usage" in entry) {
    const usage = entry.usage;
    const valid =
      isJsonObject(usage) &&
      Object.entries(usage).every(([key, value]) => usageKeys.has(key) && isNonNegativeNumber(value));
    if (!valid) problems.push(`"usage" may only set ${[...usageKeys].join(", ")} to numbers >= 0`);
  }
  return problems;
}

function findToolCallProblems(call: unknown, index: number): string[] {
  if (!isJsonObject(call)) return [`toolCalls[${index}] must be an object`];
  const problems = findUnknownKeys(call, new Set(["name", "arguments", "id"])).map(
    (problem) => `toolCalls[${index}]: ${problem}`,
  );
  if (typeof call.name !== "string" || call.name === "") problems.push(`toolCalls[${index}] needs a "name"`);
  if ("arguments" in call && typeof call.arguments !== "string" && !isJsonObject(call.arguments)) {
    problems.push(`toolCalls[${index}].arguments must be an object or a JSON string`);
  }
  if ("id" in call && typeof call.id !== "string") problems.push(`toolCalls[${index}].id must be a string`);
  return problems;
}

function findUnknownKeys(entry: Record<string, unknown>, allowed: Set<string>): string[] {
  return Object.keys(entry)
    .filter((key) => !allowed.has(key))
    .map((key) => `unknown key "${key}"; expected ${[...allowed].map((name) => `"${name}"`).join(", ")}`);
}

function isNonNegativeNumber(value: unknown): boolean {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}
