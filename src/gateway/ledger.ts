/**
 * Spend per client key that survives a restart. The `SpendStore` interface is what the gateway
 * needs; the embedded default is an append-only JSON-lines file (one line per paid request), summed
 * once at start. A shared store (Redis) can implement the same interface for several instances.
 */
import { createWriteStream, mkdirSync, readFileSync, type WriteStream } from "node:fs";
import { dirname } from "node:path";

/** One paid request. */
export interface SpendEntry {
  keyId: string;
  configName: string;
  usd: number;
  /** Milliseconds since the epoch. */
  at: number;
}

/** Where spend is kept: asynchronous so a networked store fits the same interface. */
export interface SpendStore {
  /** Total USD spent by a key. */
  spentUsd(keyId: string): Promise<number>;
  record(entry: SpendEntry): void;
  /** Flushes and closes. */
  close(): Promise<void>;
}

/**
 * Opens (or creates) a ledger file: existing lines are summed per key; a torn last line (a crash
 * mid-write) is skipped.
 * @example const ledger = openFileLedger("logs/gateway-spend.jsonl");
 */
export function openFileLedger(file: string): SpendStore {
  const totals = new Map<string, number>();
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const entry = JSON.parse(line) as { key?: unknown; usd?: unknown };
      if (typeof entry.key === "string" && typeof entry.usd === "number" && Number.isFinite(entry.usd))
        totals.set(entry.key, (totals.get(entry.key) ?? 0) + entry.usd);
    } catch {
      // A line cut by a crash: the request it stood for is lost, the rest is intact.
    }
  }
  let stream: WriteStream | undefined;
  const open = () => {
    if (stream === undefined) {
      mkdirSync(dirname(file), { recursive: true });
      stream = createWriteStream(file, { flags: "a" });
      // A torn last line would glue itself to the next entry; start on a fresh line.
      if (text !== "" && !text.endsWith("\n")) stream.write("\n");
    }
    return stream;
  };
  return {
    spentUsd: async (keyId) => totals.get(keyId) ?? 0,
    record(entry) {
      if (!(entry.usd > 0)) return;
      totals.set(entry.keyId, (totals.get(entry.keyId) ?? 0) + entry.usd);
      open().write(
        `${JSON.stringify({ at: new Date(entry.at).toISOString(), key: entry.keyId, config: entry.configName, usd: entry.usd })}\n`,
      );
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (stream === undefined) resolve();
        else stream.end(() => resolve());
      }),
  };
}

/** A store that forgets everything at exit (tests, and gateways without keys). */
export function createMemoryLedger(): SpendStore {
  const totals = new Map<string, number>();
  return {
    spentUsd: async (keyId) => totals.get(keyId) ?? 0,
    record: (entry) => {
      totals.set(entry.keyId, (totals.get(entry.keyId) ?? 0) + entry.usd);
    },
    close: async () => {},
  };
}
