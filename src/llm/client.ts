/**
 * `createLlm`: a client for one named LLM config that honours every field — retries, timeouts, token
 * limits, costs, completion logs and fallbacks — over an AI SDK provider model called directly
 * (`doGenerate` / `doStream`, so no retry or buffering of the SDK's own sits underneath ours).
 */
import type { Config } from "../config/load.ts";
import type { ResolvedLlmConfig } from "../config/schema.ts";
import { abortError, combineSignals } from "./attempt.ts";
import { type CallContext, type ConfigLink, callConfig, createConfigLink } from "./call-config.ts";
import {
  type CompleteRequest,
  type Completion,
  type Llm,
  type LlmEvent,
  toCompletion,
} from "./completion.ts";
import { toCompletionLogRecord, writeCompletionLog } from "./completion-log.ts";
import { computeCost } from "./cost.ts";
import { LlmError, toLlmError } from "./errors.ts";
import { runWithFallbacks } from "./fallbacks.ts";
import type { ChatMessage, ToolDefinition } from "./messages.ts";
import { createMetrics, type LlmMetrics } from "./metrics.ts";
import type { Sleep } from "./retry.ts";
import { streamCompletion } from "./stream.ts";

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
  /** Told of every request, retry, fallback, answer, error and log file; events never carry a secret. */
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
  const now = options.now ?? (() => performance.now());
  const client: ClientState = {
    name,
    env,
    fetch: options.fetch ?? globalThis.fetch,
    now,
    wallClock: options.wallClock ?? Date.now,
    sleep: options.sleep,
    metrics: options.metrics ?? createMetrics(),
    emit: (event) => options.onEvent?.(event),
    links: new Map(),
    unwritableLogFolders: new Set(),
  };
  const open = (linkName: string): ConfigLink => {
    try {
      // Looked up on every call, as before links were kept: a config that became unusable says so.
      const linkConfig = linkName === name ? config : resolveFallback(linkName, name, options.resolveConfig);
      let link = client.links.get(linkName);
      if (link === undefined) {
        link = createConfigLink(linkName, linkConfig, env);
        client.links.set(linkName, link);
      }
      return link;
    } catch (thrown) {
      throw toLlmError(thrown, { configName: linkName, model: "?" });
    }
  };
  const complete = (request: CompleteRequest): Promise<Completion> => {
    const call: CallState = {
      request,
      started: now(),
      signal: combineSignals(options.signal, request.signal),
      counter: { attempts: 0 },
    };
    return runWithFallbacks(name, (link, isFallback) => completeWith(client, call, link, isFallback), {
      open,
      countAttempts: () => call.counter.attempts,
      signal: call.signal,
      onFallback: ({ from, to, error }) =>
        client.emit({ type: "fallback", from, to, kind: error.kind, message: error.message }),
    });
  };
  return {
    name,
    config,
    metrics: client.metrics,
    complete,
    stream(request) {
      return streamCompletion(complete, request);
    },
  };
}

/** What a client keeps between calls. */
interface ClientState {
  /** The config the client was created for. */
  name: string;
  env: Readonly<Record<string, string | undefined>>;
  fetch: typeof globalThis.fetch;
  now: () => number;
  wallClock: () => number;
  sleep: Sleep | undefined;
  metrics: LlmMetrics;
  emit: (event: LlmEvent) => void;
  links: Map<string, ConfigLink>;
  /** Log folders that failed: a warning per call would bury the answers of a long run. */
  unwritableLogFolders: Set<string>;
}

/** What one call keeps across the configs it tries. */
interface CallState {
  request: CompleteRequest;
  started: number;
  signal: AbortSignal | undefined;
  counter: { attempts: number };
}

/** One config's try within a call: its answer recorded and logged, or its error recorded and thrown. */
async function completeWith(
  client: ClientState,
  call: CallState,
  link: ConfigLink,
  isFallback: boolean,
): Promise<Completion> {
  const { now, metrics, emit } = client;
  const { request, signal, counter } = call;
  const linkStarted = now();
  const attemptsBefore = counter.attempts;
  try {
    if (signal?.aborted)
      throw toLlmError(signal.reason ?? abortError(), { configName: link.name, model: link.config.model });
    const context: CallContext = {
      fetch: client.fetch,
      env: client.env,
      emit,
      sleep: client.sleep,
      now,
      counter,
    };
    const { answer, notes, messages } = await callConfig(link, request, signal, context);
    const latencyMs = now() - call.started;
    const cost = computeCost(link.config.model, answer.usage, link.config);
    metrics.record({
      configName: link.name,
      ok: true,
      attempts: counter.attempts - attemptsBefore,
      usage: answer.usage,
      costUsd: cost.usd,
      latencyMs: now() - linkStarted,
      fallbackFrom: isFallback ? client.name : undefined,
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
    const completion = toCompletion(answer, {
      cost,
      latencyMs,
      attempts: counter.attempts,
      configName: link.name,
      requestedConfig: client.name,
      model: link.config.model,
      notes,
    });
    if (link.config.log_completions) await logCompletion(client, link, completion, messages, request.tools);
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
    throw error;
  }
}

/** Writes the completion log; a log that cannot be written must not lose an answer that was paid for. */
async function logCompletion(
  client: ClientState,
  link: ConfigLink,
  completion: Completion,
  messages: ChatMessage[],
  tools: ToolDefinition[] | undefined,
): Promise<void> {
  const folder = link.config.log_completions_folder;
  try {
    const record = toCompletionLogRecord(completion, messages, tools, client.wallClock() / 1000);
    const file = await writeCompletionLog(folder, record, link.secrets);
    client.emit({ type: "log", configName: link.name, file });
  } catch (thrown) {
    if (client.unwritableLogFolders.has(folder)) return;
    client.unwritableLogFolders.add(folder);
    client.emit({ type: "log-failed", configName: link.name, folder, message: (thrown as Error).message });
  }
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

/** A fallback's config, or a `provider_setup` error when the client cannot look configs up. */
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
