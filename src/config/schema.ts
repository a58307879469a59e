/**
 * The one list of keys: every section and field of `config.toml`, with OpenHands' names, types and
 * defaults. Validation, TypeScript types, defaults, did-you-mean candidates, the JSON Schema and the
 * reference docs are all derived from these zod schemas.
 *
 * This module composes the sections (one module each: schema-llm, schema-agent, schema-condenser,
 * schema-core, schema-sandbox, schema-mcp, schema-gateway; shared builders in schema-fields, key lists in
 * schema-keys) and re-exports them, so importers name one module.
 */
import type { z } from "zod";
import { type agentSchema, modelRoutingSchema } from "./schema-agent.ts";
import type { condenserSchema } from "./schema-condenser.ts";
import { coreSchema, securitySchema } from "./schema-core.ts";
import { type gatewayKeySchema, gatewaySchema } from "./schema-gateway.ts";
import type { llmSchema } from "./schema-llm.ts";
import { mcpSchema } from "./schema-mcp.ts";
import { kubernetesSchema, sandboxSchema } from "./schema-sandbox.ts";

export { agentSchema, modelRoutingSchema } from "./schema-agent.ts";
export { condenserSchema, condenserSchemas } from "./schema-condenser.ts";
export { coreSchema, securitySchema } from "./schema-core.ts";
export { gatewayKeySchema, gatewaySchema } from "./schema-gateway.ts";
export { DROPPED_KEYS, KEY_ALIASES, RENAMED_KEYS, SECRET_FIELDS, TABLE_FIELDS } from "./schema-keys.ts";
export {
  DEFAULT_AZURE_API_VERSION,
  DEFAULT_COMPLETIONS_FOLDER,
  DEFAULT_LLM_TIMEOUT_SECONDS,
  llmSchema,
  MAX_WAIT_SECONDS,
} from "./schema-llm.ts";
export {
  mcpSchema,
  mcpServerSchemas,
  shttpServerSchema,
  sseServerSchema,
  stdioServerSchema,
} from "./schema-mcp.ts";
export { kubernetesSchema, sandboxSchema } from "./schema-sandbox.ts";

/** Every top-level section, in the order OpenHands processes them. */
export const SECTION_NAMES = [
  "core",
  "agent",
  "llm",
  "security",
  "model_routing",
  "sandbox",
  "mcp",
  "kubernetes",
  "condenser",
  "extended",
  "gateway",
] as const;

/** A top-level section name. */
export type SectionName = (typeof SECTION_NAMES)[number];

/** The plain (non-named) sections and the schema each validates against. */
export const plainSectionSchemas = {
  core: coreSchema,
  security: securitySchema,
  sandbox: sandboxSchema,
  mcp: mcpSchema,
  kubernetes: kubernetesSchema,
  model_routing: modelRoutingSchema,
  gateway: gatewaySchema,
} as const;

/** A plain section with a fixed set of fields. */
export type PlainSectionName = keyof typeof plainSectionSchemas;

/** Environment-variable prefix of each section's fields (H3); `core` reads bare upper-case names. */
export const ENV_PREFIXES: Readonly<Record<PlainSectionName | "llm" | "agent" | "condenser", string>> = {
  core: "",
  llm: "LLM_",
  agent: "AGENT_",
  condenser: "CONDENSER_",
  security: "SECURITY_",
  sandbox: "SANDBOX_",
  mcp: "MCP_",
  kubernetes: "KUBERNETES_",
  model_routing: "MODEL_ROUTING_",
  gateway: "GATEWAY_",
};

/** An LLM config after inheritance, environment, CLI flags and derived defaults. */
export type ResolvedLlmConfig = z.output<typeof llmSchema>;
/** An agent config after inheritance from `[agent]`. */
export type ResolvedAgentConfig = z.output<typeof agentSchema>;
/** A condenser config. */
export type ResolvedCondenserConfig = z.output<typeof condenserSchema>;
/** The `[core]` settings. */
export type ResolvedCoreConfig = z.output<typeof coreSchema>;
/** The `[sandbox]` settings. */
export type ResolvedSandboxConfig = z.output<typeof sandboxSchema>;
/** The `[security]` settings. */
export type ResolvedSecurityConfig = z.output<typeof securitySchema>;
/** The `[mcp]` settings. */
export type ResolvedMcpConfig = z.output<typeof mcpSchema>;
/** The `[kubernetes]` settings. */
export type ResolvedKubernetesConfig = z.output<typeof kubernetesSchema>;
/** The `[model_routing]` settings. */
export type ResolvedModelRoutingConfig = z.output<typeof modelRoutingSchema>;

/** The `[gateway]` settings. */
export type ResolvedGatewayConfig = z.output<typeof gatewaySchema>;
/** One client key of `[gateway]`. */
export type ResolvedGatewayKey = z.output<typeof gatewayKeySchema>;

/** The field names of an object schema: the did-you-mean candidates for its keys. */
export function fieldNames(schema: z.ZodObject): string[] {
  return Object.keys(schema.shape);
}

/** Whether a numeric field holds integers (seen through defaults, nullables and coercing pipes). */
export function isIntegerField(field: z.ZodType): boolean {
  const def = (field as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  if (def.type === "default" || def.type === "nullable" || def.type === "optional")
    return isIntegerField(def.innerType as z.ZodType);
  if (def.type === "pipe") return isIntegerField(def.out as z.ZodType);
  return def.type === "number" && typeof def.format === "string" && def.format.includes("int");
}
