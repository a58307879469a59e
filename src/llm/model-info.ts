/**
 * Context windows, output limits, per-token prices and capability flags for a model id written
 * the LiteLLM way (`anthropic/claude-sonnet-4-5`, `openrouter/openai/gpt-4o`, `gpt-4o`).
 *
 * Prices and context windows come from @pydantic/genai-prices (MIT, kept current by Pydantic, with
 * cache read/write prices, tiered long-context prices and per-provider tables). It is loaded on the
 * first lookup, not at import, so commands that never price a call do not pay its ~30 ms load.
 * Output limits, vision, tool calling and reasoning come from the models.dev catalog
 * (`model-catalog.ts`, loaded per provider by `loadModelCatalog` before a call), then for models the
 * catalog's snapshot does not have yet from `data/model-limits.ts`; tool calling, reasoning and prompt
 * caching also from the OpenHands name patterns in `model-features.ts`.
 */
import { createRequire } from "node:module";
import type {
  ModelPrice,
  PriceCalculation,
  ModelInfo as PriceModelInfo,
  Usage,
} from "@pydantic/genai-prices";
import { modelLimits } from "./data/model-limits.ts";
import { findCatalogLimits, withoutVendorPrefix } from "./model-catalog.ts";
import { getModelFeatures, matchesModelPattern, normalizeModelName } from "./model-features.ts";

/** What is known about a model; an absent field means unknown. Costs are USD per token. */
export interface ModelInfo {
  maxInputTokens?: number;
  maxOutputTokens?: number;
  inputCostPerToken?: number;
  outputCostPerToken?: number;
  cacheReadCostPerToken?: number;
  cacheWriteCostPerToken?: number;
  supportsVision?: boolean;
  supportsToolCalling?: boolean;
  supportsReasoning?: boolean;
  supportsPromptCaching?: boolean;
}

/** Where a model was found in the price table: the id and provider to ask it with. */
export interface PriceTableEntry {
  modelId: string;
  providerId?: string;
}

type PriceTable = typeof import("@pydantic/genai-prices");

let priceTable: PriceTable | undefined;

/** Loads the price table on first use; its CommonJS build lets lookups stay synchronous. */
export function loadPriceTable(): PriceTable {
  priceTable ??= createRequire(import.meta.url)("@pydantic/genai-prices") as PriceTable;
  return priceTable;
}

// Providers whose models run on the user's own machine: their calls cost nothing, whatever a
// hosted model of the same name costs elsewhere (OpenHands issue #9158).
const freeProviders = new Set(["mock", "ollama", "ollama_chat", "lm_studio", "llamafile"]);

// LiteLLM prefixes that name no pricing provider, or name it differently from genai-prices.
const providerAliases: Record<string, string | null> = {
  litellm_proxy: null,
  openhands: null,
  hosted_vllm: null,
  custom_openai: null,
  fireworks_ai: "fireworks",
};

/** Whether the model runs locally or is the test double, so that a call costs exactly 0. */
export function isFreeModel(model: string): boolean {
  const slash = model.indexOf("/");
  return slash > 0 && freeProviders.has(model.slice(0, slash).trim().toLowerCase());
}

function findProviderId(prefix: string): string | undefined {
  const lowered = prefix.toLowerCase();
  const alias = providerAliases[lowered];
  if (alias === null) return undefined;
  return loadPriceTable().findProvider({ providerId: alias ?? lowered })?.id;
}

/** The lookups tried in order: provider-qualified, full id, without the first segment, basename, basename without `:tag`. */
function lookupCandidates(model: string): PriceTableEntry[] {
  const trimmed = model.trim();
  const candidates: PriceTableEntry[] = [];
  const slash = trimmed.indexOf("/");
  const rest = slash > 0 ? trimmed.slice(slash + 1) : trimmed;
  if (slash > 0) {
    const providerId = findProviderId(trimmed.slice(0, slash));
    if (providerId !== undefined) candidates.push({ modelId: rest, providerId });
  }
  candidates.push({ modelId: trimmed });
  const basename = trimmed.slice(trimmed.lastIndexOf("/") + 1);
  for (const modelId of [rest, basename, basename.split(":")[0] ?? basename]) {
    if (
      !candidates.some((candidate) => candidate.modelId === modelId && candidate.providerId === undefined)
    ) {
      candidates.push({ modelId });
    }
  }
  return candidates;
}

/** Prices `usage` with the price table, or returns null when the model is not in it. */
export function priceWithTable(entry: PriceTableEntry, usage: Usage): PriceCalculation | null {
  const options = entry.providerId === undefined ? {} : { providerId: entry.providerId };
  return loadPriceTable().calcPrice(usage, entry.modelId, options);
}

