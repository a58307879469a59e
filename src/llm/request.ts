/**
 * Config + messages → the options of one provider call: every sampling and limit field, reasoning
 * effort, prompt caching, vision, `drop_params` and `completion_kwargs`. Pure: no I/O, no clock.
 */
import type { LanguageModelV3CallOptions, SharedV3ProviderOptions } from "@ai-sdk/provider";
import type { ResolvedLlmConfig } from "../config/schema.ts";
import type { CompletionRequest } from "./completion.ts";
import { LlmError } from "./errors.ts";
import type { ChatMessage } from "./messages.ts";
import { acceptsSamplingParameters, getModelFeatures, matchesModelPattern } from "./model-features.ts";
import { getModelInfo } from "./model-info.ts";
import { toPrompt, toToolChoice, toTools, truncateMessages } from "./prompt.ts";
import type { ProviderModel } from "./providers/registry.ts";
import { sendsResponseSchema, withJsonInstruction } from "./response-format.ts";

/** A call ready to send: the AI SDK options, the messages as sent, and what was left out and why. */
export interface PreparedCall {
  options: LanguageModelV3CallOptions;
  /** The messages after `max_message_chars` truncation: what the log records. */
  sentMessages: ChatMessage[];
  /** Parameters dropped or ignored, one sentence each (`drop_params`, unsupported fields). */
  notes: string[];
}

/** What the name patterns and the model table say about a model; computed once per client. */
export interface ModelFacts {
  features: ReturnType<typeof getModelFeatures>;
  info: ReturnType<typeof getModelInfo>;
  acceptsSampling: boolean;
}

/** Looks a model up in the feature patterns and the model table. */
export function describeModel(model: string): ModelFacts {
  return {
    features: getModelFeatures(model),
    info: getModelInfo(model),
    acceptsSampling: acceptsSamplingParameters(model),
  };
}

/** Per-call overrides the runtime itself decides (OpenHands raises temperature after an empty answer). */
export interface CallOverrides {
  temperature?: number;
}

// Keys llmconf reads itself from completion_kwargs; they are never sent.
const runtimeKeys = new Set(["reply_script"]);

const gemini25Pro = ["gemini-2.5-pro*"];
const neverReasoningEffort = ["claude-sonnet-4-5*", "claude-haiku-4-5*"];
const claudeNoTopPWithTemperature = ["claude-opus-4*", "claude-sonnet-4*", "claude-haiku-4*"];

/** The provider's side of a call: its family, the `providerOptions` key it reads, its wire format. */
type CallTarget = Pick<ProviderModel, "provider" | "optionsKey" | "openAiCompatible">;

/** A call being built: the options so far, and where notes and provider options go. */
interface CallDraft {
  config: Readonly<ResolvedLlmConfig>;
  target: CallTarget;
  options: LanguageModelV3CallOptions;
  notes: string[];
  /** The provider options under `key`, created on first use. */
  optionsOf: (key: string) => Record<string, unknown>;
  /** A field this model does not take: dropped with a note under `drop_params`, an error otherwise. */
  unsupported: (field: string, why: string) => void;
}

/**
 * Builds the provider call for a request under a config.
 * @example prepareCall(config, providerModel, { messages: [{ role: "user", content: "hi" }] })
 */
export function prepareCall(
  config: Readonly<ResolvedLlmConfig>,
  configName: string,
  target: CallTarget,
  request: CompletionRequest,
  overrides: CallOverrides = {},
  facts: ModelFacts = describeModel(config.model),
): PreparedCall {
  const model = config.model;
  checkRequest(config, configName, request);
  const notes: string[] = [];
  const { sentMessages, options } = toCallPrompt(config, target, request, facts, notes);
  const providerOptions: Record<string, Record<string, unknown>> = {};
  const draft: CallDraft = {
    config,
    target,
    options,
    notes,
    optionsOf: (key) => {
      providerOptions[key] ??= {};
      return providerOptions[key] as Record<string, unknown>;
    },
    unsupported: (field, why) => {
      if (!config.drop_params) {
        throw new LlmError({
          detail: `${field} is not accepted by this model (${why}); set drop_params = true to drop it`,
          kind: "bad_request",
          configName,
          model,
        });
      }
      notes.push(`${field} dropped: ${why}`);
    },
  };
  applySampling(draft, request.parameters ?? {}, overrides, facts);
  applyOutput(draft, request, facts);
  applyReasoningEffort(config, target, facts.features.reasoningEffort, draft.optionsOf, notes);
  applyProviderFields(draft, request);
  if (Object.keys(providerOptions).length > 0)
    options.providerOptions = providerOptions as SharedV3ProviderOptions;
  return { options, sentMessages, notes };
}

