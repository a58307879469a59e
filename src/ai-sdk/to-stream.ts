/**
 * A runtime stream → the AI SDK's stream parts: `stream-start`, `text-start/delta/end`,
 * `tool-input-start/delta/end` and `tool-call`, then `finish` with usage and `providerMetadata.llmconf`.
 * Each delta is handed on the moment the runtime delivers it; nothing is collected first.
 */
import type {
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  SharedV3Warning,
} from "@ai-sdk/provider";
import type { Completion, LlmStream, StreamDelta } from "../llm/index.ts";
import { toFinishReason, toProviderMetadata, toUsage } from "./to-result.ts";

type Controller = ReadableStreamDefaultController<LanguageModelV3StreamPart>;

const textId = "text-0";

/**
 * Waits for the first delta, then streams the rest. Retries and fallbacks all happen before the first
 * delta (the runtime never retries a stream that has delivered text), so a call that fails outright
 * rejects here, as an HTTP error of any other provider would, instead of becoming a stream error part.
 */
export async function toStreamResult(
  stream: LlmStream,
  warnings: readonly SharedV3Warning[],
  cancel: () => void,
): Promise<LanguageModelV3StreamResult> {
  const iterator = stream[Symbol.asyncIterator]();
  let ahead: IteratorResult<StreamDelta> | undefined = await iterator.next();
  let textOpen = false;
  const openInputs = new Set<string>();

  const emit = (controller: Controller, delta: StreamDelta) => {
    if (delta.type === "text-delta") {
      if (!textOpen) controller.enqueue({ type: "text-start", id: textId });
      textOpen = true;
      controller.enqueue({ type: "text-delta", id: textId, delta: delta.text });
      return;
    }
    if (!openInputs.has(delta.id)) {
      openInputs.add(delta.id);
      controller.enqueue({ type: "tool-input-start", id: delta.id, toolName: delta.name });
    }
    if (delta.argumentsDelta !== "")
      controller.enqueue({ type: "tool-input-delta", id: delta.id, delta: delta.argumentsDelta });
  };

  const finish = (controller: Controller, completion: Completion) => {
    if (textOpen) controller.enqueue({ type: "text-end", id: textId });
    for (const call of completion.toolCalls) {
      if (openInputs.has(call.id)) controller.enqueue({ type: "tool-input-end", id: call.id });
      controller.enqueue({
        type: "tool-call",
        toolCallId: call.id,
        toolName: call.function.name,
        input: call.function.arguments,
      });
    }
    controller.enqueue({ type: "response-metadata", modelId: completion.model });
    controller.enqueue({
      type: "finish",
      usage: toUsage(completion.usage),
      finishReason: toFinishReason(completion.finishReason),
      providerMetadata: toProviderMetadata(completion),
    });
  };

  return {
    stream: new ReadableStream<LanguageModelV3StreamPart>({
      start(controller) {
        controller.enqueue({ type: "stream-start", warnings: [...warnings] });
      },
      async pull(controller) {
        try {
          const next = ahead ?? (await iterator.next());
          ahead = undefined;
          if (!next.done) return emit(controller, next.value);
          const completion = await stream.completion;
          finish(controller, completion);
          controller.close();
        } catch (error) {
          controller.enqueue({ type: "error", error });
          controller.close();
        }
      },
      cancel() {
        // The consumer stopped reading: abort the call rather than leave it running upstream.
        cancel();
      },
    }),
  };
}
