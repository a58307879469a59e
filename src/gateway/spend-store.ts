/**
 * Which spend store a gateway opens: Redis when `[gateway] redis_url` is set (shared by every
 * instance), else the local ledger file.
 */
import { resolve } from "node:path";
import type { Config } from "../config/load.ts";
import { openFileLedger, type SpendStore, SpendStoreUnavailableError } from "./ledger.ts";

/**
 * Opens the configured spend store. Redis out of reach at start is an error located at `redis_url`,
 * its password masked.
 * @example const spend = await openSpendStore(config, process.cwd(), console.error);
 */
export async function openSpendStore(
  config: Config,
  cwd: string,
  notice: (line: string) => void,
): Promise<SpendStore> {
  const settings = config.gateway;
  if (settings.redis_url === null) return openFileLedger(resolve(cwd, settings.ledger_file));
  // Loaded only by gateways that use Redis: everyone else skips ioredis's start-up cost.
  const { openRedisLedger } = await import("./spend-redis.ts");
  try {
    return await openRedisLedger({ url: settings.redis_url, notice });
  } catch (error) {
    if (!(error instanceof SpendStoreUnavailableError)) throw error;
    throw new Error(
      `${await locateRedisUrl(config)}[gateway] redis_url: ${error.message}; start Redis there (or fix redis_url), or remove redis_url to keep spend in ledger_file`,
    );
  }
}

/** Where `redis_url` was set, as a message prefix: `file:line:col: `, the environment variable, or nothing. */
async function locateRedisUrl(config: Config): Promise<string> {
  const source = config.provenance.sections.gateway.redis_url?.source;
  const position = source === undefined ? undefined : await config.locate(source);
  if (source?.kind === "file")
    return `${source.file}${position === undefined ? "" : `:${position.line}:${position.column}`}: `;
  if (source?.kind === "env") return `environment variable ${source.env}: `;
  return "";
}