/** Refuses, before anything is built, a request no provider could take under this config. */
function checkRequest(
  config: Readonly<ResolvedLlmConfig>,
  configName: string,
  request: CompletionRequest,
): void {
  const model = config.model;
  if (request.messages.length === 0) {
    throw new LlmError({ detail: "no messages to send", kind: "bad_request", configName, model });
  }
  if (config.native_tool_calling === false && (request.tools?.length ?? 0) > 0) {
    throw new LlmError({
      detail:
        "native_tool_calling = false, and the prompt-based tool converter is not part of the runtime; remove the setting or call without tools",
      kind: "bad_request",
      configName,
      model,
    });
  }
}

/** The messages as sent (truncated, a schema instruction added where needed) and the prompt built from them. */
function toCallPrompt(
  config: Readonly<ResolvedLlmConfig>,
  target: CallTarget,
  request: CompletionRequest,
  facts: ModelFacts,
  notes: string[],
): { sentMessages: ChatMessage[]; options: LanguageModelV3CallOptions } {
  const format = request.responseFormat;
  const truncated = truncateMessages(request.messages, config.max_message_chars);
  const instructed = format?.type === "json" && format.schema !== undefined && !sendsResponseSchema(target);
  const sentMessages = instructed ? withJsonInstruction(truncated, format) : truncated;
  if (instructed)
    notes.push(`response schema sent as an instruction: ${target.provider} gets JSON mode without a schema`);
  const vision = config.disable_vision !== true && facts.info?.supportsVision !== false;
  const cacheControl = config.caching_prompt && facts.features.promptCache && target.provider === "anthropic";
  return {
    sentMessages,
    options: { prompt: toPrompt(sentMessages, { vision, cacheControl, maxMessageChars: 0 }) },
  };
}

/** temperature, top_p, top_k and seed: each where the model and the provider's API take it. */
function applySampling(
  draft: CallDraft,
  parameters: NonNullable<CompletionRequest["parameters"]>,
  overrides: CallOverrides,
  facts: ModelFacts,
): void {
  const { config, options, unsupported } = draft;
  const { provider, optionsKey, openAiCompatible } = draft.target;
  const temperature = overrides.temperature ?? parameters.temperature ?? config.temperature;
  let topP: number | undefined = parameters.topP ?? config.top_p;
  if (facts.acceptsSampling) {
    options.temperature = temperature;
    if (provider === "anthropic" && matchesModelPattern(config.model, claudeNoTopPWithTemperature)) {
      // These Claude models reject temperature and top_p together (OpenHands drops top_p too).
      topP = undefined;
    }
    if (topP !== undefined) options.topP = topP;
  } else {
    unsupported("temperature", "reasoning models take no sampling parameters");
    unsupported("top_p", "reasoning models take no sampling parameters");
  }
  const topK = parameters.topK ?? config.top_k;
  if (topK !== null) {
    if (openAiCompatible) draft.optionsOf(optionsKey).top_k = topK;
    else if (provider === "openai" || provider === "azure")
      unsupported("top_k", "the OpenAI API has no top_k");
    else options.topK = topK;
  }
  const seed = parameters.seed ?? config.seed;
  if (seed !== null) {
    if (provider === "anthropic") unsupported("seed", "the Anthropic API has no seed");
    else options.seed = seed;
  }
}

/** The answer's length, stop sequences, penalties and format. */
function applyOutput(draft: CallDraft, request: CompletionRequest, facts: ModelFacts): void {
  const { options } = draft;
  const parameters = request.parameters ?? {};
  const maxOutput =
    parameters.maxOutputTokens ?? draft.config.max_output_tokens ?? facts.info?.maxOutputTokens;
  if (maxOutput !== undefined) options.maxOutputTokens = maxOutput;
  if (parameters.stopSequences !== undefined && parameters.stopSequences.length > 0)
    options.stopSequences = parameters.stopSequences;
  if (parameters.presencePenalty !== undefined) options.presencePenalty = parameters.presencePenalty;
  if (parameters.frequencyPenalty !== undefined) options.frequencyPenalty = parameters.frequencyPenalty;
  const format = request.responseFormat;
  if (format?.type === "json") {
    // The provider packages turn this into their own structured-output request (or plain JSON mode).
    options.responseFormat = format as NonNullable<LanguageModelV3CallOptions["responseFormat"]>;
  }
}