const entries = new Map<string, PriceTableEntry | null>();

/** Finds the model in the price table the way OpenHands asks LiteLLM (§5), or undefined; results are cached. */
export function findPriceTableEntry(model: string): PriceTableEntry | undefined {
  const cached = entries.get(model);
  if (cached !== undefined) return cached ?? undefined;
  const found = lookupCandidates(model).find(
    (entry) => priceWithTable(entry, { input_tokens: 0, output_tokens: 0 }) !== null,
  );
  entries.set(model, found ?? null);
  return found;
}

// Some resellers' entries (OpenRouter, Google's own) omit the context window; it belongs to the
// model, so any other provider's entry for the same name gives it.
function contextWindowElsewhere(model: string): number | undefined {
  for (const entry of lookupCandidates(model)) {
    for (const candidate of [entry, { modelId: entry.modelId }]) {
      const window = priceWithTable(candidate, { input_tokens: 0, output_tokens: 0 })?.model.context_window;
      if (window !== undefined) return window;
    }
  }
  return undefined;
}

/** The flat per-token price of one price key; for tiered prices, the base tier. */
function perToken(price: ModelPrice, key: string): number | undefined {
  const value = price[key];
  const perMillion = typeof value === "number" ? value : value?.base;
  return perMillion === undefined ? undefined : perMillion / 1_000_000;
}

function tablePart(model: string): ModelInfo {
  if (isFreeModel(model)) {
    return {
      inputCostPerToken: 0,
      outputCostPerToken: 0,
      cacheReadCostPerToken: 0,
      cacheWriteCostPerToken: 0,
    };
  }
  const entry = findPriceTableEntry(model);
  if (entry === undefined) return {};
  const calculation = priceWithTable(entry, { input_tokens: 0, output_tokens: 0 });
  if (calculation === null) return {};
  const found: PriceModelInfo = calculation.model;
  const info: ModelInfo = {};
  const contextWindow = found.context_window ?? contextWindowElsewhere(model);
  if (contextWindow !== undefined) info.maxInputTokens = contextWindow;
  const prices: [keyof ModelInfo, string][] = [
    ["inputCostPerToken", "input_mtok"],
    ["outputCostPerToken", "output_mtok"],
    ["cacheReadCostPerToken", "cache_read_mtok"],
    ["cacheWriteCostPerToken", "cache_write_mtok"],
  ];
  for (const [field, key] of prices) {
    const value = perToken(calculation.model_price, key);
    if (value !== undefined) Object.assign(info, { [field]: value });
  }
  return info;
}

function limitsPart(model: string): ModelInfo {
  const name = withoutVendorPrefix(normalizeModelName(model));
  const catalog = findCatalogLimits(model);
  const table = modelLimits.find((candidate) => matchesModelPattern(name, [candidate.pattern]));
  // The catalog first, field by field; the table fills what the catalog's snapshot does not know.
  const limits =
    catalog === undefined && table === undefined
      ? undefined
      : {
          maxOutputTokens: catalog?.maxOutputTokens ?? table?.maxOutputTokens,
          supportsVision: catalog?.supportsVision ?? table?.supportsVision,
          // Tool calling is known when either source says so: the catalog's snapshot marks some models
          // without it that LiteLLM and OpenHands call natively (gpt-3.5-turbo), and a false here would
          // switch their agents to prompt-based tool calling.
          supportsToolCalling: catalog?.supportsToolCalling === true || table?.supportsToolCalling === true,
          supportsReasoning: catalog?.supportsReasoning ?? table?.supportsReasoning,
        };
  const features = getModelFeatures(model);
  const info: ModelInfo = {};
  if (limits?.maxOutputTokens !== undefined) info.maxOutputTokens = limits.maxOutputTokens;
  if (limits?.supportsVision !== undefined) info.supportsVision = limits.supportsVision;
  const toolCalling = features.nativeToolCalling || limits?.supportsToolCalling === true;
  if (toolCalling || limits !== undefined) info.supportsToolCalling = toolCalling;
  const reasoning = features.reasoningEffort || limits?.supportsReasoning === true;
  if (reasoning || limits !== undefined) info.supportsReasoning = reasoning;
  if (features.promptCache) info.supportsPromptCaching = true;
  return info;
}

/**
 * What is known about a model: lookup by the provider-qualified id, then the full id, then without
 * the provider prefix, then the basename; undefined when nothing at all is known.
 * @example getModelInfo("anthropic/claude-3-5-sonnet-20241022")?.maxInputTokens // 200000
 */
export function getModelInfo(model: string): ModelInfo | undefined {
  const info = { ...limitsPart(model), ...tablePart(model) };
  return Object.keys(info).length === 0 ? undefined : info;
}
