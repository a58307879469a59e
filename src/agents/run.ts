/**
 * `runTask`: one headless agent run. It owns what belongs to the run rather than to an agent — the
 * history (the trajectory), the ledger every client reports to, the iteration and budget limits, the
 * delegation depth and Ctrl-C (all set up by `openRunSetup`) — and starts the run's agent on its task.
 */
import { redactSecrets } from "../config/secrets.ts";
import type { BreakdownRow, RunEvent, RunStatus } from "./events.ts";
import type { LedgerRow } from "./ledger.ts";
import { openRunSetup, type RunSetupOptions } from "./run-setup.ts";
import { stepOutcomeOf } from "./step-limits.ts";

export { openRunCommandRuntime } from "./run-setup.ts";
export { RunStop } from "./step-limits.ts";

/** Options of {@link runTask}. */
export interface RunTaskOptions extends Omit<RunSetupOptions, "confirm"> {
  task: string;
}

/** What a run ended with. */
export interface RunResult {
  status: RunStatus;
  /** The agent's final message, or what stopped the run. */
  finalMessage: string;
  /** The bill: agent × named config × model. */
  rows: LedgerRow[];
  /** Known spend in USD. */
  totalUsd: number;
  /** Calls whose cost is unknown (the total is then a lower bound). */
  unpricedCalls: number;
  /** LLM calls made, over every agent. */
  steps: number;
  trajectoryFile: string | null;
  events: readonly RunEvent[];
}

/** The bill as the trajectory and `--json` spell it. */
export function toBreakdown(rows: readonly LedgerRow[]): BreakdownRow[] {
  return rows.map((row) => ({
    agent: row.agent,
    llm_config: row.llmConfig,
    model: row.model,
    calls: row.calls,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cost: row.unpricedCalls > 0 ? null : row.costUsd,
  }));
}

/**
 * Runs an agent on a task in a workspace until it finishes or a limit stops it. Throws `RunSetupError`
 * (and `ConfigError`) for problems found before the first call; everything later is in the result.
 * @example
 * const result = await runTask({ config: await loadConfig(), task: "Add a README", workspace: "." });
 * console.log(result.status, result.totalUsd);
 */
export async function runTask(options: RunTaskOptions): Promise<RunResult> {
  const setup = await openRunSetup(options);
  const { history, ledger, secrets, trajectory } = setup;
  const signal = options.signal ?? new AbortController().signal;
  setup.beginStep(signal);
  history.append({
    type: "run_start",
    task: options.task,
    agent: setup.agentName,
    workspace: setup.workspace.root,
    runtime: setup.commands.summary,
  });
  let status: RunStatus = "finished";
  let finalMessage: string;
  try {
    await setup.startMcp();
    finalMessage = await setup.runAgent(setup.createAgent(setup.agentName), options.task);
  } catch (error) {
    try {
      ({ status, message: finalMessage } = stepOutcomeOf(error, signal));
    } catch (unexpected) {
      await setup.close();
      throw unexpected;
    }
  }
  const rows = ledger.rows();
  const unpricedCalls = ledger.unpricedCalls();
  history.append({
    type: "run_end",
    status,
    final_message: finalMessage,
    total_cost: unpricedCalls > 0 ? null : ledger.totalUsd(),
    breakdown: toBreakdown(rows),
  });
  await setup.close();
  return {
    status,
    finalMessage: redactSecrets(finalMessage, secrets),
    rows,
    totalUsd: ledger.totalUsd(),
    unpricedCalls,
    steps: setup.steps,
    trajectoryFile: trajectory?.file ?? null,
    events: history.events,
  };
}
