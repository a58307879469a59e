/**
 * Prompt token counts, so the runtime can enforce `max_input_tokens` before sending a request.
 *
 * OpenAI models are counted with their real BPE encoding (gpt-tokenizer, the fastest of the three
 * JS tokenizers with identical counts), loaded on first use because importing it costs ~130 ms.
 * Message framing follows the OpenAI cookbook ("How to count tokens with tiktoken"): 3 tokens per
 * message, 1 more for a `name`, 3 to prime the reply; tool definitions follow the cookbook's
 * function-counting recipe. Other families (Claude, Gemini, Llama, ...) have no public JS
 * tokenizer, so they get `estimateTokens` (characters / 4, rounded up) with the same framing.
 */
import type { ChatMessage, ContentPart, ToolCall, ToolDefinition } from "./messages.ts";

/** A prompt's token count; `exact` is true when the text went through the model's own encoding. */
export interface TokenCount {
  count: number;
  /** True when counted with the model's encoding; framing of tools and images is still OpenAI's published approximation. */
  exact: boolean;
  /** The encoding used (`o200k_base`, `cl100k_base`, ...) or `estimate` for characters / 4. */
  tokenizer: string;
}

/** Options of `countPromptTokens`. */
export interface CountPromptTokensOptions {
  /** Tool definitions sent with the prompt; they count towards the input. */
  tools?: ToolDefinition[];
  /**
   * An encoding name to use instead of the model's (`custom_tokenizer` in config.toml).
   * @default null
   */
  customTokenizer?: string | null;
}

/** A `customTokenizer` that names no known encoding. */
export class UnknownTokenizerError extends Error {
  override readonly name = "UnknownTokenizerError";
  constructor(
    readonly tokenizer: string,
    readonly known: readonly string[],
  ) {
    super(`unknown tokenizer "${tokenizer}"; custom_tokenizer must be one of: ${known.join(", ")}`);
  }
}

interface TextEncoding {
  countTokens: (text: string, options?: { disallowedSpecial?: Set<string> }) => number;
}

// One dynamic import per encoding, so the bundler-free CLI loads only the ranks it needs.
const encodingLoaders: Record<string, () => Promise<TextEncoding>> = {
  o200k_base: () => import("gpt-tokenizer/encoding/o200k_base"),
  o200k_harmony: () => import("gpt-tokenizer/encoding/o200k_harmony"),
  cl100k_base: () => import("gpt-tokenizer/encoding/cl100k_base"),
  p50k_base: () => import("gpt-tokenizer/encoding/p50k_base"),
  p50k_edit: () => import("gpt-tokenizer/encoding/p50k_edit"),
  r50k_base: () => import("gpt-tokenizer/encoding/r50k_base"),
};

/** The encoding names `customTokenizer` accepts. */
export const knownTokenizers: readonly string[] = Object.keys(encodingLoaders);

const loadedEncodings = new Map<string, Promise<TextEncoding>>();

function loadEncoding(name: string): Promise<TextEncoding> {
  let loading = loadedEncodings.get(name);
  if (loading === undefined) {
    const loader = encodingLoaders[name];
    if (loader === undefined) throw new UnknownTokenizerError(name, knownTokenizers);
    loading = loader();
    loadedEncodings.set(name, loading);
  }
  return loading;
}

/**
 * The OpenAI encoding of a model id, ignoring LiteLLM prefixes (`openai/`, `azure/`,
 * `openrouter/openai/`), or undefined for models of other vendors.
 */
export function encodingForModel(model: string): string | undefined {
  const name = model
    .trim()
    .toLowerCase()
    .slice(model.trim().lastIndexOf("/") + 1);
  if (/^(?:gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|o1|o3|o4|gpt-oss|codex-mini)(?:$|[-.:])/.test(name)) {
    return "o200k_base";
  }
  if (
    /^(?:gpt-4|gpt-3\.5-turbo|gpt-35-turbo|text-embedding-ada-002|text-embedding-3)(?:$|[-.:])/.test(name)
  ) {
    return "cl100k_base";
  }
  return undefined;
}

