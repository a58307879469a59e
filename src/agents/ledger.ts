/**
 * The run's ledger: the one place every LLM client of a run reports to, so the bill splits by agent ×
 * named config × model and no delegate can drift from the total. It also holds the money limits: the
 * run's `max_budget_per_task` and each agent's own cap (which covers that agent and its delegates).
 */
import type { Usage } from "../llm/messages.ts";

/** One answered call, as a client reports it. */
export interface LedgerCall {
  agent: string;
  llmConfig: string;
  model: string;
  usage: Usage;
  /** USD; null when the model has no price (never counted as 0). */
  costUsd: number | null;
  latencyMs: number;
}

/** The totals of one agent × config × model. */
export interface LedgerRow {
  agent: string;
  llmConfig: string;
  model: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of known costs. */
  costUsd: number;
  /** Calls whose cost is unknown; when > 0 the row's cost is not known in full. */
  unpricedCalls: number;
  /** Time spent in LLM calls, in milliseconds. */
  timeMs: number;
}

/** A money limit that has been reached. */
export interface LimitReached {
  /** `run`: the run's `max_budget_per_task`; otherwise the agent whose cap it is. */
  scope: "run" | { agent: string };
  capUsd: number;
  spentUsd: number;
}

/** The run's ledger. */
export interface Ledger {
  /** Records an answered call for the chain of agents that made it (the caller first, then its delegators). */
  record(chain: readonly string[], call: LedgerCall): void;
  /** The first limit reached by the run or by any agent in the chain (nearest first), or undefined. */
  limitReached(chain: readonly string[]): LimitReached | undefined;
  /** Known spend of the run. */
  totalUsd(): number;
  /** Calls of the run whose cost is unknown. */
  unpricedCalls(): number;
  /** Spend of an agent, its delegates included. */
  spentBy(agent: string): number;
  /** Every row, in the order they first appeared. */
  rows(): LedgerRow[];
}

/** Options of {@link createLedger}. */
export interface LedgerOptions {
  /** The run's budget in USD (`-b`, `max_budget_per_task`); null for none. */
  runBudgetUsd: number | null;
  /** Per-agent caps in USD (`[agent.<Name>] max_budget_per_task`). */
  agentCapsUsd: Readonly<Record<string, number>>;
  /** Called once per cap when spending first reaches 80% of it. */
  onWarning?: (message: string) => void;
}

/** The share of a cap at which a warning shows. */
export const WARNING_SHARE = 0.8;

/**
 * Creates an empty ledger.
 * @example
 * const ledger = createLedger({ runBudgetUsd: 1, agentCapsUsd: { RepoExplorerAgent: 0.1 } });
 * ledger.record(["RepoExplorerAgent", "CodeActAgent"], call);
 */
export function createLedger(options: LedgerOptions): Ledger {
  const rows = new Map<string, LedgerRow>();
  const spentByAgent = new Map<string, number>();
  const warned = new Set<string>();
  let total = 0;
  let unpriced = 0;

  const warnIfNear = (key: string, label: string, spent: number, cap: number) => {
    if (warned.has(key) || spent < cap * WARNING_SHARE) return;
    warned.add(key);
    options.onWarning?.(
      `${label} has spent ${formatUsd(spent)} of its ${formatUsd(cap)} budget (${Math.floor((spent / cap) * 100)}%)`,
    );
  };

  return {
    record(chain, call) {
      const key = `${call.agent}\u0000${call.llmConfig}\u0000${call.model}`;
      let row = rows.get(key);
      if (row === undefined) {
        row = {
          agent: call.agent,
          llmConfig: call.llmConfig,
          model: call.model,
          calls: 0,
          inputTokens: 0,
          outputTokens: 0,
          costUsd: 0,
          unpricedCalls: 0,
          timeMs: 0,
        };
        rows.set(key, row);
      }
      row.calls += 1;
      row.inputTokens += call.usage.input_tokens;
      row.outputTokens += call.usage.output_tokens;
      row.timeMs += call.latencyMs;
      if (call.costUsd === null) {
        row.unpricedCalls += 1;
        unpriced += 1;
        return;
      }
      row.costUsd += call.costUsd;
      total += call.costUsd;
      // An agent delegating to itself is one budget, counted once.
      for (const agent of new Set(chain)) {
        const spent = (spentByAgent.get(agent) ?? 0) + call.costUsd;
        spentByAgent.set(agent, spent);
        const cap = options.agentCapsUsd[agent];
        if (cap !== undefined) warnIfNear(agent, agent, spent, cap);
      }
      if (options.runBudgetUsd !== null) warnIfNear("\u0000run", "the run", total, options.runBudgetUsd);
    },
    limitReached(chain) {
      if (options.runBudgetUsd !== null && total >= options.runBudgetUsd)
        return { scope: "run", capUsd: options.runBudgetUsd, spentUsd: total };
      for (const agent of chain) {
        const cap = options.agentCapsUsd[agent];
        const spent = spentByAgent.get(agent) ?? 0;
        if (cap !== undefined && spent >= cap) return { scope: { agent }, capUsd: cap, spentUsd: spent };
      }
      return undefined;
    },
    totalUsd: () => total,
    unpricedCalls: () => unpriced,
    spentBy: (agent) => spentByAgent.get(agent) ?? 0,
    rows: () => [...rows.values()].map((row) => ({ ...row })),
  };
}

/** A dollar amount with enough digits for cheap calls: `$0.000420`, `$1.23`. */
export function formatUsd(usd: number): string {
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${usd.toFixed(6)}`;
}
