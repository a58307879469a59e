/**
 * The translated path: a chat call run through the LLM runtime (`createLlm`, clients kept per
 * config and request parameters: runtime-clients.ts), so any provider the runtime speaks (Anthropic,
 * Gemini, Bedrock, ...) answers, with its retries, fallbacks, limits, completion logs and costs. A
 * stream is started here and its first delta awaited, so a failure before any byte reached the client
 * is still an HTTP error rather than a broken stream.
 */
import type { Config } from "../config/load.ts";
import type { ResolvedLlmConfig } from "../config/schema.ts";
import {
  type Completion,
  type CompletionRequest,
  createLlm,
  createMetrics,
  type LlmEvent,
  type LlmMetrics,
  type StreamDelta,
} from "../llm/index.ts";
import type { ChatCall } from "./chat-call.ts";
import { applyRequestParams } from "./params.ts";
import { leaseRuntimeClient, runtimeClientKey } from "./runtime-clients.ts";

/** What a runtime call needs besides the request. */
export interface RuntimeContext {
  configName: string;
  config: Readonly<ResolvedLlmConfig>;
  loaded: Pick<Config, "getLlmConfig">;
  env: Readonly<Record<string, string | undefined>>;
  signal: AbortSignal;
}

/** Progress of a runtime call: attempts so far, the config being tried, time spent in the runtime. */
export interface RuntimeProgress {
  attempts: number;
  currentConfig: string;
  currentModel: string;
  /** Total time of the runtime call, once it answered. */
  upstreamMs: number | undefined;
}

/** A started stream: the first delta (or done), the rest, and the final completion. */
export interface StartedStream {
  first: IteratorResult<StreamDelta>;
  rest: AsyncIterator<StreamDelta>;
  completion: Promise<Completion>;
}

function trackProgress(progress: RuntimeProgress | undefined, event: LlmEvent): void {
  if (progress === undefined) return;
  if (event.type === "request") {
    progress.attempts += 1;
    progress.currentConfig = event.configName;
    progress.currentModel = event.model;
  } else if (event.type === "response") progress.upstreamMs = event.latencyMs;
}

/**
 * One metrics store per loaded configuration, shared by its kept clients: each client would otherwise
 * keep latency samples of its own that nothing reads, bounded per client but not over all of them.
 */
const sharedMetrics = new WeakMap<object, LlmMetrics>();

function metricsOf(loaded: object): LlmMetrics {
  const kept = sharedMetrics.get(loaded);
  if (kept !== undefined) return kept;
  const metrics = createMetrics();
  sharedMetrics.set(loaded, metrics);
  return metrics;
}

/** A kept client lent to this request; its events report to this request's progress. */
function leaseClient(call: ChatCall, context: RuntimeContext, progress: RuntimeProgress) {
  // The kept client outlives this request: its closures hold the parameters and the loaded
  // configuration, never the request's messages or signal.
  const { params } = call;
  const { configName, config, loaded, env } = context;
  const key = runtimeClientKey(configName, params, config);
  return leaseRuntimeClient(loaded, env, key, progress, (progressOf) =>
    createLlm(config, {
      name: configName,
      // Fallbacks answer the same request: its parameters apply to them too, under their own pins.
      resolveConfig: (name) => applyRequestParams(loaded.getLlmConfig(name), params).config,
      env,
      metrics: metricsOf(loaded),
      onEvent: (event) => trackProgress(progressOf(), event),
    }),
  );
}

function toCompletionRequest(call: ChatCall, signal: AbortSignal): CompletionRequest {
  const request: CompletionRequest = {
    messages: call.messages,
    tools: call.tools,
    toolChoice: call.toolChoice,
    responseFormat: call.responseFormat,
    signal,
  };
  if (call.stopSequences !== undefined && call.stopSequences.length > 0)
    request.parameters = { stopSequences: call.stopSequences };
  return request;
}

/** A new progress record for a call to a config. */
export function startProgress(configName: string, model: string): RuntimeProgress {
  return { attempts: 0, currentConfig: configName, currentModel: model, upstreamMs: undefined };
}

/** Runs a non-streaming call; rejects with an `LlmError`. */
export function completeWithRuntime(
  call: ChatCall,
  context: RuntimeContext,
  progress: RuntimeProgress,
): Promise<Completion> {
  const lease = leaseClient(call, context, progress);
  const completion = lease.llm.complete(toCompletionRequest(call, context.signal));
  // Given back once the call has ended, whichever way: no event of it can come later.
  completion.then(lease.release, lease.release);
  return completion;
}

/** Starts a streaming call and waits for its first delta; rejects with an `LlmError`. */
export async function streamWithRuntime(
  call: ChatCall,
  context: RuntimeContext,
  progress: RuntimeProgress,
): Promise<StartedStream> {
  const lease = leaseClient(call, context, progress);
  const stream = lease.llm.stream(toCompletionRequest(call, context.signal));
  // The completion settles when the stream has ended, failed or been cancelled by a client that left.
  stream.completion.then(lease.release, lease.release);
  const rest = stream[Symbol.asyncIterator]();
  const first = await rest.next();
  return { first, rest, completion: stream.completion };
}
