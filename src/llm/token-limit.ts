/**
 * `max_input_tokens`, enforced before a request is sent. Counting is skipped when the prompt's UTF-8
 * size already proves it fits (a BPE token is at least one byte), so small prompts cost nothing.
 */
import type { ResolvedLlmConfig } from "../config/schema.ts";
import { LlmError, TokenLimitError } from "./errors.ts";
import type { ChatMessage, ToolDefinition } from "./messages.ts";
import type { ModelFacts } from "./request.ts";
import { countPromptTokens, UnknownTokenizerError } from "./tokens.ts";

// Per-message framing is a few tokens; an image counts up to ~1,600 (see tokens.ts).
const framingPerMessage = 16;
const imageAllowance = 2000;

/** An upper bound of a prompt's token count that needs no tokenizer. */
export function boundPromptTokens(
  messages: readonly ChatMessage[],
  tools: readonly ToolDefinition[] = [],
): number {
  let bound = 16;
  for (const message of messages) {
    bound += framingPerMessage;
    const content = message.content;
    if (typeof content === "string") bound += Buffer.byteLength(content);
    else if (Array.isArray(content)) {
      for (const part of content)
        bound += part.type === "text" ? Buffer.byteLength(part.text) : imageAllowance;
    }
    if (message.role === "assistant" && message.tool_calls !== undefined) {
      bound += Buffer.byteLength(JSON.stringify(message.tool_calls));
    }
    if (message.role === "user" && message.name !== undefined) bound += Buffer.byteLength(message.name);
  }
  if (tools.length > 0) bound += Buffer.byteLength(JSON.stringify(tools)) + 16 * tools.length;
  return bound;
}

/**
 * Throws a `TokenLimitError` when the prompt is over the config's `max_input_tokens` (or, when unset,
 * the model's known context window).
 */
export async function checkTokenLimit(
  configName: string,
  config: Readonly<ResolvedLlmConfig>,
  request: { messages: ChatMessage[]; tools?: ToolDefinition[] | undefined },
  facts: ModelFacts,
): Promise<void> {
  const limit = config.max_input_tokens ?? facts.info?.maxInputTokens;
  if (limit === undefined || limit <= 0) return;
  if (boundPromptTokens(request.messages, request.tools) <= limit) return;
  let counted: Awaited<ReturnType<typeof countPromptTokens>>;
  try {
    counted = await countPromptTokens(config.model, request.messages, {
      ...(request.tools === undefined ? {} : { tools: request.tools }),
      customTokenizer: config.custom_tokenizer,
    });
  } catch (thrown) {
    if (thrown instanceof UnknownTokenizerError) {
      throw new LlmError({ detail: thrown.message, kind: "provider_setup", configName, model: config.model });
    }
    throw thrown;
  }
  if (counted.count > limit) {
    throw new TokenLimitError(counted.count, limit, counted.tokenizer, { configName, model: config.model });
  }
}
