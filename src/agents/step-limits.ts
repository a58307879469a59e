/**
 * The limits of a run's step (a run's one task, or a chat session's current task): Ctrl-C, the run's
 * budget and `max_iterations`, checked before every LLM call and thrown as a `RunStop` through every
 * agent loop; and how a step ended, read from what was thrown.
 */
import { LlmError } from "../llm/index.ts";
import type { RunStatus } from "./events.ts";
import { formatUsd, type Ledger, type LimitReached } from "./ledger.ts";
import type { AgentInstance } from "./loop.ts";

/** A limit or Ctrl-C that ends the whole run, thrown through every agent loop. */
export class RunStop extends Error {
  override name = "RunStop";
  constructor(
    readonly status: Exclude<RunStatus, "finished">,
    message: string,
  ) {
    super(message);
  }
}

/** The step in progress: its signal and the LLM calls it made, bounded by the run's limits. */
export interface StepLimits {
  /** The signal of the step in progress: Ctrl-C aborts its call and its commands. */
  readonly signal: AbortSignal;
  /** LLM calls made since the step began (what `max_iterations` bounds). */
  readonly steps: number;
  /** Starts a step: its own abort signal, and the iteration count from 0. */
  begin(signal: AbortSignal): void;
  /**
   * Counts an LLM call about to be made, or throws a `RunStop` (Ctrl-C, the run's budget,
   * `max_iterations`); returns the cap of the agent (or a delegator) that is reached, if any.
   */
  check(agent: AgentInstance): LimitReached | undefined;
}

/**
 * Creates the limits of a run's steps over its ledger, starting with `signal` as the step's.
 * @example const limits = createStepLimits(ledger, config.core.max_iterations, signal);
 */
export function createStepLimits(ledger: Ledger, maxIterations: number, signal: AbortSignal): StepLimits {
  let stepSignal = signal;
  let steps = 0;
  return {
    get signal() {
      return stepSignal;
    },
    get steps() {
      return steps;
    },
    begin(signal) {
      stepSignal = signal;
      steps = 0;
    },
    check(agent) {
      if (stepSignal.aborted) throw new RunStop("interrupted", "interrupted (Ctrl-C)");
      const limit = ledger.limitReached(agent.chain);
      if (limit?.scope === "run") {
        throw new RunStop(
          "budget_exceeded",
          `budget exceeded: spent ${formatUsd(limit.spentUsd)} of max_budget_per_task ${formatUsd(limit.capUsd)}`,
        );
      }
      if (steps >= maxIterations) {
        throw new RunStop(
          "max_iterations",
          `iteration limit reached: ${steps} of max_iterations ${maxIterations} LLM calls; spent ${formatUsd(ledger.totalUsd())}`,
        );
      }
      steps += 1;
      return limit;
    },
  };
}

/**
 * How an error thrown out of an agent ended the step: a limit, Ctrl-C or a failed call. Anything else
 * (a bug, a setup problem) is not a way a step ends and is rethrown.
 */
export function stepOutcomeOf(error: unknown, signal: AbortSignal): { status: RunStatus; message: string } {
  if (error instanceof RunStop) return { status: error.status, message: error.message };
  if (error instanceof LlmError) {
    const interrupted = signal.aborted || error.kind === "aborted";
    return interrupted
      ? { status: "interrupted", message: "interrupted (Ctrl-C)" }
      : { status: "error", message: error.message };
  }
  throw error;
}
