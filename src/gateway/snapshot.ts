/**
 * What the gateway serves at one moment: a loaded configuration and what is derived from it once
 * (the client key table). A reload builds a new snapshot; requests already running keep theirs.
 */
import type { Config } from "../config/load.ts";
import { createKeyTable, type KeyTable } from "./auth.ts";

/** One loaded configuration and what the gateway derives from it. */
export interface GatewaySnapshot {
  config: Config;
  keys: KeyTable;
}

/** Builds the snapshot of a loaded configuration. */
export function createSnapshot(config: Config): GatewaySnapshot {
  return { config, keys: createKeyTable(config.gateway.keys) };
}
