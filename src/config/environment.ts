/**
 * Environment overrides (H3): `LLM_<FIELD>` on `[llm]`, `AGENT_<FIELD>` on `[agent]`, `SANDBOX_<FIELD>`
 * and so on, bare upper-case names for `[core]`. They apply to the base sections before inheritance,
 * so a named config that does not set a field inherits the environment's value.
 */
import type { z } from "zod";
import { parseEnvBool } from "./coerce.ts";
import type { CollectedConfig } from "./collect.ts";
import type { IssueFact } from "./issues.ts";
import {
  agentSchema,
  condenserSchemas,
  ENV_PREFIXES,
  fieldNames,
  llmSchema,
  type PlainSectionName,
  plainSectionSchemas,
} from "./schema.ts";
import { type Assignments, type PendingIssue, pendingIssue } from "./sources.ts";

type FieldKind = "boolean" | "number" | "string" | "json";

/** The kind of value a field holds, seen through defaults, nullables and coercing pipes. */
export function fieldKind(schema: z.ZodType): FieldKind {
  const def = (schema as unknown as { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case "default":
    case "nullable":
    case "optional":
      return fieldKind(def.innerType as z.ZodType);
    case "pipe":
      return fieldKind((def.out as z.ZodType) ?? (def.in as z.ZodType));
    case "boolean":
      return "boolean";
    case "number":
    case "int":
      return "number";
    case "string":
      return "string";
    default:
      return "json";
  }
}

/** Applies environment overrides to the base sections, reporting values that cannot be cast. */
export function applyEnvironment(
  collected: CollectedConfig,
  env: Readonly<Record<string, string | undefined>>,
): PendingIssue[] {
  const issues: PendingIssue[] = [];
  const apply = (target: Assignments, prefix: string, section: string, shape: Record<string, z.ZodType>) => {
    for (const key of Object.keys(shape)) {
      const name = `${prefix}${key.toUpperCase()}`;
      const text = env[name];
      if (text === undefined || text === "") continue;
      const field = shape[key] as z.ZodType;
      const parsed = parseEnvValue(text, fieldKind(field));
      // H11: bare names (DEBUG, RUNTIME, …) belong to other tools too (DEBUG=express:*): a value that
      // cannot be cast is ignored with a warning. Prefixed names are ours, and fail loudly (H3).
      if (prefix === "" && !(parsed.ok && field.safeParse(parsed.value).success)) {
        const reason = parsed.ok ? describeKind(fieldKind(field)) : parsed.reason;
        const shown = shownValue(text, fieldKind(field));
        const fact: IssueFact = {
          code: "invalid_env",
          variable: name,
          key,
          reason,
          ignored: true,
          shown,
          section,
        };
        issues.push(pendingIssue(fact, { file: `<env ${name}>`, path: [] }));
      } else if (parsed.ok) {
        target.set(key, { value: parsed.value, source: { kind: "env", env: name } });
      } else {
        const fact: IssueFact = {
          code: "invalid_env",
          variable: name,
          key,
          reason: parsed.reason,
          ignored: false,
          shown: "",
          section,
        };
        issues.push(pendingIssue(fact, { file: `<env ${name}>`, path: [] }));
      }
    }
  };
  for (const section of Object.keys(plainSectionSchemas) as PlainSectionName[]) {
    apply(collected.plain[section], ENV_PREFIXES[section], section, plainSectionSchemas[section].shape);
  }
  apply(collected.llm, ENV_PREFIXES.llm, "llm", llmSchema.shape);
  apply(collected.agent, ENV_PREFIXES.agent, "agent", agentSchema.shape);
  if (collected.condenser) {
    const type = collected.condenser.get("type")?.value;
    const schema = condenserSchemas[typeof type === "string" ? type : "noop"];
    if (schema) {
      const shape = Object.fromEntries(
        fieldNames(schema)
          .filter((key) => key !== "type")
          .map((key) => [key, schema.shape[key] as z.ZodType]),
      );
      apply(collected.condenser, ENV_PREFIXES.condenser, "condenser", shape);
    }
  }
  return issues;
}

/** `=value` for a flag or a number (never a secret); maps may carry credentials, so they stay unshown. */
function shownValue(text: string, kind: FieldKind): string {
  if (kind !== "boolean" && kind !== "number") return "";
  return `=${JSON.stringify(text.length > 40 ? `${text.slice(0, 37)}...` : text)}`;
}

function describeKind(kind: FieldKind): string {
  return kind === "number" ? "expected a number" : kind === "json" ? "expected JSON" : "expected text";
}

function parseEnvValue(
  text: string,
  kind: FieldKind,
): { ok: true; value: unknown } | { ok: false; reason: string } {
  switch (kind) {
    case "boolean": {
      const value = parseEnvBool(text);
      return value === undefined
        ? { ok: false, reason: "expected true/false/1/0/yes/no" }
        : { ok: true, value };
    }
    case "number":
      return { ok: true, value: text.trim() };
    case "string":
      return { ok: true, value: text };
    case "json":
      try {
        return { ok: true, value: JSON.parse(text) };
      } catch {
        return { ok: false, reason: "expected a JSON array or object" };
      }
  }
}
