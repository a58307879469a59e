/**
 * OpenAI-style chat messages and tools → the AI SDK's provider-neutral prompt (LanguageModelV3Prompt),
 * applying `max_message_chars`, vision and Anthropic cache markers on the way.
 */
import type {
  LanguageModelV3FilePart,
  LanguageModelV3FunctionTool,
  LanguageModelV3Message,
  LanguageModelV3Prompt,
  LanguageModelV3TextPart,
  LanguageModelV3ToolChoice,
  SharedV3ProviderOptions,
} from "@ai-sdk/provider";
import type { ChatMessage, ContentPart, ToolChoice, ToolDefinition } from "./messages.ts";
import { textOf } from "./messages.ts";
import { truncateMiddle } from "./truncate.ts";

/** How messages are converted. */
export interface PromptOptions {
  /** Keep image parts; false drops them (`disable_vision`, or a model without vision). */
  vision: boolean;
  /** Mark the system message and the last user/tool message for Anthropic prompt caching. */
  cacheControl: boolean;
  /** Texts of user and tool messages longer than this are middle-truncated; 0 or less: no limit. */
  maxMessageChars: number;
}

const cacheMarker: SharedV3ProviderOptions = { anthropic: { cacheControl: { type: "ephemeral" } } };

/** Applies `max_message_chars` to user and tool messages (the observations an agent feeds back). */
export function truncateMessages(messages: readonly ChatMessage[], maxChars: number): ChatMessage[] {
  if (maxChars <= 0) return [...messages];
  return messages.map((message) => {
    if (message.role === "tool") {
      const content = truncateMiddle(message.content, maxChars);
      return content === message.content ? message : { ...message, content };
    }
    if (message.role !== "user") return message;
    if (typeof message.content === "string") {
      const content = truncateMiddle(message.content, maxChars);
      return content === message.content ? message : { ...message, content };
    }
    return {
      ...message,
      content: message.content.map((part) =>
        part.type === "text" ? { ...part, text: truncateMiddle(part.text, maxChars) } : part,
      ),
    };
  });
}

function toFilePart(part: Extract<ContentPart, { type: "image_url" }>): LanguageModelV3FilePart {
  const url = part.image_url.url;
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (match) return { type: "file", mediaType: match[1] as string, data: match[2] as string };
  // "image/*" lets each provider pick its default image type for a remote URL.
  return { type: "file", mediaType: "image/*", data: new URL(url) };
}

function toUserParts(
  content: string | ContentPart[],
  vision: boolean,
): Array<LanguageModelV3TextPart | LanguageModelV3FilePart> {
  if (typeof content === "string") return [{ type: "text", text: content }];
  const parts: Array<LanguageModelV3TextPart | LanguageModelV3FilePart> = [];
  for (const part of content) {
    if (part.type === "text") parts.push({ type: "text", text: part.text });
    else if (vision) parts.push(toFilePart(part));
  }
  return parts.length > 0 ? parts : [{ type: "text", text: "" }];
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text === "" ? "{}" : text);
  } catch {
    // A model's malformed arguments are still what it said; send them back as text.
    return text;
  }
}

/**
 * Converts chat messages into the AI SDK prompt.
 * @example toPrompt([{ role: "user", content: "hi" }], { vision: true, cacheControl: false, maxMessageChars: 0 })
 */
export function toPrompt(messages: readonly ChatMessage[], options: PromptOptions): LanguageModelV3Prompt {
  const toolNames = new Map<string, string>();
  const prompt: LanguageModelV3Message[] = [];
  for (const message of messages) {
    switch (message.role) {
      case "system":
        prompt.push({ role: "system", content: textOf(message.content) });
        break;
      case "user":
        prompt.push({ role: "user", content: toUserParts(message.content, options.vision) });
        break;
      case "assistant": {
        const content: Extract<LanguageModelV3Message, { role: "assistant" }>["content"] = [];
        if (message.content) content.push({ type: "text", text: message.content });
        for (const call of message.tool_calls ?? []) {
          toolNames.set(call.id, call.function.name);
          content.push({
            type: "tool-call",
            toolCallId: call.id,
            toolName: call.function.name,
            input: parseArguments(call.function.arguments),
          });
        }
        prompt.push({ role: "assistant", content });
        break;
      }
      case "tool":
        prompt.push({
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: message.tool_call_id,
              toolName: toolNames.get(message.tool_call_id) ?? "unknown",
              output:
                message.is_error === true
                  ? { type: "error-text", value: message.content }
                  : { type: "text", value: message.content },
            },
          ],
        });
        break;
    }
  }
  if (options.cacheControl) markForCaching(prompt);
  return prompt;
}

/** OpenHands' placement: the system message and the last user-or-tool message get a cache marker. */
function markForCaching(prompt: LanguageModelV3Message[]): void {
  const system = prompt.find((message) => message.role === "system");
  if (system) system.providerOptions = cacheMarker;
  for (let index = prompt.length - 1; index >= 0; index--) {
    const message = prompt[index] as LanguageModelV3Message;
    if (message.role === "user" || message.role === "tool") {
      message.providerOptions = cacheMarker;
      return;
    }
  }
}

/** Converts tool definitions into AI SDK function tools. */
export function toTools(tools: readonly ToolDefinition[]): LanguageModelV3FunctionTool[] {
  return tools.map((tool) => ({
    type: "function",
    name: tool.function.name,
    ...(tool.function.description === undefined ? {} : { description: tool.function.description }),
    inputSchema: (tool.function.parameters ?? { type: "object", properties: {} }) as never,
  }));
}

/** Converts an OpenAI tool choice into the AI SDK's. */
export function toToolChoice(choice: ToolChoice): LanguageModelV3ToolChoice {
  if (typeof choice === "string") return { type: choice };
  return { type: "tool", toolName: choice.function.name };
}
