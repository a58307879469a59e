/**
 * The USD cost of one completion.
 *
 * Rules, in order:
 * - `input_cost_per_token` / `output_cost_per_token` from the config each override the table on
 *   their own side (OpenHands needs both; one alone is honoured here because it is what the user
 *   wrote). The input override prices every input token, cached ones included: the config has no
 *   cache prices, and charging the full price never under-reports a budget.
 * - `mock/*` and local providers (`ollama/*`, `lm_studio/*`, ...) cost exactly 0 (a known price).
 * - Otherwise the price table (see `model-info.ts`), with tiered long-context prices. Cache reads
 *   and writes use the model's cache prices; when one is missing those tokens cost the normal
 *   input price, as the provider would bill a model without that discount.
 * - A model the table does not know has an unknown cost (`usd: null`), never a silent 0.
 *
 * `usage.input_tokens` counts all prompt tokens, cached ones included (OpenAI and AI SDK usage).
 * A usage whose cache counts exceed its input count can only come from a provider that reports
 * them apart (Anthropic's raw usage), so the cache counts are then added to the input.
 */
import type { Usage } from "./messages.ts";
import { findPriceTableEntry, isFreeModel, priceWithTable } from "./model-info.ts";

/** Prices from the config's `[llm]` section; null means "not set". */
export interface CostOverrides {
  input_cost_per_token: number | null;
  output_cost_per_token: number | null;
}

/** A call's cost and where its prices came from; `usd` is null when the price is unknown. */
export type CostResult = { usd: number; source: "config" | "price-table" } | { usd: null; source: "unknown" };

const unknownCost: CostResult = { usd: null, source: "unknown" };

function countOf(value: number): number {
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** The usage with input tokens counting the cached ones, whichever convention the provider used. */
function normalizeUsage(usage: Usage): Usage {
  const cacheRead = countOf(usage.cache_read_tokens);
  const cacheWrite = countOf(usage.cache_write_tokens);
  let input = countOf(usage.input_tokens);
  if (cacheRead + cacheWrite > input) input += cacheRead + cacheWrite;
  return {
    input_tokens: input,
    output_tokens: countOf(usage.output_tokens),
    cache_read_tokens: cacheRead,
    cache_write_tokens: cacheWrite,
  };
}

/** Table prices of the input side and the output side, or undefined when the model is unknown. */
function tablePrices(model: string, usage: Usage): { input: number; output: number } | undefined {
  if (isFreeModel(model)) return { input: 0, output: 0 };
  const entry = findPriceTableEntry(model);
  if (entry === undefined) return undefined;
  try {
    const calculation = priceWithTable(entry, { ...usage });
    return calculation === null
      ? undefined
      : { input: calculation.input_price, output: calculation.output_price };
  } catch {
    // The table rejects usage it finds inconsistent; an unknown cost is better than a failed call.
    return undefined;
  }
}

/**
 * The cost of one call from its usage, with the config's per-token prices taking precedence.
 * @example computeCost("gpt-4o", { input_tokens: 1000, output_tokens: 100, cache_read_tokens: 0, cache_write_tokens: 0 })
 */
export function computeCost(model: string, usage: Usage, overrides?: CostOverrides): CostResult {
  const normalized = normalizeUsage(usage);
  const inputPrice = overrides?.input_cost_per_token ?? null;
  const outputPrice = overrides?.output_cost_per_token ?? null;
  const configInput = inputPrice === null ? undefined : normalized.input_tokens * inputPrice;
  const configOutput = outputPrice === null ? undefined : normalized.output_tokens * outputPrice;
  if (configInput !== undefined && configOutput !== undefined) {
    return { usd: configInput + configOutput, source: "config" };
  }
  const table = tablePrices(model, normalized);
  if (table === undefined) return unknownCost;
  const usd = (configInput ?? table.input) + (configOutput ?? table.output);
  const source = configInput === undefined && configOutput === undefined ? "price-table" : "config";
  return { usd, source };
}
