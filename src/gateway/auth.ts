/**
 * Client keys: who may call, which configs each key may use, and its budget. Keys are compared as
 * SHA-256 digests with `timingSafeEqual` against every known key (no early exit), and only a key's
 * name or fingerprint ever reaches a log or the ledger.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { ResolvedGatewayKey } from "../config/schema.ts";
import { GatewayError } from "./errors.ts";

/** A client key as the gateway keeps it: never the key itself. */
export interface ClientKey {
  /** The key's `name`, or `key-` and the first 12 hex digits of its SHA-256: safe to log. */
  id: string;
  /** The configs it may use; undefined means every config. */
  configs: ReadonlySet<string> | undefined;
  maxBudget: number | null;
  digest: Buffer;
}

/** The keys of one configuration; with none, the gateway is open (and bound to loopback only). */
export interface KeyTable {
  keys: readonly ClientKey[];
}

const digestOf = (text: string) => createHash("sha256").update(text).digest();

/** Builds the key table of a `[gateway]` section. */
export function createKeyTable(keys: readonly ResolvedGatewayKey[]): KeyTable {
  return {
    keys: keys.map((entry) => {
      const digest = digestOf(entry.key);
      return {
        id: entry.name ?? `key-${digest.toString("hex").slice(0, 12)}`,
        configs: entry.configs.includes("*") ? undefined : new Set(entry.configs),
        maxBudget: entry.max_budget,
        digest,
      };
    }),
  };
}

/** The key a request presents: `Authorization: Bearer <key>` (OpenAI SDKs) or `x-api-key` (Anthropic's). */
function presentedKey(headers: Readonly<Record<string, string | undefined>>): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    return match?.[1]?.trim();
  }
  return headers["x-api-key"]?.trim();
}

/**
 * The client key of a request: undefined when the gateway has no keys; a 401 when keys are configured
 * and the request has none or an unknown one.
 */
export function authenticate(
  table: KeyTable,
  headers: Readonly<Record<string, string | undefined>>,
): ClientKey | undefined {
  if (table.keys.length === 0) return undefined;
  const presented = presentedKey(headers);
  if (presented === undefined || presented === "") {
    throw new GatewayError(
      "missing API key: send it as Authorization: Bearer <key> or x-api-key: <key> (one of the keys in [gateway] keys)",
      { status: 401, type: "invalid_request_error", code: "missing_api_key" },
    );
  }
  const digest = digestOf(presented);
  let found: ClientKey | undefined;
  for (const key of table.keys) if (timingSafeEqual(key.digest, digest) && found === undefined) found = key;
  if (found === undefined) {
    throw new GatewayError("invalid API key", {
      status: 401,
      type: "invalid_request_error",
      code: "invalid_api_key",
    });
  }
  return found;
}

/** A 403 unless the key may use the config. */
export function authorize(key: ClientKey | undefined, configName: string): void {
  if (key?.configs === undefined || key.configs.has(configName)) return;
  throw new GatewayError(
    `this key may not use config "${configName}"; it may use: ${[...key.configs].join(", ")}`,
    { status: 403, type: "permission_error", code: "config_not_allowed", param: "model" },
  );
}

/** Whether a key may use a config (for listing models). */
export function mayUse(key: ClientKey | undefined, configName: string): boolean {
  return key?.configs === undefined || key.configs.has(configName);
}
