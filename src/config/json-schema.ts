/**
 * The JSON Schema of `config.toml`, generated from the zod schemas that validate it (no second list of
 * keys). Draft-07, the newest draft Taplo / Even Better TOML validate fully.
 */
import { z } from "zod";
import {
  agentSchema,
  condenserSchema,
  coreSchema,
  gatewaySchema,
  kubernetesSchema,
  llmSchema,
  mcpSchema,
  modelRoutingSchema,
  sandboxSchema,
  securitySchema,
} from "./schema.ts";

/** A JSON Schema document or sub-schema. */
export type JsonSchema = { [keyword: string]: unknown };

/** The draft the schema declares in `$schema`. */
export const JSON_SCHEMA_DRAFT = "http://json-schema.org/draft-07/schema#";

/** What each top-level section is for: its description in the schema and in docs/config.md. */
export const SECTION_DESCRIPTIONS = {
  core: "Top-level OpenHands settings. Environment: the upper-case field name (`MAX_ITERATIONS`).",
  llm: "The default LLM config. Every `[llm.<name>]` sub-table is a named config that inherits each field it does not set from `[llm]`.",
  agent:
    "The base agent config. Every `[agent.<Name>]` sub-table configures one agent and inherits each field it does not set from `[agent]`.",
  condenser:
    "The default agent's history condenser, chosen by `type` (default `noop`). Sub-tables `[condenser.<name>]` are named condensers.",
  security: "Confirmation mode and the security analyzer.",
  model_routing: "How the default agent picks among the configs marked `for_routing`.",
  sandbox: "OpenHands' container sandbox.",
  mcp: "Model Context Protocol servers.",
  kubernetes: "OpenHands' Kubernetes runtime.",
  extended: "Free-form settings for extensions: any keys.",
  gateway:
    "`llmconf serve`: the OpenAI-compatible gateway that serves every named config as a model (llmconf).",
} as const;

/** A section of the schema, in the order OpenHands processes them. */
export type SchemaSection = keyof typeof SECTION_DESCRIPTIONS;

/**
 * Defaults that depend on the machine the schema is generated on: left out of the schema so the
 * committed file is the same everywhere, and described in words instead.
 */
export const MACHINE_DEFAULTS: Readonly<Record<string, string>> = {
  "sandbox.user_id": "the uid of the llmconf process",
};

/**
 * Alternative spellings a preprocess step accepts besides the declared type (zod only sees the
 * declared type); keyed by section, field and array items (`*`).
 */
const INPUT_FORMS: readonly { path: readonly string[]; form: JsonSchema }[] = [
  { path: ["mcp", "sse_servers", "*"], form: { type: "string", description: "The server URL." } },
  { path: ["mcp", "shttp_servers", "*"], form: { type: "string", description: "The server URL." } },
  {
    path: ["mcp", "stdio_servers", "*", "args"],
    form: { type: "string", description: "Arguments separated by spaces." },
  },
  {
    path: ["mcp", "stdio_servers", "*", "env"],
    form: { type: "string", description: "`NAME=value` pairs separated by commas." },
  },
];

