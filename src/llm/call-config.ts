/**
 * One config's part of a call: its provider model (imported on first use), the request built for it,
 * `max_input_tokens` checked, then attempts under its retry policy. The fallback chain (fallbacks.ts)
 * runs this once per config it tries.
 */
import type { ResolvedLlmConfig } from "../config/schema.ts";
import { attemptOnce, classify } from "./attempt.ts";
import { streamOutputBound } from "./bounds.ts";
import type { CompleteRequest, LlmEvent } from "./completion.ts";
import type { ChatMessage } from "./messages.ts";
import { loadModelCatalog } from "./model-catalog.ts";
import {
  chooseProvider,
  createProviderModel,
  isOpenAiCompatible,
  type ProviderModel,
} from "./providers/registry.ts";
import {
  type CallOverrides,
  describeModel,
  findBodyExtras,
  type ModelFacts,
  prepareCall,
  withBodyExtras,
} from "./request.ts";
import type { Answer } from "./response.ts";
import { runWithRetries, type Sleep } from "./retry.ts";
import { findLlmSecrets } from "./secrets.ts";
import { checkTokenLimit } from "./token-limit.ts";

/** A config as a client calls it: kept per name, so its model and facts are built once. */
export interface ConfigLink {
  name: string;
  config: Readonly<ResolvedLlmConfig>;
  /** Described on the first call, once the model's catalog file is loaded. */
  facts?: ModelFacts | undefined;
  secrets: string[];
  model?: Promise<ProviderModel> | undefined;
}

/** What a config's call needs of its client. */
export interface CallContext {
  fetch: typeof globalThis.fetch;
  env: Readonly<Record<string, string | undefined>>;
  emit: (event: LlmEvent) => void;
  sleep?: Sleep | undefined;
  now: () => number;
  /** Counts attempts over every config of the call. */
  counter: { attempts: number };
}

/** What a config answered, with the messages as sent and the notes on what was dropped. */
export interface ConfigAnswer {
  answer: Answer;
  notes: string[];
  attempts: number;
  messages: ChatMessage[];
}

/** A link for a config, its secrets found once (for redaction in errors and logs). */
export function createConfigLink(
  name: string,
  config: Readonly<ResolvedLlmConfig>,
  env: Readonly<Record<string, string | undefined>>,
): ConfigLink {
  return { name, config, secrets: findLlmSecrets(config, env) };
}

/** The link's provider model, imported and built on first use. */
function modelOf(link: ConfigLink, context: CallContext): Promise<ProviderModel> {
  if (link.model === undefined) {
    const { provider } = chooseProvider(link.config, link.name);
    const extras = findBodyExtras(link.config, provider, isOpenAiCompatible(provider, link.config));
    const fetch = extras === undefined ? context.fetch : withBodyExtras(context.fetch, extras);
    link.model = createProviderModel({ config: link.config, configName: link.name, fetch, env: context.env });
    // A failed setup (missing key) must be retried on the next call, not cached.
    link.model.catch(() => {
      link.model = undefined;
    });
  }
  return link.model;
}

/**
 * Calls one config: builds its request, checks the prompt's size, and makes attempts until one
 * answers or its retry policy gives up (throwing an `LlmError`).
 * @example const { answer } = await callConfig(link, { messages }, signal, context);
 */
export async function callConfig(
  link: ConfigLink,
  request: CompleteRequest,
  signal: AbortSignal | undefined,
  context: CallContext,
): Promise<ConfigAnswer> {
  const { config } = link;
  const errorContext = { configName: link.name, model: config.model, secrets: link.secrets };
  const target = await modelOf(link, context);
  let overrides: CallOverrides = {};
  await loadModelCatalog(config.model);
  link.facts ??= describeModel(config.model);
  const facts = link.facts;
  let prepared = prepareCall(config, link.name, target, request, overrides, facts);
  await checkTokenLimit(link.name, config, { messages: prepared.sentMessages, tools: request.tools }, facts);
  const delivered = { any: false };
  const outputBound = streamOutputBound(config, facts.info);
  const result = await runWithRetries(
    async (attempt) => {
      context.counter.attempts += 1;
      context.emit({ type: "request", configName: link.name, model: config.model, attempt });
      try {
        return await attemptOnce(
          target.model,
          prepared.options,
          config,
          signal,
          request,
          delivered,
          outputBound,
        );
      } catch (thrown) {
        const error = classify(thrown, errorContext, signal, delivered.any);
        const temperature = overrides.temperature ?? request.parameters?.temperature ?? config.temperature;
        if (error.kind === "empty_response" && temperature === 0) {
          // OpenHands: an empty answer at temperature 0 is retried at temperature 1.
          overrides = { temperature: 1 };
          prepared = prepareCall(config, link.name, target, request, overrides, facts);
        }
        throw error;
      }
    },
    {
      policy: config,
      ...(context.sleep === undefined ? {} : { sleep: context.sleep }),
      now: context.now,
      signal,
      onRetry: (notice) =>
        context.emit({
          type: "retry",
          configName: link.name,
          model: config.model,
          attempt: notice.attempt,
          attempts: notice.attempts,
          kind: notice.error.kind,
          status: notice.error.status,
          waitMs: notice.waitMs,
          fromRetryAfter: notice.fromRetryAfter,
          message: notice.error.message,
        }),
    },
  );
  return {
    answer: result.value,
    notes: prepared.notes,
    attempts: result.attempts,
    messages: prepared.sentMessages,
  };
}
