/**
 * What a request may cost at most, before it runs: its prompt counted with the runtime's token
 * counter at the config's input price, plus the most output it may produce at the output price. The
 * budget holds this much while the request is in flight.
 */
import type { ResolvedLlmConfig } from "../config/schema.ts";
import { computeCost } from "../llm/cost.ts";
import type { ChatMessage, ContentPart, ToolCall, ToolDefinition } from "../llm/index.ts";
import { loadModelCatalog } from "../llm/model-catalog.ts";
import { getModelInfo } from "../llm/model-info.ts";
import { countPromptTokens, estimateTokens } from "../llm/tokens.ts";

/**
 * The output tokens an estimate assumes when neither the request (`max_tokens`) nor the config
 * (`max_output_tokens`) bounds the answer, nor the model's own limit is lower: a model's full output
 * limit (64k tokens for some) would hold a large share of a small budget for a typical short answer.
 */
export const UNBOUNDED_OUTPUT_ESTIMATE_TOKENS = 4096;

/** The prompt of a request, as the token counter takes it. */
export interface PromptForEstimate {
  messages: readonly ChatMessage[];
  tools?: readonly ToolDefinition[] | undefined;
}

/** A request's estimated worst cost. */
export interface SpendEstimate {
  promptTokens: number;
  outputTokens: number;
  /** 0 when the model's price is unknown (an unknown cost is not charged either). */
  usd: number;
}

/** The most output tokens a request may produce under a config (its parameters laid over it); load the model's catalog first. */
export function outputTokenBound(config: Readonly<ResolvedLlmConfig>): number {
  const modelLimit = getModelInfo(config.model)?.maxOutputTokens;
  const asked = config.max_output_tokens;
  if (asked !== null && asked > 0) return modelLimit === undefined ? asked : Math.min(asked, modelLimit);
  return Math.min(modelLimit ?? UNBOUNDED_OUTPUT_ESTIMATE_TOKENS, UNBOUNDED_OUTPUT_ESTIMATE_TOKENS);
}

/** The prompt's input tokens; a tokenizer that fails to load falls back to characters / 4. */
export async function countPrompt(
  config: Readonly<ResolvedLlmConfig>,
  prompt: PromptForEstimate,
): Promise<number> {
  const messages = prompt.messages as ChatMessage[];
  const tools = (prompt.tools ?? []) as ToolDefinition[];
  try {
    return (
      await countPromptTokens(config.model, messages, { tools, customTokenizer: config.custom_tokenizer })
    ).count;
  } catch {
    return estimateTokens(JSON.stringify(prompt));
  }
}

/** The USD of a number of input and output tokens at a config's prices; null when unknown. */
export function priceTokens(
  config: Readonly<ResolvedLlmConfig>,
  inputTokens: number,
  outputTokens: number,
): number | null {
  return computeCost(
    config.model,
    { input_tokens: inputTokens, output_tokens: outputTokens, cache_read_tokens: 0, cache_write_tokens: 0 },
    config,
  ).usd;
}

/**
 * A request's worst cost under a config.
 * @example await estimateSpend(config, { messages: [{ role: "user", content: "hello" }] })
 */
export async function estimateSpend(
  config: Readonly<ResolvedLlmConfig>,
  prompt: PromptForEstimate,
): Promise<SpendEstimate> {
  const promptTokens = await countPrompt(config, prompt);
  // The runtime loads a model's catalog on its first call; the estimate comes before it, and must not
  // hold more for a model's first request than for its later ones.
  await loadModelCatalog(config.model);
  const outputTokens = outputTokenBound(config);
  return { promptTokens, outputTokens, usd: priceTokens(config, promptTokens, outputTokens) ?? 0 };
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null;
const textOr = (value: unknown) => (typeof value === "string" ? value : "");

function toParts(content: unknown): string | ContentPart[] {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const parts: ContentPart[] = [];
  for (const part of content) {
    if (!isObject(part)) continue;
    if (typeof part.text === "string") parts.push({ type: "text", text: part.text });
    // An image counts by its billed size, never by the length of its base64 text.
    else if (part.type === "image_url") {
      const detail = isObject(part.image_url) && part.image_url.detail === "low" ? "low" : "high";
      parts.push({ type: "image_url", image_url: { url: "", detail } });
    }
  }
  return parts;
}

function toToolCalls(calls: unknown): ToolCall[] {
  if (!Array.isArray(calls)) return [];
  return calls.filter(isObject).map((call) => {
    const fn = isObject(call.function) ? call.function : {};
    return { id: "", type: "function", function: { name: textOr(fn.name), arguments: textOr(fn.arguments) } };
  });
}

/**
 * The prompt of an OpenAI chat-completions body, read leniently (the fast path forwards the body
 * without converting it, and an estimate must never refuse what the upstream would accept).
 */
export function promptOfChatBody(json: Json): PromptForEstimate {
  const messages: ChatMessage[] = [];
  for (const message of Array.isArray(json.messages) ? json.messages : []) {
    if (!isObject(message)) continue;
    if (message.role === "assistant") {
      const calls = toToolCalls(message.tool_calls);
      const content = toParts(message.content);
      messages.push({
        role: "assistant",
        content:
          typeof content === "string" ? content : content.map((part) => textOr((part as Json).text)).join(""),
        ...(calls.length > 0 ? { tool_calls: calls } : {}),
      });
    } else if (message.role === "tool") {
      messages.push({ role: "tool", content: textOr(message.content), tool_call_id: "" });
    } else
      messages.push({
        role: message.role === "system" ? "system" : "user",
        content: toParts(message.content),
      });
  }
  const tools = (Array.isArray(json.tools) ? json.tools : []).filter(
    (tool): tool is ToolDefinition =>
      isObject(tool) && isObject(tool.function) && typeof tool.function.name === "string",
  );
  return { messages, tools };
}
