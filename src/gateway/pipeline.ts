/**
 * The request pipeline every dialect shares: find the named config (404 with a did-you-mean), check
 * the key may use it (403), lay the request's parameters over the config, hold its worst cost against
 * the key's budget (429 when it would pass it: spend-reservation.ts), run the call through the runtime
 * (any provider, translated), settle its actual cost with the spend store, and
 * fill the x-llmconf-* headers and the access record (which the app turns into metrics and a log
 * line). A dialect only parses its request into a `ChatCall` and renders the answer (`Dialect`).
 */
import type { Dispatcher } from "undici";
import { didYouMeanSuffix } from "../config/describe-issue.ts";
import { ConfigError, formatIssue } from "../config/issues.ts";
import type { Config } from "../config/load.ts";
import type { ResolvedLlmConfig } from "../config/schema.ts";
import { didYouMean } from "../config/suggest.ts";
import { type Completion, LlmError, type Usage } from "../llm/index.ts";
import type { AccessRecord } from "./access-log.ts";
import { authorize, type ClientKey } from "./auth.ts";
import type { ChatCall } from "./chat-call.ts";
import type { Dialect } from "./dialect.ts";
import { fromLlmError, GatewayError } from "./errors.ts";
import type { GatewayResponse } from "./http.ts";
import type { SpendStore } from "./ledger.ts";
import { applyRequestParams } from "./params.ts";
import { completeWithRuntime, startProgress, streamWithRuntime } from "./runtime-chat.ts";
import type { PromptForEstimate } from "./spend-estimate.ts";
import { reserveSpend } from "./spend-reservation.ts";

/** What a request needs from the gateway around it, whatever its dialect. */
export interface RequestContext {
  config: Config;
  key: ClientKey | undefined;
  spend: SpendStore;
  env: Readonly<Record<string, string | undefined>>;
  dispatcher: Dispatcher;
  signal: AbortSignal;
  now: () => number;
  wallClock: () => number;
  receivedAt: number;
  /** Fills in the access record as facts become known; the app logs it when the response ends. */
  record: AccessRecord;
}

/** The config a request's `model` names: `llm` and `default` mean the base config. */
export function findConfigName(model: string, config: Pick<Config, "llms">): string {
  const name = model === "default" ? "llm" : model;
  if (Object.hasOwn(config.llms, name)) return name;
  const known = Object.keys(config.llms);
  const hint = didYouMeanSuffix(didYouMean(name, known));
  throw new GatewayError(
    `unknown model "${model}": it must name a config${hint} (configs: ${known.join(", ")})`,
    { status: 404, type: "invalid_request_error", code: "model_not_found", param: "model" },
  );
}

/** The config, unless it needs an unset `${VAR}`: then a 500 with the loader's located message, nothing sent. */
function usableConfig(loaded: Config, configName: string): Readonly<ResolvedLlmConfig> {
  try {
    return loaded.usableLlmConfig(configName);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    const message = error.issues.map((issue) => formatIssue(issue)).join("; ");
    throw new GatewayError(message, { status: 500, type: "server_error", code: "config_unusable" });
  }
}

/** What a finished (or failed) call cost; undefined usage when nothing is known. */
export interface CallOutcome {
  /** The config that answered (a fallback's, when one did). */
  configName: string;
  usage: Usage | undefined;
  costUsd: number | null;
  /**
   * For a call cut after it began answering (the client left, the upstream failed mid-stream) whose
   * usage is unknown: the output tokens produced so far. The prompt and these are charged.
   */
  outputTokensSoFar?: number | undefined;
}

/** A request let through: the config it runs with, and the one place its cost is settled. */
export interface Admission {
  configName: string;
  /** The config as written. */
  base: Readonly<ResolvedLlmConfig>;
  /** The config with the request's parameters laid over it (pins honoured). */
  config: Readonly<ResolvedLlmConfig>;
  /**
   * Reports the outcome to the spend store and the access record, and releases the request's hold on
   * its budget; undefined when the call failed before answering (nothing is charged). Every path calls
   * it once; later calls are ignored.
   */
  settle(outcome: CallOutcome | undefined): Promise<void>;
}

/** A dialect's last word on the config a request runs with, before its worst cost is estimated. */
export type FitConfig = (config: Readonly<ResolvedLlmConfig>) => Promise<Readonly<ResolvedLlmConfig>>;

/**
 * Resolves, authorizes and budget-checks a request, or throws the `GatewayError` that answers it.
 * `prompt` gives the request's messages and tools, read only to estimate the cost of a key with a budget;
 * `fit` adjusts the config first (Messages caps max_tokens), so the budget holds what is actually sent.
 */
export async function admit(
  call: Pick<ChatCall, "model" | "params" | "stream">,
  context: RequestContext,
  prompt: () => PromptForEstimate,
  fit?: FitConfig,
): Promise<Admission> {
  const { config: loaded, record } = context;
  record.stream = call.stream;
  const configName = findConfigName(call.model, loaded);
  record.config = configName;
  authorize(context.key, configName);
  const base = usableConfig(loaded, configName);
  record.model = base.model;
  const laid = applyRequestParams(base, call.params).config;
  const config = fit === undefined ? laid : await fit(laid);
  const reservation = await reserveSpend(context, config, prompt);
  let settled = false;
  const settle = async (outcome: CallOutcome | undefined) => {
    if (settled) return;
    settled = true;
    if (outcome === undefined) return reservation.release();
    record.inputTokens = outcome.usage?.input_tokens;
    record.outputTokens = outcome.usage?.output_tokens;
    record.costUsd = outcome.costUsd;
    if (outcome.usage === undefined && outcome.outputTokensSoFar !== undefined)
      return reservation.settleInterrupted(outcome.configName, outcome.outputTokensSoFar);
    return reservation.settle(outcome.configName, outcome.costUsd);
  };
  return { configName, base, config, settle };
}

