/**
 * Per-config call metrics: calls, tokens, cost, latency percentiles, retries, errors, and which config
 * answered when fallbacks were used. One `LlmMetrics` may be shared by several clients.
 */
import type { Usage } from "./messages.ts";

/** The totals of one config. */
export interface ConfigMetrics {
  calls: number;
  /** Calls this config answered (including calls that fell back to it). */
  answered: number;
  /** Calls that ended in an error on this config (before any fallback). */
  errors: number;
  /** Attempts beyond the first, over all calls. */
  retries: number;
  /** Calls this config answered on behalf of another config (after a fallback). */
  answeredAsFallback: number;
  usage: Usage;
  /** Sum of known costs in USD. */
  costUsd: number;
  /** Answered calls whose cost is unknown (not counted in `costUsd`). */
  unknownCostCalls: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  errorsByKind: Record<string, number>;
}

/** A call's outcome as the metrics record it. */
export type CallRecord =
  | {
      configName: string;
      ok: true;
      attempts: number;
      usage: Usage;
      costUsd: number | null;
      latencyMs: number;
      fallbackFrom?: string | undefined;
    }
  | { configName: string; ok: false; attempts: number; kind: string; latencyMs: number };

/** A metrics store: record calls, read totals per config. */
export interface LlmMetrics {
  record(call: CallRecord): void;
  /** Totals per config name. */
  snapshot(): Record<string, ConfigMetrics>;
}

/** The running totals behind a `ConfigMetrics`: the latency samples instead of their percentiles. */
type Totals = Omit<ConfigMetrics, "latencyMs"> & { latencies: number[] };

// Enough samples for stable percentiles; older samples are dropped so a long-lived gateway stays small.
const maxLatencySamples = 10_000;

/** The value at percentile `p` (0–100) of sorted samples, nearest-rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/**
 * Creates an empty metrics store.
 * @example const metrics = createMetrics(); metrics.snapshot().fast?.latencyMs.p50;
 */
export function createMetrics(): LlmMetrics {
  const byConfig = new Map<string, Totals>();
  const totalsOf = (name: string): Totals => {
    let totals = byConfig.get(name);
    if (totals === undefined) {
      totals = {
        calls: 0,
        answered: 0,
        errors: 0,
        retries: 0,
        answeredAsFallback: 0,
        usage: { input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 },
        costUsd: 0,
        unknownCostCalls: 0,
        latencies: [],
        errorsByKind: {},
      };
      byConfig.set(name, totals);
    }
    return totals;
  };
  return {
    record(call) {
      const totals = totalsOf(call.configName);
      totals.calls += 1;
      totals.retries += Math.max(0, call.attempts - 1);
      totals.latencies.push(call.latencyMs);
      if (totals.latencies.length > maxLatencySamples) totals.latencies.shift();
      if (!call.ok) {
        totals.errors += 1;
        totals.errorsByKind[call.kind] = (totals.errorsByKind[call.kind] ?? 0) + 1;
        return;
      }
      totals.answered += 1;
      if (call.fallbackFrom !== undefined) totals.answeredAsFallback += 1;
      totals.usage.input_tokens += call.usage.input_tokens;
      totals.usage.output_tokens += call.usage.output_tokens;
      totals.usage.cache_read_tokens += call.usage.cache_read_tokens;
      totals.usage.cache_write_tokens += call.usage.cache_write_tokens;
      if (call.costUsd === null) totals.unknownCostCalls += 1;
      else totals.costUsd += call.costUsd;
    },
    snapshot() {
      const result: Record<string, ConfigMetrics> = {};
      for (const [name, totals] of byConfig) {
        const sorted = [...totals.latencies].sort((a, b) => a - b);
        const sum = sorted.reduce((total, value) => total + value, 0);
        result[name] = {
          calls: totals.calls,
          answered: totals.answered,
          errors: totals.errors,
          retries: totals.retries,
          answeredAsFallback: totals.answeredAsFallback,
          usage: { ...totals.usage },
          costUsd: totals.costUsd,
          unknownCostCalls: totals.unknownCostCalls,
          latencyMs: {
            p50: percentile(sorted, 50),
            p90: percentile(sorted, 90),
            p99: percentile(sorted, 99),
            max: sorted.at(-1) ?? 0,
            mean: sorted.length === 0 ? 0 : sum / sorted.length,
          },
          errorsByKind: { ...totals.errorsByKind },
        };
      }
      return result;
    },
  };
}
