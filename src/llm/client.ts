/**
 * `createLlm`: a client for one named LLM config that honours every field — retries, timeouts, token
 * limits, costs, completion logs and fallbacks — over an AI SDK provider model called directly
 * (`doGenerate` / `doStream`, so no retry or buffering of the SDK's own sits underneath ours).
 */
import type { Config } from "../config/load.ts";
import type { ResolvedLlmConfig } from "../config/schema.ts";
import { abortError, attemptOnce, classify, combineSignals } from "./attempt.ts";
import { streamOutputBound } from "./bounds.ts";
import type { CompleteRequest, Completion, Llm, LlmEvent } from "./completion.ts";
import { writeCompletionLog } from "./completion-log.ts";
import { computeCost } from "./cost.ts";
import { LlmError, toLlmError } from "./errors.ts";
import type { ChatMessage, ToolDefinition } from "./messages.ts";
import { createMetrics, type LlmMetrics } from "./metrics.ts";
import { loadModelCatalog } from "./model-catalog.ts";
import {
  chooseProvider,
  createProviderModel,
  isOpenAiCompatible,
  type ProviderModel,
} from "./providers/registry.ts";
import { describeModel, findBodyExtras, type ModelFacts, prepareCall, withBodyExtras } from "./request.ts";
import type { Answer } from "./response.ts";
import { runWithRetries, type Sleep } from "./retry.ts";
import { findLlmSecrets } from "./secrets.ts";
import { streamCompletion } from "./stream.ts";
import { checkTokenLimit } from "./token-limit.ts";

// The call's shapes live in completion.ts; they stay importable from here, where callers met them first.
export type {
  CallParameters,
  CompleteRequest,
  Completion,
  CompletionRequest,
  Llm,
  LlmEvent,
  LlmStream,
  ResponseFormat,
} from "./completion.ts";
export type { StreamDelta } from "./response.ts";

/** Options of `createLlm`. */
export interface CreateLlmOptions {
  /** The config's name, used in errors, metrics and logs. @default "llm" */
  name?: string;
  /** Looks up the configs named in `fallbacks`; without it a config with fallbacks cannot use them. */
  resolveConfig?: (name: string) => Readonly<ResolvedLlmConfig>;
  /** The fetch every provider sends with (tests inject one). @default globalThis.fetch */
  fetch?: typeof globalThis.fetch;
  /** Aborts every call of this client. */
  signal?: AbortSignal;
  onEvent?: (event: LlmEvent) => void;
  /** Waits between attempts. @default real timers, cancelled by the abort signal */
  sleep?: Sleep;
  /** Millisecond clock for latency and total time. @default performance.now */
  now?: () => number;
  /** Wall clock for log file timestamps, in ms since the epoch. @default Date.now */
  wallClock?: () => number;
  /** Where provider API keys are read from when `api_key` is unset. @default process.env */
  env?: Readonly<Record<string, string | undefined>>;
  /** A metrics store to share between clients. @default a new one */
  metrics?: LlmMetrics;
}

interface Link {
  name: string;
  config: Readonly<ResolvedLlmConfig>;
  /** Described on the first call, once the model's catalog file is loaded. */
  facts?: ModelFacts | undefined;
  secrets: string[];
  model?: Promise<ProviderModel> | undefined;
}

/**
 * Creates a client for a resolved config; providers are imported on the first call.
 * @example
 * const config = await loadConfig();
 * const llm = createLlm(config.getLlmConfig("fast"), { name: "fast", resolveConfig: config.getLlmConfig });
 * const { text, cost } = await llm.complete({ messages: [{ role: "user", content: "Hello" }] });
 */
