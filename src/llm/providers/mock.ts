/**
 * The `mock/` provider: an AI SDK language model that answers with no key and no network, using the
 * scripted-reply logic the fake upstream also uses (src/llm/replies/), so a mock run and a fake-upstream
 * run say the same thing; the runtime never imports the test server itself.
 */
import {
  APICallError,
  type LanguageModelV3,
  type LanguageModelV3CallOptions,
  type LanguageModelV3Content,
  type LanguageModelV3FinishReason,
  type LanguageModelV3GenerateResult,
  type LanguageModelV3Prompt,
  type LanguageModelV3StreamPart,
  type LanguageModelV3Usage,
} from "@ai-sdk/provider";
import type { FinishReason } from "../messages.ts";
import {
  type Behaviour,
  type HttpErrorBehaviour,
  isFaultBehaviour,
  isHttpErrorBehaviour,
} from "../replies/behaviours.ts";
import { renderOpenAiError } from "../replies/openai-error.ts";
import {
  type Conversation,
  type ResolvedReply,
  resolveReply,
  splitArgumentsIntoPieces,
  splitTextIntoPieces,
} from "../replies/replies.ts";
import { readReplyScript } from "../replies/reply-script.ts";

/** Options of {@link createMockLanguageModel}. */
export interface MockLanguageModelOptions {
  /** The reply script (see reply-script.ts for the format) that `mock/script` plays, in order. */
  scriptFile?: string;
}

const unifiedFinishReasons: Record<FinishReason, LanguageModelV3FinishReason["unified"]> = {
  stop: "stop",
  length: "length",
  tool_calls: "tool-calls",
  content_filter: "content-filter",
  error: "error",
  other: "other",
};

/**
 * Creates a `mock/<name>` model. `mock/script` plays `options.scriptFile` once, in order, and then fails
 * every further call with an error naming the file (it does not cycle, so a run that makes more calls
 * than scripted is caught); every other name, `mock/echo` included, replies `echo: <last user text>`.
 * HTTP errors in a script throw `APICallError` with the status, headers and retryability a real
 * provider would give; faults become connection errors, stalls, cut streams or empty replies.
 * @example
 * const { text } = await generateText({ model: createMockLanguageModel("mock/echo"), prompt: "hi" });
 * // text === "echo: hi"
 */
export function createMockLanguageModel(
  modelId: string,
  options: MockLanguageModelOptions = {},
): LanguageModelV3 {
  const name = modelId.startsWith("mock/") ? modelId.slice("mock/".length) : modelId;
  let script: Behaviour[] | undefined;
  if (name === "script") {
    if (options.scriptFile === undefined) {
      throw new Error(`${modelId} needs a reply script file; use mock/echo for replies without one`);
    }
    script = readReplyScript(options.scriptFile);
  }
  let calls = 0;

  const nextBehaviour = (): Behaviour | undefined => {
    calls += 1;
    if (script === undefined) return undefined;
    const behaviour = script[calls - 1];
    if (behaviour === undefined) {
      throw new Error(
        `${modelId}: call ${calls} has no reply: all ${script.length} replies in ${options.scriptFile} are used`,
      );
    }
    return behaviour;
  };

  return {
    specificationVersion: "v3",
    provider: "mock",
    modelId: `mock/${name}`,
    supportedUrls: {},
    async doGenerate(callOptions) {
      const { reply, ending } = await playBehaviour(nextBehaviour(), callOptions, calls, modelId);
      if (ending === "cut") throw createConnectionError(modelId, "terminated: the mock response was cut off");
      // Without streaming, a stalled or endless body is a response that never completes.
      if (ending !== "finish") await waitOrAbort(undefined, callOptions.abortSignal);
      const content: LanguageModelV3Content[] = [];
      if (reply === undefined) return formatGenerateResult(content, undefined);
      if (reply.text !== "") content.push({ type: "text", text: reply.text });
      for (const call of reply.toolCalls) {
        content.push({ type: "tool-call", toolCallId: call.id, toolName: call.name, input: call.arguments });
      }
      return formatGenerateResult(content, reply);
    },
    async doStream(callOptions) {
      const { reply, ending } = await playBehaviour(nextBehaviour(), callOptions, calls, modelId);
      const parts = formatStreamParts(reply, modelId, calls);
      if (ending === "finish") return { stream: streamParts(parts) };
      const sent = parts.slice(0, Math.floor(parts.length / 2));
      if (ending === "cut") {
        const error = createConnectionError(modelId, "terminated: the mock stream was cut off");
        return { stream: streamParts([...sent, { type: "error", error }]) };
      }
      const signal = callOptions.abortSignal;
      if (ending === "stall") return { stream: streamParts(sent, () => waitOrAbort(undefined, signal)) };
      return {
        stream: new ReadableStream<LanguageModelV3StreamPart>({
          start(controller) {
            for (const part of parts.slice(0, 2)) controller.enqueue(part);
            controller.enqueue({ type: "text-start", id: "text-0" });
          },
          // Pulled one part at a time: an endless stream costs nothing while nobody reads it.
          pull(controller) {
            if (signal?.aborted) return controller.error(signal.reason);
            controller.enqueue({ type: "text-delta", id: "text-0", delta: reply?.text ?? "more " });
          },
        }),
      };
    },
  };
}