const SAFE_INTEGER_BOUNDS = new Set([Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

/** Marks a property required only when the TOML must spell it out (no default, not optional). */
function markInputRequired(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const zod = (ctx.zodSchema as { _zod: { def: { type: string; shape?: Record<string, unknown> } } })._zod;
  if (zod.def.type !== "object" || !zod.def.shape) return;
  const required = Object.entries(zod.def.shape)
    .filter(([, field]) => (field as { _zod: { optin?: string } })._zod.optin === undefined)
    .map(([key]) => key);
  if (required.length > 0) ctx.jsonSchema.required = required;
  else delete ctx.jsonSchema.required;
}

/**
 * Cleans zod's output for TOML: TOML has no null, so `null` alternatives and null defaults go;
 * the safe-integer bounds zod adds to every integer are noise in an editor.
 */
function cleanForToml(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(cleanForToml);
  if (typeof node !== "object" || node === null) return node;
  const schema: JsonSchema = {};
  for (const [keyword, value] of Object.entries(node)) {
    if (keyword === "$schema") continue;
    if (keyword === "default" && value === null) continue;
    if ((keyword === "minimum" || keyword === "maximum") && SAFE_INTEGER_BOUNDS.has(value as number))
      continue;
    if (keyword === "default") {
      schema.default = value;
      continue;
    }
    schema[keyword] = cleanForToml(value);
  }
  if (Array.isArray(schema.type)) {
    const types = (schema.type as string[]).filter((type) => type !== "null");
    schema.type = types.length === 1 ? types[0] : types;
  }
  for (const combinator of ["anyOf", "oneOf"] as const) {
    const options = schema[combinator];
    if (!Array.isArray(options)) continue;
    const kept = options.filter((option) => (option as JsonSchema).type !== "null");
    if (kept.length === 1) {
      delete schema[combinator];
      Object.assign(schema, kept[0] as JsonSchema, pickAnnotations(schema));
    } else {
      schema[combinator] = kept;
    }
  }
  return schema;
}

function pickAnnotations(schema: JsonSchema): JsonSchema {
  const annotations: JsonSchema = {};
  for (const keyword of ["description", "default"]) {
    if (keyword in schema) annotations[keyword] = schema[keyword];
  }
  return annotations;
}

/**
 * A condenser's `llm_config` is a config name or an inline LLM table: the zod schema accepts any table
 * there (the loader checks its keys), the JSON Schema says which keys and types it takes.
 */
function referInlineLlmTables(node: unknown): void {
  if (typeof node !== "object" || node === null) return;
  for (const value of Object.values(node)) referInlineLlmTables(value);
  const properties = (node as JsonSchema).properties as Record<string, JsonSchema> | undefined;
  const options = properties?.llm_config?.anyOf as JsonSchema[] | undefined;
  if (!options) return;
  (properties as Record<string, JsonSchema>).llm_config = {
    ...properties?.llm_config,
    anyOf: options.map((option) => (option.type === "object" ? { $ref: "#/definitions/llm" } : option)),
  };
}

/** The JSON Schema of one zod schema as a TOML author writes it: declared types, defaults, constraints. */
export function toTomlJsonSchema(schema: z.ZodType): JsonSchema {
  const generated = z.toJSONSchema(schema, {
    target: "draft-07",
    // Output mode keeps defaults and the constraints behind lax-coercion pipes (the declared type);
    // `required` is then recomputed for input, where defaulted fields may be left out.
    io: "output",
    unrepresentable: "any",
    override: (ctx) => markInputRequired(ctx as { zodSchema: unknown; jsonSchema: JsonSchema }),
  });
  const cleaned = cleanForToml(generated) as JsonSchema;
  referInlineLlmTables(cleaned);
  return cleaned;
}

function applyInputForms(section: string, schema: JsonSchema): void {
  for (const { path, form } of INPUT_FORMS) {
    if (path[0] !== section) continue;
    let node: JsonSchema | undefined = schema;
    for (const step of path.slice(1)) {
      node =
        step === "*"
          ? (node?.items as JsonSchema | undefined)
          : ((node?.properties as Record<string, JsonSchema> | undefined)?.[step] ?? undefined);
    }
    if (!node) throw new Error(`INPUT_FORMS path ${path.join(".")} is not in the schema`);
    const declared = { ...node };
    const annotations = pickAnnotations(declared);
    delete declared.description;
    delete declared.default;
    for (const keyword of Object.keys(node)) delete node[keyword];
    Object.assign(node, annotations, { anyOf: [declared, form] });
  }
}

function removeMachineDefaults(section: string, schema: JsonSchema): void {
  const properties = schema.properties as Record<string, JsonSchema> | undefined;
  for (const key of Object.keys(MACHINE_DEFAULTS)) {
    const [owner, field] = key.split(".");
    if (owner === section && field && properties?.[field]) delete properties[field].default;
  }
}

function plainSection(section: SchemaSection, schema: z.ZodObject): JsonSchema {
  const generated = toTomlJsonSchema(schema);
  delete generated.default;
  applyInputForms(section, generated);
  removeMachineDefaults(section, generated);
  return { description: SECTION_DESCRIPTIONS[section], ...generated, additionalProperties: false };
}

/** `[llm]` / `[agent]`: the fields, plus named sub-tables whose value is the field schema itself. */
function familySection(section: "llm" | "agent", fields: JsonSchema): JsonSchema {
  return {
    description: SECTION_DESCRIPTIONS[section],
    type: "object",
    properties: fields.properties,
    // `[llm.llm]` / `[agent.agent]` would replace the base: llmconf rejects them.
    propertyNames: { not: { const: section } },
    additionalProperties: { $ref: `#/definitions/${section}` },
  };
}

/** A condenser where `type` may be left out (it then means `noop`), as `[condenser]` reads it. */
function withOptionalNoopType(condenser: JsonSchema): JsonSchema {
  const variants = (condenser.oneOf as JsonSchema[]).map((variant) => {
    const type = (variant.properties as Record<string, JsonSchema>).type;
    if (type?.const !== "noop") return variant;
    const required = (variant.required as string[] | undefined)?.filter((key) => key !== "type") ?? [];
    const { required: _dropped, ...rest } = variant;
    return required.length > 0 ? { ...rest, required } : rest;
  });
  return { ...condenser, oneOf: variants };
}

/**
 * `[condenser]`: the base condenser's keys, and sub-tables that are named condensers; `llm_config` is
 * always a key of the base (it may be an inline table), never a named condenser.
 */
function condenserSection(named: JsonSchema): JsonSchema {
  const variants = (named.oneOf as JsonSchema[]).map((variant) => {
    const properties = variant.properties as Record<string, JsonSchema>;
    const loose = variant.additionalProperties !== false;
    const namedCondenser = { $ref: "#/definitions/condenser" };
    return {
      ...variant,
      properties: "llm_config" in properties || loose ? properties : { ...properties, llm_config: false },
      additionalProperties: loose ? { anyOf: [{ not: { type: "object" } }, namedCondenser] } : namedCondenser,
    };
  });
  return { description: SECTION_DESCRIPTIONS.condenser, type: "object", oneOf: variants };
}

/**
 * The JSON Schema of `config.toml`: every section and field with type, default, enum and description;
 * unknown keys rejected as llmconf rejects them.
 * @example
 * writeFileSync("config.schema.json", `${JSON.stringify(createConfigJsonSchema(), null, 2)}\n`);
 */
export function createConfigJsonSchema(): JsonSchema {
  const llm = toTomlJsonSchema(llmSchema);
  const agent = toTomlJsonSchema(agentSchema);
  const condenser = withOptionalNoopType(toTomlJsonSchema(condenserSchema));
  const properties: Record<SchemaSection, JsonSchema> = {
    core: plainSection("core", coreSchema),
    llm: familySection("llm", llm),
    agent: familySection("agent", agent),
    condenser: condenserSection(condenser),
    security: plainSection("security", securitySchema),
    model_routing: plainSection("model_routing", modelRoutingSchema),
    sandbox: plainSection("sandbox", sandboxSchema),
    mcp: plainSection("mcp", mcpSchema),
    kubernetes: plainSection("kubernetes", kubernetesSchema),
    extended: { description: SECTION_DESCRIPTIONS.extended, type: "object" },
    gateway: plainSection("gateway", gatewaySchema),
  };
  return withoutUnsupportedCondensers({
    $schema: JSON_SCHEMA_DRAFT,
    title: "llmconf config.toml",
    description:
      "Named LLM configurations for agents (OpenHands-compatible). Generated from llmconf's schema; see docs/config.md.",
    type: "object",
    properties,
    additionalProperties: false,
    definitions: {
      llm: { description: "A named LLM config: fields it does not set come from `[llm]`.", ...llm },
      agent: { description: "An agent config: fields it does not set come from `[agent]`.", ...agent },
      condenser: { description: "A named condenser, chosen by `type` (default `noop`).", ...condenser },
    },
  });
}

/** Condenser types the loader refuses as not supported yet (condenser-rules.ts): not offered to editors. */
const UNSUPPORTED_CONDENSER_TYPES: ReadonlySet<unknown> = new Set(["browser_output_masking"]);

/** The `type` constant of a condenser variant (undefined for anything else). */
function variantType(item: unknown): unknown {
  const properties = (item as { properties?: Record<string, { const?: unknown } | undefined> } | null)
    ?.properties;
  return properties?.type?.const;
}

/** The schema without the variants of unsupported condenser types, wherever a condenser union appears. */
function withoutUnsupportedCondensers<T>(value: T): T {
  if (Array.isArray(value)) {
    return value
      .filter((item) => !UNSUPPORTED_CONDENSER_TYPES.has(variantType(item)))
      .map((item) => withoutUnsupportedCondensers(item)) as T;
  }
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, withoutUnsupportedCondensers(inner)]),
  ) as T;
}

/** The schema as the committed `config.schema.json` text (two-space indent, final newline). */
export function formatJsonSchema(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