export function createLlm(config: Readonly<ResolvedLlmConfig>, options: CreateLlmOptions = {}): Llm {
  const name = options.name ?? "llm";
  const env = options.env ?? process.env;
  const baseFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => performance.now());
  const wallClock = options.wallClock ?? Date.now;
  const metrics = options.metrics ?? createMetrics();
  const emit = (event: LlmEvent) => options.onEvent?.(event);
  const links = new Map<string, Link>();
  /** Log folders that failed: a warning per call would bury the answers of a long run. */
  const unwritableLogFolders = new Set<string>();

  const linkOf = (linkName: string, linkConfig: Readonly<ResolvedLlmConfig>): Link => {
    let link = links.get(linkName);
    if (link === undefined) {
      link = {
        name: linkName,
        config: linkConfig,
        secrets: findLlmSecrets(linkConfig, env),
      };
      links.set(linkName, link);
    }
    return link;
  };

  const modelOf = (link: Link): Promise<ProviderModel> => {
    if (link.model === undefined) {
      const { provider } = chooseProvider(link.config, link.name);
      const extras = findBodyExtras(link.config, provider, isOpenAiCompatible(provider, link.config));
      const fetch = extras === undefined ? baseFetch : withBodyExtras(baseFetch, extras);
      link.model = createProviderModel({ config: link.config, configName: link.name, fetch, env });
      // A failed setup (missing key) must be retried on the next call, not cached.
      link.model.catch(() => {
        link.model = undefined;
      });
    }
    return link.model;
  };

  const runLink = async (
    link: Link,
    request: CompleteRequest,
    signal: AbortSignal | undefined,
    counter: { attempts: number },
  ): Promise<{ answer: Answer; notes: string[]; attempts: number; messages: ChatMessage[] }> => {
    const { config } = link;
    const context = { configName: link.name, model: config.model, secrets: link.secrets };
    const target = await modelOf(link);
    let overrides: { temperature?: number } = {};
    await loadModelCatalog(config.model);
    link.facts ??= describeModel(config.model);
    const facts = link.facts;
    let prepared = prepareCall(config, link.name, target, request, overrides, facts);
    await checkTokenLimit(
      link.name,
      config,
      { messages: prepared.sentMessages, tools: request.tools },
      facts,
    );
    const delivered = { any: false };
    const outputBound = streamOutputBound(config, facts.info);
    const result = await runWithRetries(
      async (attempt) => {
        counter.attempts += 1;
        emit({ type: "request", configName: link.name, model: config.model, attempt });
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
          const error = classify(thrown, context, signal, delivered.any);
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
        ...(options.sleep === undefined ? {} : { sleep: options.sleep }),
        now,
        signal,
        onRetry: (notice) =>
          emit({
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
  };

  const complete = async (request: CompleteRequest): Promise<Completion> => {
    const started = now();
    const signal = combineSignals(options.signal, request.signal);
    // Fallbacks chain depth-first: when a fallback fails too, its own fallbacks come before the rest
    // of the list. The config core rejects cycles; `tried` guards against repeats all the same.
    const pending: string[] = [...config.fallbacks];
    const tried = new Set<string>();
    const counter = { attempts: 0 };
    const failures: LlmError[] = [];
    for (let linkName: string | undefined = name; linkName !== undefined; linkName = pending.shift()) {
      if (tried.has(linkName)) continue;
      tried.add(linkName);
      const isFallback = linkName !== name;
      let link: Link;
      try {
        link = linkOf(linkName, isFallback ? resolveFallback(linkName, name, options.resolveConfig) : config);
      } catch (thrown) {
        throw toLlmError(thrown, { configName: linkName, model: "?" });
      }
      const linkStarted = now();
      const attemptsBefore = counter.attempts;
      try {
        if (signal?.aborted)
          throw toLlmError(signal.reason ?? abortError(), {
            configName: link.name,
            model: link.config.model,
          });
        const { answer, notes, messages } = await runLink(link, request, signal, counter);
        const latencyMs = now() - started;
        const cost = computeCost(link.config.model, answer.usage, link.config);
        metrics.record({
          configName: link.name,
          ok: true,
          attempts: counter.attempts - attemptsBefore,
          usage: answer.usage,
          costUsd: cost.usd,
          latencyMs: now() - linkStarted,
          fallbackFrom: isFallback ? name : undefined,
        });
        emit({
          type: "response",
          configName: link.name,
          model: link.config.model,
          attempts: counter.attempts,
          latencyMs,
          usage: answer.usage,
          costUsd: cost.usd,
        });
        const completion: Completion = {
          text: answer.text,
          toolCalls: answer.toolCalls,
          finishReason: answer.finishReason,
          usage: answer.usage,
          cost,
          latencyMs,
          attempts: counter.attempts,
          configName: link.name,
          requestedConfig: name,
          model: link.config.model,
          notes,
          message: {
            role: "assistant",
            content: answer.text === "" && answer.toolCalls.length > 0 ? null : answer.text,
            ...(answer.toolCalls.length > 0 ? { tool_calls: answer.toolCalls } : {}),
          },
        };
        if (link.config.log_completions) await logCompletion(link, completion, messages, request.tools);
        return completion;
      } catch (thrown) {
        const error = toLlmError(thrown, {
          configName: link.name,
          model: link.config.model,
          secrets: link.secrets,
        });
        metrics.record({
          configName: link.name,
          ok: false,
          attempts: counter.attempts - attemptsBefore,
          kind: error.kind,
          latencyMs: now() - linkStarted,
        });
        emit({
          type: "error",
          configName: link.name,
          model: link.config.model,
          kind: error.kind,
          status: error.status,
          message: error.message,
        });
        failures.push(error);
        if (isFallback) pending.unshift(...link.config.fallbacks);
        const next = pending.find((candidate) => !tried.has(candidate));
        if (next === undefined || !error.fallbackEligible || signal?.aborted)
          throw withPrevious(error, failures, counter.attempts);
        emit({ type: "fallback", from: link.name, to: next, kind: error.kind, message: error.message });
      }
    }
    throw new Error("unreachable: the first config is always tried");
  };

  const logCompletion = async (
    link: Link,
    completion: Completion,
    messages: ChatMessage[],
    tools: ToolDefinition[] | undefined,
  ) => {
    try {
      const file = await writeCompletionLog(
        link.config.log_completions_folder,
        {
          config: link.name,
          model: link.config.model,
          messages,
          tools,
          response: {
            text: completion.text,
            tool_calls: completion.toolCalls,
            finish_reason: completion.finishReason,
          },
          usage: completion.usage,
          cost: completion.cost,
          latency_ms: completion.latencyMs,
          attempts: completion.attempts,
          timestamp: wallClock() / 1000,
          notes: completion.notes.length > 0 ? completion.notes : undefined,
        },
        link.secrets,
      );
      emit({ type: "log", configName: link.name, file });
    } catch (thrown) {
      // A log that cannot be written must not lose an answer that was paid for.
      const folder = link.config.log_completions_folder;
      if (unwritableLogFolders.has(folder)) return;
      unwritableLogFolders.add(folder);
      emit({ type: "log-failed", configName: link.name, folder, message: (thrown as Error).message });
    }
  };

  return {
    name,
    config,
    metrics,
    complete,
    stream(request) {
      return streamCompletion(complete, request);
    },
  };
}

/**
 * Creates a client for a named config of a loaded configuration, with its fallbacks resolvable. Throws
 * the located `ConfigError` of an unset `${VAR}` the config (or a fallback) needs, before any request.
 * @example const llm = createLlmFromConfig(await loadConfig(), "fast");
 */
export function createLlmFromConfig(
  loaded: Pick<Config, "usableLlmConfig" | "defaultLlmName">,
  name: string = loaded.defaultLlmName,
  options: Omit<CreateLlmOptions, "name" | "resolveConfig"> = {},
): Llm {
  // usableLlmConfig throws, located, before any request when this config or a fallback needs an
  // unset ${VAR} (H8).
  return createLlm(loaded.usableLlmConfig(name), {
    ...options,
    name,
    resolveConfig: (fallback) => loaded.usableLlmConfig(fallback),
  });
}

function resolveFallback(
  fallback: string,
  from: string,
  resolveConfig: CreateLlmOptions["resolveConfig"],
): Readonly<ResolvedLlmConfig> {
  if (resolveConfig === undefined) {
    throw new LlmError(
      `config "${from}" lists fallback "${fallback}", but the client was created without resolveConfig (use createLlmFromConfig)`,
      { kind: "provider_setup", configName: from, model: "?" },
    );
  }
  return resolveConfig(fallback);
}

/** The last config's error, saying how many attempts were made over every config tried. */
function withPrevious(error: LlmError, failures: readonly LlmError[], attempts: number): LlmError {
  if (failures.length <= 1) return error;
  const tried = failures.map((failure) => failure.configName).join(" → ");
  const total = `${attempts} attempt${attempts === 1 ? "" : "s"} over ${failures.length} configs`;
  const wrapped = new LlmError(`${error.message} (${total}: ${tried})`, {
    kind: error.kind,
    configName: error.configName,
    model: error.model,
    status: error.status,
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs,
    cause: error,
  });
  return Object.assign(wrapped, { previous: failures.slice(0, -1) });
}
