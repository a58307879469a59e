/**
 * `log_completions`: one JSON file per answered call in `log_completions_folder`, named like OpenHands'
 * (`<model with / as __>-<unix seconds>.json`). Holds what was asked and answered, never a secret or a
 * header: the config itself is not written, and any secret value that still appears is masked.
 */
import { randomUUID } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { redactSecrets } from "../config/secrets.ts";
import type { Completion } from "./completion.ts";
import type { ChatMessage, FinishReason, ToolCall, ToolDefinition, Usage } from "./messages.ts";

/** What one log file holds. */
export interface CompletionLogRecord {
  config: string;
  model: string;
  messages: ChatMessage[];
  tools?: ToolDefinition[] | undefined;
  response: { text: string; tool_calls: ToolCall[]; finish_reason: FinishReason };
  usage: Usage;
  cost: { usd: number | null; source: string };
  latency_ms: number;
  attempts: number;
  /** Unix time in seconds when the answer arrived. */
  timestamp: number;
  notes?: string[] | undefined;
}

/**
 * The record of an answered call: what was sent (the messages after truncation, the tools) and what
 * came back, with its usage, cost and timing.
 * @example toCompletionLogRecord(completion, messages, tools, Date.now() / 1000)
 */
export function toCompletionLogRecord(
  completion: Completion,
  messages: ChatMessage[],
  tools: ToolDefinition[] | undefined,
  timestamp: number,
): CompletionLogRecord {
  return {
    config: completion.configName,
    model: completion.model,
    messages,
    tools,
    response: {
      text: completion.text,
      tool_calls: completion.toolCalls,
      finish_reason: completion.finishReason,
    },
    usage: completion.usage,
    cost: completion.cost,
    latency_ms: completion.latencyMs,
    attempts: completion.attempts,
    timestamp,
    notes: completion.notes.length > 0 ? completion.notes : undefined,
  };
}

/** The file name of a log record: OpenHands' pattern, plus a short random suffix against collisions. */
export function formatCompletionLogName(model: string, timestamp: number): string {
  return `${model.replaceAll("/", "__")}-${timestamp.toFixed(3)}-${randomUUID().slice(0, 8)}.json`;
}

/**
 * Writes one record into the folder (created when missing) and returns the file path.
 * @example await writeCompletionLog("logs/completions", record, [apiKey]);
 */
export async function writeCompletionLog(
  folder: string,
  record: CompletionLogRecord,
  secrets: readonly string[],
): Promise<string> {
  await mkdir(folder, { recursive: true });
  const file = join(folder, formatCompletionLogName(record.model, record.timestamp));
  await writeFile(file, `${redactSecrets(JSON.stringify(record, null, 2), secrets)}\n`, "utf8");
  return file;
}