/** A cheap token estimate for any model: characters / 4, rounded up (OpenAI's rule of thumb for English). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

// OpenAI bills a low-detail image 85 tokens and a 1024x1024 high-detail one 765; the size is not
// known here, so the common case stands in. Claude bills up to ~1,600 per image before resizing,
// which is what the estimate path assumes so that it errs high.
const imageTokensLow = 85;
const imageTokensHigh = 765;
const imageTokensEstimate = 1600;
const tokensPerMessage = 3;
const tokensPerName = 1;
const replyPriming = 3;

type CountText = (text: string) => number;

function countContent(content: string | ContentPart[] | null, countText: CountText, exact: boolean): number {
  if (content === null) return 0;
  if (typeof content === "string") return countText(content);
  let total = 0;
  for (const part of content) {
    if (part.type === "text") total += countText(part.text);
    else if (!exact) total += imageTokensEstimate;
    else total += part.image_url.detail === "low" ? imageTokensLow : imageTokensHigh;
  }
  return total;
}

// The cookbook does not cover assistant tool calls; name and arguments plus 3 framing tokens
// per call matches what the API reports for short calls.
function countToolCalls(calls: readonly ToolCall[], countText: CountText): number {
  return calls.reduce(
    (total, call) => total + 3 + countText(call.function.name) + countText(call.function.arguments),
    0,
  );
}

/** Cookbook recipe for function definitions (gpt-4o constants: 7 per function, 3 per property, 12 at the end). */
function countTools(tools: readonly ToolDefinition[], countText: CountText): number {
  if (tools.length === 0) return 0;
  let total = 12;
  for (const tool of tools) {
    const { name, description = "", parameters } = tool.function;
    total += 7 + countText(`${name}:${description}`);
    const properties = parameters?.properties;
    if (typeof properties !== "object" || properties === null) continue;
    total += 3;
    for (const [key, schema] of Object.entries(properties as Record<string, Record<string, unknown>>)) {
      const type = typeof schema.type === "string" ? schema.type : JSON.stringify(schema.type ?? "");
      const propertyDescription = typeof schema.description === "string" ? schema.description : "";
      total += 3 + countText(`${key}:${type}:${propertyDescription}`);
      if (Array.isArray(schema.enum)) {
        total -= 3;
        for (const item of schema.enum) total += 3 + countText(String(item));
      }
      // Nested schemas are not in the recipe; their JSON text is a close upper bound.
      if (schema.properties !== undefined) total += countText(JSON.stringify(schema.properties));
      if (schema.items !== undefined) total += countText(JSON.stringify(schema.items));
    }
  }
  return total;
}

function countMessages(
  messages: readonly ChatMessage[],
  tools: readonly ToolDefinition[],
  countText: CountText,
  exact: boolean,
): number {
  let total = replyPriming + countTools(tools, countText);
  for (const message of messages) {
    total += tokensPerMessage + countText(message.role) + countContent(message.content, countText, exact);
    if (message.role === "user" && message.name !== undefined)
      total += tokensPerName + countText(message.name);
    if (message.role === "assistant" && message.tool_calls !== undefined) {
      total += countToolCalls(message.tool_calls, countText);
    }
  }
  return total;
}

/**
 * The number of input tokens a chat prompt (with its tools) takes for a model.
 * @example await countPromptTokens("openai/gpt-4o", [{ role: "user", content: "Hello" }]) // { count: 8, exact: true, tokenizer: "o200k_base" }
 */
export async function countPromptTokens(
  model: string,
  messages: ChatMessage[],
  options: CountPromptTokensOptions = {},
): Promise<TokenCount> {
  const tools = options.tools ?? [];
  const encodingName = options.customTokenizer ?? encodingForModel(model);
  if (encodingName === undefined) {
    return {
      count: countMessages(messages, tools, estimateTokens, false),
      exact: false,
      tokenizer: "estimate",
    };
  }
  const encoding = await loadEncoding(encodingName);
  // Special-token text such as "<|endoftext|>" in user content is plain text to the API, and
  // gpt-tokenizer would otherwise throw on it.
  const plain = { disallowedSpecial: new Set<string>() };
  const countText: CountText = (text) => encoding.countTokens(text, plain);
  return { count: countMessages(messages, tools, countText, true), exact: true, tokenizer: encodingName };
}
