/**
 * Reserve-then-settle budgets. Before the upstream call, a request of a key with `max_budget` holds
 * its worst cost (spend-estimate.ts) in the spend store, refused with a 429 only when spent + held +
 * this estimate would pass the budget; after the call it settles: the actual cost is recorded and the
 * hold released, also when the call failed, was cut, or the client went away (then the prompt and the
 * output already generated are charged). So a budget is never overspent by more than one request's
 * cost, and never refuses a request its remainder covers.
 */
import type { ResolvedLlmConfig } from "../config/schema.ts";
import type { ClientKey } from "./auth.ts";
import { GatewayError } from "./errors.ts";
import { type SpendStore, SpendStoreUnavailableError } from "./ledger.ts";
import { countPrompt, estimateSpend, type PromptForEstimate, priceTokens } from "./spend-estimate.ts";

/**
 * A request's hold on its key's budget; every method settles it once, later calls are ignored. Each
 * resolves once the store has the record (never rejects), so an answer can wait for its own charge.
 */
export interface SpendReservation {
  /** Records the call's actual cost (null: unknown, nothing recorded) and releases the hold. */
  settle(configName: string, usd: number | null): Promise<void>;
  /** A call cut after it began answering: charges its prompt and the output tokens produced so far. */
  settleInterrupted(configName: string, outputTokens: number): Promise<void>;
  /** A call that produced nothing (failed or cancelled before answering): releases the hold, charges nothing. */
  release(): Promise<void>;
}

/** What a reservation needs from the request around it. */
export interface ReservationContext {
  key: ClientKey | undefined;
  spend: SpendStore;
  /** Milliseconds since the epoch, for the ledger's entries. */
  wallClock: () => number;
}

const usd = (value: number) => `$${value.toFixed(4)}`;

/**
 * Holds a request's worst cost against its key's budget, or throws the 429 that refuses it (or a 503
 * when the shared store cannot be reached: a budget that cannot be checked is not spent blindly).
 * `config` is the config the request runs with (its parameters laid over it); `prompt` is read only
 * when the key has a budget, or when an interrupted call is charged.
 * @example const reservation = await reserveSpend(context, config, () => call);
 */
export async function reserveSpend(
  context: ReservationContext,
  config: Readonly<ResolvedLlmConfig>,
  prompt: () => PromptForEstimate,
): Promise<SpendReservation> {
  const { key, spend } = context;
  if (key === undefined) return unmetered;
  let promptTokens: number | undefined;
  let reservationId: string | undefined;
  if (key.maxBudget !== null) {
    const estimate = await estimateSpend(config, prompt());
    promptTokens = estimate.promptTokens;
    let answer: Awaited<ReturnType<SpendStore["reserve"]>>;
    try {
      answer = await spend.reserve(key.id, estimate.usd, key.maxBudget);
    } catch (error) {
      if (!(error instanceof SpendStoreUnavailableError)) throw error;
      throw new GatewayError(
        `cannot check the budget of key "${key.id}": ${error.message}; the request was not sent, retry shortly`,
        {
          status: 503,
          type: "server_error",
          code: "spend_store_unavailable",
          headers: { "retry-after": "1" },
        },
      );
    }
    if (!answer.ok) throw budgetExceeded(key.id, key.maxBudget, answer, estimate);
    reservationId = answer.id;
  }
  let settled = false;
  const finish = async (configName: string, cost: number) => {
    if (settled) return;
    settled = true;
    await spend.settle(reservationId, { keyId: key.id, configName, usd: cost, at: context.wallClock() });
  };
  return {
    settle: (configName, cost) => finish(configName, typeof cost === "number" && cost > 0 ? cost : 0),
    release: () => finish(config.model, 0),
    async settleInterrupted(configName, outputTokens) {
      if (settled) return;
      const charge = (inputTokens: number) =>
        finish(configName, priceTokens(config, inputTokens, Math.max(0, outputTokens)) ?? 0);
      if (promptTokens !== undefined) return charge(promptTokens);
      // A key without a budget counted nothing before the call: count now, once, off the hot path.
      settled = true;
      const counted = await countPrompt(config, prompt());
      settled = false;
      return charge(counted);
    },
  };
}

/** Without client keys the gateway keeps no ledger. */
const unmetered: SpendReservation = {
  settle: async () => {},
  settleInterrupted: async () => {},
  release: async () => {},
};

function budgetExceeded(
  keyId: string,
  budget: number,
  figures: { spentUsd: number; reservedUsd: number },
  estimate: { promptTokens: number; outputTokens: number; usd: number },
): GatewayError {
  const { spentUsd, reservedUsd } = figures;
  const message =
    spentUsd >= budget
      ? `budget exhausted: key "${keyId}" has spent ${usd(spentUsd)} of max_budget $${budget}`
      : `budget too low for this request: key "${keyId}" has ${usd(Math.max(0, budget - spentUsd - reservedUsd))} left of max_budget $${budget} (${usd(spentUsd)} spent, ${usd(reservedUsd)} held by requests in flight), and this request may cost up to ${usd(estimate.usd)} (${estimate.promptTokens} prompt tokens + up to ${estimate.outputTokens} output tokens); send a lower max_tokens, or retry when requests in flight have finished`;
  // x-should-retry: the official SDKs would otherwise retry a 429 that no wait can fix.
  return new GatewayError(message, {
    status: 429,
    type: "insufficient_quota",
    code: "budget_exceeded",
    headers: { "x-should-retry": "false" },
  });
}
