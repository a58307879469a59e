/** The end of `llmconf run`: the bill as a table (per agent and per named config) and as `--json`. */
import type { LedgerRow } from "../agents/ledger.ts";
import { type RunResult, toBreakdown } from "../agents/run.ts";
import type { Config } from "../config/load.ts";
import { formatTable } from "./output.ts";

/** A ledger row's figures without its keys. */
type Totals = Omit<LedgerRow, "agent" | "llmConfig" | "model">;

function sum(rows: readonly LedgerRow[]): Totals {
  const totals: Totals = {
    calls: 0,
    inputTokens: 0,
    outputTokens: 0,
    costUsd: 0,
    unpricedCalls: 0,
    timeMs: 0,
  };
  for (const row of rows) {
    totals.calls += row.calls;
    totals.inputTokens += row.inputTokens;
    totals.outputTokens += row.outputTokens;
    totals.costUsd += row.costUsd;
    totals.unpricedCalls += row.unpricedCalls;
    totals.timeMs += row.timeMs;
  }
  return totals;
}

function groupBy(rows: readonly LedgerRow[], key: (row: LedgerRow) => string): Map<string, LedgerRow[]> {
  const groups = new Map<string, LedgerRow[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
}

/** A cost cell: the amount, or "unknown" when a call had no price (never a silent 0). */
function costCell(totals: Totals): string {
  if (totals.unpricedCalls === 0) return `$${totals.costUsd.toFixed(6)}`;
  return totals.unpricedCalls === totals.calls ? "unknown" : `unknown (≥ $${totals.costUsd.toFixed(6)})`;
}

function cells(totals: Totals): string[] {
  return [
    String(totals.calls),
    String(totals.inputTokens),
    String(totals.outputTokens),
    costCell(totals),
    `${(totals.timeMs / 1000).toFixed(1)} s`,
  ];
}

/** The final table: one section per agent (by config and model), one per named config, and the total. */
export function formatRunTable(rows: readonly LedgerRow[]): string {
  const numbers = ["calls", "input tokens", "output tokens", "cost", "time"];
  const byAgent = formatTable(
    ["agent", "llm config", "model", ...numbers],
    rows.map((row) => [row.agent, row.llmConfig, row.model, ...cells(sum([row]))]),
  );
  const configRows = [...groupBy(rows, (row) => row.llmConfig)].map(([name, group]) => [
    name,
    [...new Set(group.map((row) => row.model))].join(", "),
    ...cells(sum(group)),
  ]);
  const byConfig = formatTable(
    ["llm config", "model", ...numbers],
    [...configRows, ["total", "", ...cells(sum(rows))]],
  );
  return `${byAgent}\n\n${byConfig}`;
}

/** The one-line outcome under the table. */
export function formatOutcome(result: RunResult): string {
  const total = sum(result.rows);
  return `${result.status}: ${result.steps} LLM call${result.steps === 1 ? "" : "s"}, total cost ${costCell(total)}`;
}

/** Rounds away float noise (0.1 + 0.2) well below any price step. */
function roundUsd(usd: number): number {
  return Math.round(usd * 1e12) / 1e12;
}

/** `--json`: status, final message, per agent, per named config, the agent × config × model breakdown, total. */
export function toRunJson(result: RunResult, config: Config): unknown {
  const cost = (totals: Totals) => (totals.unpricedCalls > 0 ? null : roundUsd(totals.costUsd));
  const agents: Record<string, unknown> = {};
  for (const [agent, group] of groupBy(result.rows, (row) => row.agent)) {
    const totals = sum(group);
    agents[agent] = {
      llm_config: config.llmConfigNameForAgent(agent).name,
      calls: totals.calls,
      input_tokens: totals.inputTokens,
      output_tokens: totals.outputTokens,
      cost: cost(totals),
    };
  }
  const llmConfigs: Record<string, unknown> = {};
  for (const [name, group] of groupBy(result.rows, (row) => row.llmConfig)) {
    const totals = sum(group);
    llmConfigs[name] = {
      model: group[0]?.model ?? config.getLlmConfig(name).model,
      calls: totals.calls,
      input_tokens: totals.inputTokens,
      output_tokens: totals.outputTokens,
      cost: cost(totals),
    };
  }
  return {
    // `interrupted` is reported as an error (the documented statuses are these four); the message says why.
    status: result.status === "interrupted" ? "error" : result.status,
    final_message: result.finalMessage,
    agents,
    llm_configs: llmConfigs,
    breakdown: toBreakdown(result.rows).map((row) => ({
      ...row,
      cost: row.cost === null ? null : roundUsd(row.cost),
    })),
    total_cost: cost(sum(result.rows)),
  };
}
