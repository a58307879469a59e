/** The gateway benchmark's table and the ratios between its rows, as markdown. */
import { gatewayCore, type Row, seconds, sharedCore } from "./gateway-harness.ts";

const ms = (value: number | undefined) =>
  value === undefined || Number.isNaN(value) ? "–" : value.toFixed(2);
const plus = (value: number, base: number | undefined) =>
  base === undefined ? "–" : `+${(value - base).toFixed(2)}`;

/** Prints the table of every row and the ratios of the rows present. */
export function report(rows: readonly Row[]) {
  const base = rows.find((row) => row.name === "upstream directly");
  console.log(
    `Each gateway pinned to core ${gatewayCore}; upstream and wrk share core ${sharedCore}; wrk runs of ${seconds} s; times in ms.\n`,
  );
  console.log(
    "| target | p50 @1 | added p50 | p99 @1 | added p99 | req/s @64 | p99 @64 | stream p50 @1 | stream req/s @64 | first byte p50 | added first byte | peak RSS MB | cold start ms |",
  );
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${ms(row.one.p50)} | ${row === base ? "–" : plus(row.one.p50, base?.one.p50)} | ${ms(row.one.p99)} | ${row === base ? "–" : plus(row.one.p99, base?.one.p99)} | ${Math.round(row.many.rps)} | ${ms(row.many.p99)} | ${ms(row.streamOne.p50)} | ${Math.round(row.streamMany.rps)} | ${ms(row.firstByteMs)} | ${row === base ? "–" : plus(row.firstByteMs, base?.firstByteMs)} | ${row.rssMb === undefined ? "–" : row.rssMb.toFixed(0)} | ${ms(row.coldStartMs)} |`,
    );
  }
  const find = (prefix: string) => rows.find((row) => row.name.startsWith(prefix));
  const llmconf = rows.find((row) => row.name === "llmconf serve");
  const responses = find("llmconf serve /v1/responses");
  const anthropicMessages = find("llmconf serve /v1/messages");
  const ledger = find("llmconf serve, key budget, local");
  const redis = find("llmconf serve, key budget, redis");
  if (ledger && redis)
    console.log(
      `\nBudgets in Redis / in the local ledger, throughput at 64 connections: ${(redis.many.rps / ledger.many.rps).toFixed(2)}× (streaming ${(redis.streamMany.rps / ledger.streamMany.rps).toFixed(2)}×); added p50 at 1 connection: ${plus(redis.one.p50, ledger.one.p50)} ms`,
    );
  const minimal = find("minimal");
  const portkey = find("Portkey");
  if (llmconf && minimal)
    console.log(
      `\nllmconf / minimal proxy throughput at 64 connections: ${(llmconf.many.rps / minimal.many.rps).toFixed(2)}× (streaming ${(llmconf.streamMany.rps / minimal.streamMany.rps).toFixed(2)}×)`,
    );
  if (llmconf && responses)
    console.log(
      `/v1/responses (translated) against chat completions (fast path), same process: p50 @1 +${(responses.one.p50 - llmconf.one.p50).toFixed(2)} ms, throughput at 64 connections ${(responses.many.rps / llmconf.many.rps).toFixed(2)}× (streaming ${(responses.streamMany.rps / llmconf.streamMany.rps).toFixed(2)}×)`,
    );
  if (llmconf && anthropicMessages)
    console.log(
      `/v1/messages (translated) against chat completions (fast path), same process: p50 @1 +${(anthropicMessages.one.p50 - llmconf.one.p50).toFixed(2)} ms, throughput at 64 connections ${(anthropicMessages.many.rps / llmconf.many.rps).toFixed(2)}× (streaming ${(anthropicMessages.streamMany.rps / llmconf.streamMany.rps).toFixed(2)}×)`,
    );
  if (llmconf && portkey)
    console.log(
      `llmconf / Portkey throughput at 64 connections: ${(llmconf.many.rps / portkey.many.rps).toFixed(1)}× (streaming ${(llmconf.streamMany.rps / portkey.streamMany.rps).toFixed(1)}×)`,
    );
}