/** Gemini's safety settings, the tools and tool choice, and `completion_kwargs` for clients that carry them. */
function applyProviderFields(draft: CallDraft, request: CompletionRequest): void {
  const { config, options, notes } = draft;
  const { provider, optionsKey, openAiCompatible } = draft.target;
  if (config.safety_settings !== null) {
    if (provider === "gemini") draft.optionsOf("google").safetySettings = config.safety_settings;
    else notes.push(`safety_settings ignored: only Gemini models take them here`);
  }
  if (request.tools !== undefined && request.tools.length > 0) options.tools = toTools(request.tools);
  if (request.toolChoice !== undefined) options.toolChoice = toToolChoice(request.toolChoice);
  const extras = findCompletionKwargs(config);
  if (extras !== undefined) {
    // The compatible client and Bedrock carry raw extra fields in their options; the others get the
    // keys merged into the JSON body by the fetch (findBodyExtras), so any provider parameter passes.
    if (openAiCompatible) Object.assign(draft.optionsOf(optionsKey), extras);
    else if (provider === "bedrock") draft.optionsOf("bedrock").additionalModelRequestFields = extras;
  }
}

/** `completion_kwargs` without the keys llmconf reads itself, or undefined when none are left. */
export function findCompletionKwargs(
  config: Readonly<ResolvedLlmConfig>,
): Record<string, unknown> | undefined {
  const kwargs = Object.entries(config.completion_kwargs ?? {}).filter(([key]) => !runtimeKeys.has(key));
  return kwargs.length > 0 ? Object.fromEntries(kwargs) : undefined;
}

/** The `completion_kwargs` the fetch must merge into the body: for clients whose options cannot carry them. */
export function findBodyExtras(
  config: Readonly<ResolvedLlmConfig>,
  provider: string,
  openAiCompatible: boolean,
): Record<string, unknown> | undefined {
  if (openAiCompatible || provider === "bedrock" || provider === "mock") return undefined;
  return findCompletionKwargs(config);
}

/** reasoning_effort in the form each provider takes it (Gemini: a thinking budget), or a note why not. */
function applyReasoningEffort(
  config: Readonly<ResolvedLlmConfig>,
  target: CallTarget,
  modelTakesIt: boolean,
  optionsOf: (key: string) => Record<string, unknown>,
  notes: string[],
): void {
  const effort = config.reasoning_effort;
  const model = config.model;
  if (target.provider === "gemini" && matchesModelPattern(model, gemini25Pro)) {
    // OpenHands: Gemini 2.5 Pro with no, "low" or "none" effort thinks on a 128-token budget.
    const budgets: Record<string, number> = { medium: 2048, high: 4096 };
    optionsOf("google").thinkingConfig = { thinkingBudget: budgets[effort ?? "low"] ?? 128 };
    return;
  }
  if (effort === null) return;
  if (!modelTakesIt) {
    notes.push(`reasoning_effort ignored: ${model} is not a reasoning model`);
    return;
  }
  if (matchesModelPattern(model, neverReasoningEffort)) {
    notes.push(`reasoning_effort ignored: OpenHands never sends it to ${model}`);
    return;
  }
  if (target.openAiCompatible) optionsOf(target.optionsKey).reasoningEffort = effort;
  else if (target.provider === "openai" || target.provider === "azure") {
    optionsOf("openai").reasoningEffort = effort;
    if (target.provider === "azure") optionsOf("azure").reasoningEffort = effort;
  } else if (target.provider === "gemini") {
    const budgets: Record<string, number> = { low: 1024, medium: 2048, high: 4096 };
    optionsOf("google").thinkingConfig = { thinkingBudget: budgets[effort] ?? 2048 };
  } else notes.push(`reasoning_effort ignored: not supported for ${target.provider} here`);
}

/**
 * Wraps a fetch so JSON POST bodies get extra top-level keys (`completion_kwargs` passed through).
 * @example const send = withBodyExtras(fetch, { logprobs: true });
 */
export function withBodyExtras(
  fetch: typeof globalThis.fetch,
  extras: Record<string, unknown>,
): typeof globalThis.fetch {
  return (input, init) => {
    if (init?.method === "POST" && typeof init.body === "string") {
      try {
        const body = JSON.parse(init.body) as Record<string, unknown>;
        return fetch(input, { ...init, body: JSON.stringify({ ...body, ...extras }) });
      } catch {
        // Not JSON: send it as it is.
      }
    }
    return fetch(input, init);
  };
}
