/**
 * JSON answers on every provider: a JSON Schema goes to the provider as a structured-output request
 * where its AI SDK package sends one; elsewhere (OpenAI-compatible servers, mock models) the request asks
 * for plain JSON mode and the schema travels as an instruction in the system message.
 */

import type { ResponseFormat } from "./completion.ts";
import type { ChatMessage } from "./messages.ts";
import { textOf } from "./messages.ts";
import type { ProviderModel } from "./providers/registry.ts";

/**
 * Whether the provider package sends a response schema itself. `@ai-sdk/openai-compatible` sends only
 * `json_object` unless told the server has structured outputs, which llmconf cannot know of a base URL.
 */
export function sendsResponseSchema(target: Pick<ProviderModel, "provider" | "openAiCompatible">): boolean {
  return !target.openAiCompatible && target.provider !== "mock";
}

/** The instruction that carries a schema to a model that cannot be sent one. */
export function formatJsonInstruction(format: Extract<ResponseFormat, { type: "json" }>): string {
  const about = [format.name, format.description].filter(Boolean).join(": ");
  const lines = ["Answer with a single JSON value and nothing else: no prose, no code fences."];
  if (about !== "") lines.push(`It describes ${about}.`);
  if (format.schema !== undefined)
    lines.push(`It must match this JSON Schema:\n${JSON.stringify(format.schema)}`);
  return lines.join("\n");
}

/** The messages with the JSON instruction appended to the leading system message (or a new one). */
export function withJsonInstruction(
  messages: readonly ChatMessage[],
  format: Extract<ResponseFormat, { type: "json" }>,
): ChatMessage[] {
  const instruction = formatJsonInstruction(format);
  const [first, ...rest] = messages;
  if (first?.role === "system") {
    return [{ role: "system", content: `${textOf(first.content)}\n\n${instruction}` }, ...rest];
  }
  return [{ role: "system", content: instruction }, ...messages];
}
