/**
 * AI SDK call options → a runtime request: the prompt (system, user, assistant and tool messages with
 * text, file, tool-call and tool-result parts) as OpenAI-shaped chat messages, function tools, the tool
 * choice, the sampling values that override the config's defaults, and the JSON response format.
 */
import {
  type LanguageModelV3CallOptions,
  type LanguageModelV3FilePart,
  type LanguageModelV3Prompt,
  type LanguageModelV3ToolResultOutput,
  type SharedV3Warning,
  UnsupportedFunctionalityError,
} from "@ai-sdk/provider";
import type {
  CallParameters,
  ChatMessage,
  CompletionRequest,
  ContentPart,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from "../llm/index.ts";

/** A runtime request and what of the call could not be carried over. */
export interface ConvertedCall {
  request: CompletionRequest;
  warnings: SharedV3Warning[];
}

/** Converts the options of `doGenerate` / `doStream` into the runtime's request. */
export function fromCallOptions(options: LanguageModelV3CallOptions): ConvertedCall {
  const warnings: SharedV3Warning[] = [];
  const request: CompletionRequest = {
    messages: fromPrompt(options.prompt),
    parameters: parametersOf(options),
  };
  const tools: ToolDefinition[] = [];
  for (const tool of options.tools ?? []) {
    if (tool.type === "function") {
      tools.push({
        type: "function",
        function: {
          name: tool.name,
          ...(tool.description === undefined ? {} : { description: tool.description }),
          parameters: tool.inputSchema as Record<string, unknown>,
        },
      });
    } else {
      warnings.push({
        type: "unsupported",
        feature: `provider-defined tool ${tool.id}`,
        details: "llmconf configs take function tools only",
      });
    }
  }
  if (tools.length > 0) request.tools = tools;
  if (options.toolChoice !== undefined && tools.length > 0)
    request.toolChoice = toToolChoice(options.toolChoice);
  if (options.responseFormat?.type === "json") {
    const { schema, name, description } = options.responseFormat;
    request.responseFormat = {
      type: "json",
      ...(schema === undefined ? {} : { schema: schema as Record<string, unknown> }),
      ...(name === undefined ? {} : { name }),
      ...(description === undefined ? {} : { description }),
    };
  }
  if (options.abortSignal !== undefined) request.signal = options.abortSignal;
  // `options.headers` is not forwarded: the AI SDK always sets its own user-agent there, and a
  // config's requests carry the headers its provider needs.
  return { request, warnings };
}

function parametersOf(options: LanguageModelV3CallOptions): CallParameters {
  const parameters: CallParameters = {};
  if (options.temperature !== undefined) parameters.temperature = options.temperature;
  if (options.topP !== undefined) parameters.topP = options.topP;
  if (options.topK !== undefined) parameters.topK = options.topK;
  if (options.maxOutputTokens !== undefined) parameters.maxOutputTokens = options.maxOutputTokens;
  if (options.seed !== undefined) parameters.seed = options.seed;
  if (options.stopSequences !== undefined) parameters.stopSequences = options.stopSequences;
  if (options.presencePenalty !== undefined) parameters.presencePenalty = options.presencePenalty;
  if (options.frequencyPenalty !== undefined) parameters.frequencyPenalty = options.frequencyPenalty;
  return parameters;
}

function toToolChoice(choice: NonNullable<LanguageModelV3CallOptions["toolChoice"]>): ToolChoice {
  if (choice.type === "tool") return { type: "function", function: { name: choice.toolName } };
  return choice.type;
}

/**
 * Converts an AI SDK prompt into chat messages. Reasoning parts of earlier answers are left out (the
 * runtime sends none back); a file that is neither an image nor text is refused rather than dropped.
 */
export function fromPrompt(prompt: LanguageModelV3Prompt): ChatMessage[] {
  const messages: ChatMessage[] = [];
  for (const message of prompt) {
    switch (message.role) {
      case "system":
        messages.push({ role: "system", content: message.content });
        break;
      case "user": {
        const content: ContentPart[] = [];
        for (const part of message.content) {
          if (part.type === "text") content.push({ type: "text", text: part.text });
          else content.push(fromFilePart(part));
        }
        const onlyText = content.every((part) => part.type === "text");
        messages.push({
          role: "user",
          content: onlyText ? content.map((part) => (part as { text: string }).text).join("") : content,
        });
        break;
      }
      case "assistant": {
        let text = "";
        const calls: ToolCall[] = [];
        for (const part of message.content) {
          if (part.type === "text") text += part.text;
          else if (part.type === "tool-call" && part.providerExecuted !== true) {
            calls.push({
              id: part.toolCallId,
              type: "function",
              function: {
                name: part.toolName,
                arguments: typeof part.input === "string" ? part.input : JSON.stringify(part.input ?? {}),
              },
            });
          }
        }
        messages.push({
          role: "assistant",
          content: text === "" && calls.length > 0 ? null : text,
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        });
        break;
      }
      case "tool":
        for (const part of message.content) {
          if (part.type !== "tool-result") continue;
          messages.push({
            role: "tool",
            tool_call_id: part.toolCallId,
            content: toolOutputText(part.output),
          });
        }
        break;
    }
  }
  return messages;
}

function fromFilePart(part: LanguageModelV3FilePart): ContentPart {
  const mediaType = part.mediaType;
  if (mediaType.startsWith("image/")) {
    if (part.data instanceof URL) return { type: "image_url", image_url: { url: part.data.toString() } };
    const base64 = typeof part.data === "string" ? part.data : Buffer.from(part.data).toString("base64");
    const type = mediaType === "image/*" ? "image/png" : mediaType;
    return { type: "image_url", image_url: { url: `data:${type};base64,${base64}` } };
  }
  if (mediaType.startsWith("text/") && !(part.data instanceof URL)) {
    const bytes = typeof part.data === "string" ? Buffer.from(part.data, "base64") : Buffer.from(part.data);
    return { type: "text", text: bytes.toString("utf8") };
  }
  throw new UnsupportedFunctionalityError({
    functionality: `file parts of type ${mediaType} (llmconf configs take images and text files)`,
  });
}

function toolOutputText(output: LanguageModelV3ToolResultOutput): string {
  switch (output.type) {
    case "text":
    case "error-text":
      return output.value;
    case "json":
    case "error-json":
      return JSON.stringify(output.value);
    case "execution-denied":
      return `Tool execution denied${output.reason === undefined ? "" : `: ${output.reason}`}`;
    case "content":
      return output.value.map((item) => (item.type === "text" ? item.text : `[${item.type}]`)).join("\n");
  }
}
