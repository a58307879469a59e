/**
 * The access log: one JSON line per request with what an operator needs (config, model, status,
 * tokens, cost, overhead) and nothing a client sent in the body, nor any key.
 */

/** The facts of one request for the log. */
export interface AccessRecord {
  method: string;
  path: string;
  status: number;
  /** The config that answered (or was asked for). */
  config?: string | undefined;
  model?: string | undefined;
  /** The client key's name or fingerprint, never the key. */
  key?: string | undefined;
  stream?: boolean | undefined;
  attempts?: number | undefined;
  inputTokens?: number | undefined;
  outputTokens?: number | undefined;
  costUsd?: number | null | undefined;
  durationMs: number;
  overheadMs?: number | undefined;
  fastPath?: boolean | undefined;
  error?: string | undefined;
}

const round = (ms: number | undefined) => (ms === undefined ? undefined : Math.round(ms * 1000) / 1000);

/** Formats one access-log line (JSON, undefined fields left out). */
export function formatAccessLine(record: AccessRecord, at: number): string {
  return `${JSON.stringify({
    time: new Date(at).toISOString(),
    method: record.method,
    path: record.path,
    status: record.status,
    config: record.config,
    model: record.model,
    key: record.key,
    stream: record.stream,
    fast_path: record.fastPath,
    attempts: record.attempts,
    input_tokens: record.inputTokens,
    output_tokens: record.outputTokens,
    cost_usd: record.costUsd,
    duration_ms: round(record.durationMs),
    overhead_ms: round(record.overheadMs),
    error: record.error,
  })}\n`;
}