/** The `x-llmconf-cost` value: USD with 8 decimals, or `unknown`. */
export const formatCost = (usd: number | null | undefined) =>
  typeof usd === "number" ? usd.toFixed(8) : "unknown";

/** The `x-llmconf-overhead-ms` value. */
export const formatMs = (ms: number) => Math.max(0, ms).toFixed(3);

/** The x-llmconf-* headers every answer carries, noted in the access record too. */
export function llmconfHeaders(
  context: RequestContext,
  facts: { configName: string; model: string; attempts: number; upstreamMs: number },
): Record<string, string> {
  const { record } = context;
  const overheadMs = context.now() - context.receivedAt - facts.upstreamMs;
  record.overheadMs = overheadMs;
  record.attempts = facts.attempts;
  record.config = facts.configName;
  record.model = facts.model;
  return {
    "x-llmconf-config": facts.configName,
    "x-llmconf-model": facts.model,
    "x-llmconf-attempts": String(facts.attempts),
    "x-llmconf-overhead-ms": formatMs(overheadMs),
  };
}

const outcomeOf = (completion: Completion): CallOutcome => ({
  configName: completion.configName,
  usage: completion.usage,
  costUsd: completion.cost.usd,
});

/**
 * Runs an admitted call through the runtime (any provider, with retries, fallbacks and limits) and
 * renders the answer, whole or streamed, in the dialect's shape.
 */
export async function serveWithRuntime(
  call: ChatCall,
  dialect: Dialect,
  admission: Admission,
  context: RequestContext,
): Promise<GatewayResponse> {
  const { record } = context;
  const { configName, config } = admission;
  record.fastPath = false;
  const progress = startProgress(configName, config.model);
  const runtime = { configName, config, loaded: context.config, env: context.env, signal: context.signal };
  const fail = (thrown: unknown): never => {
    record.attempts = progress.attempts;
    void admission.settle(undefined);
    if (thrown instanceof LlmError) throw fromLlmError(thrown, progress.attempts);
    throw thrown;
  };
  const headersNow = () =>
    llmconfHeaders(context, {
      configName: progress.currentConfig,
      model: progress.currentModel,
      attempts: progress.attempts,
      upstreamMs: progress.upstreamMs ?? 0,
    });
  if (!call.stream) {
    const completion = await completeWithRuntime(call, runtime, progress).catch(fail);
    progress.currentConfig = completion.configName;
    progress.currentModel = completion.model;
    // Recorded before the answer goes out: a client's next request sees this one's cost.
    await admission.settle(outcomeOf(completion));
    await dialect.completed?.(completion);
    const body = JSON.stringify(dialect.renderCompletion(completion));
    return {
      status: 200,
      headers: {
        "content-type": "application/json",
        ...headersNow(),
        "x-llmconf-cost": formatCost(completion.cost.usd),
      },
      body,
    };
  }
  const started = await streamWithRuntime(call, runtime, progress).catch(fail);
  // Until the stream ends, the runtime's own time is unknown: the overhead counts up to the first byte.
  progress.upstreamMs = context.now() - context.receivedAt;
  const headers = headersNow();
  const renderer = dialect.createStreamRenderer(progress.currentModel);
  let cost: number | null = null;
  // Output so far, in the runtime's estimate of tokens (characters / 4), for a stream cut short.
  let generatedChars = 0;
  const cut = (): CallOutcome => ({
    configName: progress.currentConfig,
    usage: undefined,
    costUsd: null,
    outputTokensSoFar: Math.ceil(generatedChars / 4),
  });
  async function* events(): AsyncGenerator<string> {
    let finished = false;
    try {
      yield renderer.start();
      for (let next = started.first; !next.done; next = await started.rest.next()) {
        const delta = next.value;
        generatedChars += delta.type === "text-delta" ? delta.text.length : delta.argumentsDelta.length;
        yield renderer.delta(delta);
      }
      const completion: Completion = await started.completion;
      cost = completion.cost.usd;
      await admission.settle(outcomeOf(completion));
      await dialect.completed?.(completion);
      finished = true;
      yield renderer.end(completion);
    } catch (thrown) {
      finished = true;
      void admission.settle(cut());
      const error =
        thrown instanceof LlmError
          ? fromLlmError(thrown, progress.attempts)
          : new GatewayError("internal error", { status: 500, type: "server_error", code: null });
      record.error = error.code ?? error.type;
      yield renderer.error(error);
    } finally {
      // A client that went away stops the runtime call (and its retry loop), and pays for what it got.
      if (!finished) {
        void admission.settle(cut());
        await started.rest.return?.();
      }
    }
  }
  return {
    status: 200,
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      trailer: "x-llmconf-cost",
      ...headers,
    },
    body: events(),
    trailers: () => ({ "x-llmconf-cost": formatCost(cost) }),
  };
}
