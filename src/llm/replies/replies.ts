/**
 * The reply logic shared by the fake upstream server and the `mock/` provider: what is said, with which
 * tool calls, and how many tokens it is said to cost. Wire formats live elsewhere.
 */
import type { FinishReason, Usage } from "../messages.ts";
import { estimateTokens } from "../tokens.ts";
import type { ReplyBehaviour } from "./behaviours.ts";

/** What a reply needs to know about a request, whatever wire it arrived on. */
export interface Conversation {
  model: string;
  /** The text of the last user message that has text; tool-result-only messages are skipped. */
  lastUserText: string;
  /** All prompt text (system, messages, tool arguments and results) joined, for the token estimate. */
  promptText: string;
}

/** A tool call with its id decided and its arguments as JSON text. */
export interface ResolvedToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A reply with every default filled in, ready to be rendered on a wire. */
export interface ResolvedReply {
  text: string;
  toolCalls: ResolvedToolCall[];
  finishReason: FinishReason;
  /** The stop sequence that ended the answer, when one did. */
  stopSequence?: string;
  /** `input_tokens` includes cached tokens (OpenAI's convention); the Anthropic wire subtracts them. */
  usage: Usage;
}

/** The default reply text: `echo: <last user text>`. */
export function formatEcho(conversation: Conversation): string {
  return `echo: ${conversation.lastUserText}`;
}

/**
 * Fills in a scripted reply (or the default echo when there is none) for one request.
 * `sequence` numbers the request so generated tool call ids are unique across a conversation.
 */
export function resolveReply(
  behaviour: ReplyBehaviour | undefined,
  conversation: Conversation,
  sequence: number,
  toolCallIdPrefix = "call_",
): ResolvedReply {
  const toolCalls = (behaviour?.toolCalls ?? []).map((call, index) => ({
    id: call.id ?? `${toolCallIdPrefix}${sequence}_${index}`,
    name: call.name,
    arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {}),
  }));
  const text = behaviour?.text ?? (toolCalls.length > 0 ? "" : formatEcho(conversation));
  const outputText = text + toolCalls.map((call) => call.name + call.arguments).join("");
  return {
    text,
    toolCalls,
    finishReason: behaviour?.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop"),
    usage: {
      input_tokens: estimateTokens(conversation.promptText),
      output_tokens: estimateTokens(outputText),
      cache_read_tokens: 0,
      cache_write_tokens: 0,
      ...behaviour?.usage,
    },
    ...(behaviour?.stopSequence === undefined ? {} : { stopSequence: behaviour.stopSequence }),
  };
}

/** Splits reply text into word-sized stream pieces (each word keeps its trailing whitespace). */
export function splitTextIntoPieces(text: string): string[] {
  return text.match(/\s*\S+\s*/g) ?? (text === "" ? [] : [text]);
}

/** Splits tool arguments into small pieces so clients must reassemble partial JSON, as with real APIs. */
export function splitArgumentsIntoPieces(argumentsText: string, size = 8): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < argumentsText.length; start += size) {
    pieces.push(argumentsText.slice(start, start + size));
  }
  return pieces;
}