interface PlayedBehaviour {
  /** The reply to give; undefined for an empty reply (the `empty-choices` fault). */
  reply: ResolvedReply | undefined;
  /** How the answer ends: whole, cut off halfway, silent halfway, or never (the reply's text forever). */
  ending: "finish" | "cut" | "stall" | "endless";
}

async function playBehaviour(
  behaviour: Behaviour | undefined,
  callOptions: LanguageModelV3CallOptions,
  sequence: number,
  modelId: string,
): Promise<PlayedBehaviour> {
  const conversation = summarizePrompt(callOptions.prompt, modelId);
  const echo = () => resolveReply(undefined, conversation, sequence);
  if (behaviour === undefined) return { reply: echo(), ending: "finish" };
  if (isHttpErrorBehaviour(behaviour)) throw createHttpError(behaviour, conversation, modelId);
  if (!isFaultBehaviour(behaviour))
    return { reply: resolveReply(behaviour, conversation, sequence), ending: "finish" };
  const withText = (text: string | undefined) =>
    resolveReply(text === undefined ? undefined : { text }, conversation, sequence);
  switch (behaviour.fault) {
    case "reset":
      throw createConnectionError(modelId, "read ECONNRESET: the mock connection was reset");
    case "stall":
      await waitOrAbort(behaviour.ms, callOptions.abortSignal);
      return { reply: echo(), ending: "finish" };
    case "empty-choices":
      return { reply: undefined, ending: "finish" };
    case "cut-stream":
      return { reply: withText(behaviour.text), ending: "cut" };
    case "stall-stream":
      return { reply: withText(behaviour.text), ending: "stall" };
    case "endless-stream":
      return { reply: withText(behaviour.text ?? "more "), ending: "endless" };
    case "raw-body":
      throw createInvalidBodyError(modelId, behaviour.body);
  }
}

/** A stream of the given parts that ends, or stays open until `hold` settles (a stalled upstream). */
function streamParts(
  parts: LanguageModelV3StreamPart[],
  hold?: () => Promise<void>,
): ReadableStream<LanguageModelV3StreamPart> {
  return new ReadableStream<LanguageModelV3StreamPart>({
    async start(controller) {
      for (const part of parts) controller.enqueue(part);
      if (hold !== undefined) {
        try {
          await hold();
        } catch (reason) {
          return controller.error(reason);
        }
      }
      controller.close();
    },
  });
}

/** Reads the V3 prompt the same way the wires read theirs: last user text, and all text for the estimate. */
function summarizePrompt(prompt: LanguageModelV3Prompt, model: string): Conversation {
  const texts: string[] = [];
  let lastUserText = "";
  for (const message of prompt) {
    if (message.role === "system") {
      texts.push(message.content);
      continue;
    }
    const text = message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
    if (message.role === "user" && text !== "") lastUserText = text;
    texts.push(text);
    for (const part of message.content) {
      if (part.type === "tool-call") texts.push(part.toolName + JSON.stringify(part.input));
      if (part.type === "tool-result") texts.push(JSON.stringify(part.output));
    }
  }
  return { model, lastUserText, promptText: texts.filter((text) => text !== "").join("\n") };
}

