/** `[gateway]`: `llmconf serve` and its client keys. */
import { z } from "zod";
import { laxBool, laxFloat, laxInt } from "./schema-fields.ts";

/** One client key of `[gateway]`: the configs it may use and its spend budget. */
export const gatewayKeySchema = z.strictObject({
  key: z
    .string()
    .min(8, "must be at least 8 characters")
    .describe("The key clients send as `Authorization: Bearer <key>`. Secret."),
  name: z
    .string()
    .nullable()
    .default(null)
    .describe("A name for logs and the ledger (default: a fingerprint of the key)."),
  configs: z
    .array(z.string())
    .default(["*"])
    .describe("The LLM configs this key may use (`*`: every config)."),
  max_budget: laxFloat()
    .pipe(z.number().min(0))
    .nullable()
    .default(null)
    .describe("Spend limit of this key in USD, over the ledger's whole history (unset: no limit)."),
});

/** `[gateway]`: `llmconf serve`, the OpenAI-compatible gateway (llmconf). */
export const gatewaySchema = z.object({
  host: z
    .string()
    .default("127.0.0.1")
    .describe("Address to listen on; a non-loopback address needs `keys`."),
  port: laxInt()
    .pipe(z.int().min(0).max(65535))
    .default(4000)
    .describe("Port to listen on (0: any free port)."),
  keys: z
    .array(gatewayKeySchema)
    .default([])
    .describe(
      'Client keys, `[{ key = "${TEAM_KEY}", configs = ["gpt3"], max_budget = 5.0 }]`; none: no authentication (loopback only).',
    ),
  max_body_bytes: laxInt()
    .pipe(z.int().min(1024))
    .default(10_485_760)
    .describe("Largest request body accepted, in bytes (larger: HTTP 413)."),
  max_concurrent_requests: laxInt()
    .pipe(z.int().min(1))
    .default(256)
    .describe("Requests served at once; more are refused with HTTP 429."),
  shutdown_grace_seconds: laxFloat()
    .pipe(z.number().min(0))
    .default(10)
    .describe("On SIGTERM/SIGINT, how long in-flight requests may run before connections are closed."),
  ledger_file: z
    .string()
    .default("logs/gateway-spend.jsonl")
    .describe(
      "Append-only spend ledger per key; survives restarts (relative: against the working directory).",
    ),
  access_log: laxBool().default(true).describe("Print one JSON line per request (no prompts, no keys)."),
  stored_responses_max: laxInt()
    .pipe(z.int().min(0))
    .default(1000)
    .describe(
      "Responses kept for `previous_response_id` on `/v1/responses` (least recently used go first; 0: none): in memory, or per API key in Redis when `redis_url` is set.",
    ),
  stored_responses_max_bytes: laxInt()
    .pipe(z.int().min(0))
    .default(67_108_864)
    .describe(
      "Memory the kept responses may use, in bytes (least recently used go first; per API key in Redis when `redis_url` is set).",
    ),
  redis_url: z
    .string()
    .regex(/^rediss?:\/\/[^\s]+$/, 'must be a URL like "redis://127.0.0.1:6379" (or "rediss://" for TLS)')
    .nullable()
    .default(null)
    .describe(
      "Redis shared by every instance for per-key spend and budgets and for stored responses (`previous_response_id`), `redis://[:password@]host:6379[/db]` (`rediss://`: TLS; the password is masked wherever shown); unset: `ledger_file`. Read at start.",
    ),
});
