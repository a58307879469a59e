/**
 * AI SDK results → the runtime's answer: text, tool calls in the OpenAI shape, finish reason and usage.
 * Streams are read part by part and each delta is handed on at once (no buffering).
 */
import type {
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
  SharedV3ProviderMetadata,
} from "@ai-sdk/provider";
import type { FinishReason, ToolCall, Usage } from "./messages.ts";

/** What a provider answered, in the runtime's shape. */
export interface Answer {
  text: string;
  toolCalls: ToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  /** The request's stop sequence that ended the answer, when the provider says which (Anthropic does). */
  stopSequence?: string;
}

/** One piece of a streamed answer: text, or a piece of a tool call's arguments. */
export type StreamDelta =
  | { type: "text-delta"; text: string }
  | { type: "tool-call-delta"; index: number; id: string; name: string; argumentsDelta: string };

/** An answer with neither text nor tool calls: retried like a 5xx (OpenHands' LLMNoResponseError). */
export class EmptyAnswerError extends Error {
  override name = "EmptyAnswerError";
}

const finishReasons: Record<LanguageModelV3FinishReason["unified"], FinishReason> = {
  stop: "stop",
  length: "length",
  "content-filter": "content_filter",
  "tool-calls": "tool_calls",
  error: "error",
  other: "other",
};

/** Converts AI SDK usage; input counts every prompt token, cached ones included. */
export function toUsage(usage: LanguageModelV3Usage | undefined): Usage {
  const cacheRead = usage?.inputTokens.cacheRead ?? 0;
  const cacheWrite = usage?.inputTokens.cacheWrite ?? 0;
  const input = usage?.inputTokens.total ?? (usage?.inputTokens.noCache ?? 0) + cacheRead + cacheWrite;
  return {
    input_tokens: input,
    output_tokens: usage?.outputTokens.total ?? 0,
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
  };
}

function toFinishReason(reason: LanguageModelV3FinishReason | undefined): FinishReason {
  return reason === undefined ? "other" : finishReasons[reason.unified];
}

/** The AI SDK finish reason of a runtime one (the inverse of the table above); `raw` keeps ours. */
export function toSdkFinishReason(reason: FinishReason): LanguageModelV3FinishReason {
  const entry = Object.entries(finishReasons).find(([, ours]) => ours === reason);
  return { unified: (entry?.[0] ?? "other") as LanguageModelV3FinishReason["unified"], raw: reason };
}

/** The stop sequence a provider reports in its metadata (Anthropic's `stop_sequence`). */
function stopSequenceOf(metadata: SharedV3ProviderMetadata | undefined): { stopSequence?: string } {
  const stopSequence = metadata?.anthropic?.stopSequence;
  return typeof stopSequence === "string" ? { stopSequence } : {};
}

function checkNotEmpty(answer: Answer): Answer {
  if (answer.text === "" && answer.toolCalls.length === 0 && answer.finishReason !== "length") {
    throw new EmptyAnswerError("the provider answered with no text and no tool calls");
  }
  return answer;
}

/** Reads a `doGenerate` result. */
export function readGenerateResult(result: LanguageModelV3GenerateResult): Answer {
  let text = "";
  const toolCalls: ToolCall[] = [];
  for (const part of result.content) {
    if (part.type === "text") text += part.text;
    else if (part.type === "tool-call") {
      toolCalls.push({
        id: part.toolCallId,
        type: "function",
        function: { name: part.toolName, arguments: part.input },
      });
    }
  }
  return checkNotEmpty({
    text,
    toolCalls,
    finishReason: toFinishReason(result.finishReason),
    usage: toUsage(result.usage),
    ...stopSequenceOf(result.providerMetadata),
  });
}

/**
 * Reads a `doStream` stream to its end, calling `onDelta` for each delta as it arrives and `onPart`
 * for every part first (the idle timeout restarts there; it may throw to stop reading).
 */
export async function readStream(
  stream: ReadableStream<LanguageModelV3StreamPart>,
  onDelta: (delta: StreamDelta) => void,
  onPart: (part: LanguageModelV3StreamPart) => void,
): Promise<Answer> {
  let text = "";
  const calls = new Map<string, { index: number; name: string; arguments: string; done: boolean }>();
  let usage: LanguageModelV3Usage | undefined;
  let finish: LanguageModelV3FinishReason | undefined;
  let metadata: SharedV3ProviderMetadata | undefined;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value: part } = await reader.read();
      if (done) break;
      onPart(part);
      switch (part.type) {
        case "text-delta":
          if (part.delta === "") break;
          text += part.delta;
          onDelta({ type: "text-delta", text: part.delta });
          break;
        case "tool-input-start":
          calls.set(part.id, { index: calls.size, name: part.toolName, arguments: "", done: false });
          break;
        case "tool-input-delta": {
          const call = calls.get(part.id);
          if (call === undefined) break;
          call.arguments += part.delta;
          onDelta({
            type: "tool-call-delta",
            index: call.index,
            id: part.id,
            name: call.name,
            argumentsDelta: part.delta,
          });
          break;
        }
        case "tool-call": {
          const call = calls.get(part.toolCallId);
          if (call === undefined) {
            // A provider that sends whole calls without input deltas: the call is one delta.
            const index = calls.size;
            calls.set(part.toolCallId, { index, name: part.toolName, arguments: part.input, done: true });
            onDelta({
              type: "tool-call-delta",
              index,
              id: part.toolCallId,
              name: part.toolName,
              argumentsDelta: part.input,
            });
          } else {
            call.arguments = part.input;
            call.done = true;
          }
          break;
        }
        case "finish":
          usage = part.usage;
          finish = part.finishReason;
          metadata = part.providerMetadata;
          break;
        case "error":
          throw part.error;
        default:
          break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  if (finish === undefined) throw new Error("terminated: the stream ended before its finish event");
  const toolCalls: ToolCall[] = [...calls.entries()].map(([id, call]) => ({
    id,
    type: "function",
    function: { name: call.name, arguments: call.arguments },
  }));
  return checkNotEmpty({
    text,
    toolCalls,
    finishReason: toFinishReason(finish),
    usage: toUsage(usage),
    ...stopSequenceOf(metadata),
  });
}