function formatUsage(reply: ResolvedReply | undefined): LanguageModelV3Usage {
  const usage = reply?.usage ?? {
    input_tokens: 0,
    output_tokens: 0,
    cache_read_tokens: 0,
    cache_write_tokens: 0,
  };
  return {
    inputTokens: {
      total: usage.input_tokens,
      noCache: Math.max(0, usage.input_tokens - usage.cache_read_tokens - usage.cache_write_tokens),
      cacheRead: usage.cache_read_tokens,
      cacheWrite: usage.cache_write_tokens,
    },
    outputTokens: { total: usage.output_tokens, text: usage.output_tokens, reasoning: 0 },
  };
}

function formatFinishReason(reply: ResolvedReply | undefined): LanguageModelV3FinishReason {
  if (reply === undefined) return { unified: "other", raw: undefined };
  return { unified: unifiedFinishReasons[reply.finishReason], raw: reply.finishReason };
}

function formatGenerateResult(
  content: LanguageModelV3Content[],
  reply: ResolvedReply | undefined,
): LanguageModelV3GenerateResult {
  return { content, finishReason: formatFinishReason(reply), usage: formatUsage(reply), warnings: [] };
}

function formatStreamParts(
  reply: ResolvedReply | undefined,
  modelId: string,
  sequence: number,
): LanguageModelV3StreamPart[] {
  const parts: LanguageModelV3StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "response-metadata", id: `mock-${sequence}`, modelId },
  ];
  if (reply !== undefined && reply.text !== "") {
    const id = "text-0";
    parts.push({ type: "text-start", id });
    for (const delta of splitTextIntoPieces(reply.text)) parts.push({ type: "text-delta", id, delta });
    parts.push({ type: "text-end", id });
  }
  for (const call of reply?.toolCalls ?? []) {
    parts.push({ type: "tool-input-start", id: call.id, toolName: call.name });
    for (const delta of splitArgumentsIntoPieces(call.arguments))
      parts.push({ type: "tool-input-delta", id: call.id, delta });
    parts.push({ type: "tool-input-end", id: call.id });
    parts.push({ type: "tool-call", toolCallId: call.id, toolName: call.name, input: call.arguments });
  }
  parts.push({ type: "finish", usage: formatUsage(reply), finishReason: formatFinishReason(reply) });
  return parts;
}

function createHttpError(
  error: HttpErrorBehaviour,
  conversation: Conversation,
  modelId: string,
): APICallError {
  // The OpenAI error shape, so code that inspects response bodies sees what an OpenAI-style upstream sends.
  const body = error.body ?? renderOpenAiError(error, conversation);
  const message = (body as { error?: { message?: unknown } }).error?.message;
  return new APICallError({
    message: typeof message === "string" ? message : `${modelId}: HTTP ${error.status}`,
    url: `mock://${modelId}`,
    requestBodyValues: {},
    statusCode: error.status,
    responseHeaders: error.headers ?? {},
    responseBody: JSON.stringify(body),
    isRetryable: error.status === 408 || error.status === 409 || error.status === 429 || error.status >= 500,
  });
}

/** What a provider throws for a 200 whose body is not its wire format (HTML, broken JSON). */
function createInvalidBodyError(modelId: string, body: string): APICallError {
  return new APICallError({
    message: "Invalid JSON response",
    url: `mock://${modelId}`,
    requestBodyValues: {},
    statusCode: 200,
    responseBody: body,
    isRetryable: false,
  });
}

function createConnectionError(modelId: string, message: string): APICallError {
  return new APICallError({ message, url: `mock://${modelId}`, requestBodyValues: {}, isRetryable: true });
}

function waitOrAbort(ms: number | undefined, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    // Without ms a stall lasts until the caller aborts; no timer is set, so it never holds the process open.
    const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
    signal?.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
