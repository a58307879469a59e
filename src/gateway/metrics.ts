/**
 * Prometheus metrics of the gateway (prom-client, its own registry): requests, errors, tokens, cost,
 * latency and gateway overhead per config, requests in flight, and the process's default metrics.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Usage } from "../llm/index.ts";

/** One finished request, as the metrics see it. */
export interface RequestRecord {
  config: string;
  status: number;
  errorCode?: string | undefined;
  usage?: Usage | undefined;
  costUsd?: number | null | undefined;
  durationMs: number;
  overheadMs?: number | undefined;
}

/** The gateway's metrics. */
export interface GatewayMetrics {
  record(record: RequestRecord): void;
  inFlight: Gauge;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; text: string }>;
}

/** Creates the metrics in a fresh registry. */
export function createGatewayMetrics(options: { defaultMetrics?: boolean } = {}): GatewayMetrics {
  const registry = new Registry();
  if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const requests = new Counter({
    name: "llmconf_gateway_requests_total",
    help: "Requests answered, by config and HTTP status.",
    labelNames: ["config", "status"],
    registers,
  });
  const errors = new Counter({
    name: "llmconf_gateway_errors_total",
    help: "Requests answered with an error, by config and error code.",
    labelNames: ["config", "code"],
    registers,
  });
  const tokens = new Counter({
    name: "llmconf_gateway_tokens_total",
    help: "Tokens used, by config and direction (input, output).",
    labelNames: ["config", "direction"],
    registers,
  });
  const cost = new Counter({
    name: "llmconf_gateway_cost_usd_total",
    help: "Cost in USD of the answered requests, by config (unknown prices count 0).",
    labelNames: ["config"],
    registers,
  });
  const latency = new Histogram({
    name: "llmconf_gateway_request_duration_seconds",
    help: "Time from request to the end of the response, by config.",
    labelNames: ["config"],
    buckets: [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers,
  });
  const overhead = new Histogram({
    name: "llmconf_gateway_overhead_seconds",
    help: "Time spent in the gateway itself (not waiting on the upstream), by config.",
    labelNames: ["config"],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
    registers,
  });
  const inFlight = new Gauge({
    name: "llmconf_gateway_requests_in_flight",
    help: "Requests being served.",
    registers,
  });
  return {
    inFlight,
    record(record) {
      const config = record.config;
      requests.inc({ config, status: String(record.status) });
      if (record.errorCode !== undefined) errors.inc({ config, code: record.errorCode });
      if (record.usage !== undefined) {
        tokens.inc({ config, direction: "input" }, record.usage.input_tokens);
        tokens.inc({ config, direction: "output" }, record.usage.output_tokens);
      }
      if (typeof record.costUsd === "number") cost.inc({ config }, record.costUsd);
      latency.observe({ config }, record.durationMs / 1000);
      if (record.overheadMs !== undefined) overhead.observe({ config }, record.overheadMs / 1000);
    },
    async render() {
      return { contentType: registry.contentType, text: await registry.metrics() };
    },
  };
}
