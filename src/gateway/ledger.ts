/**
 * Spend per client key that survives a restart, with reservations for requests in flight. The
 * `SpendStore` interface is what the gateway needs; the embedded default is an append-only JSON-lines
 * file (one line per paid request), summed once at start, with reservations kept in the process. The
 * shared store for several instances (Redis, spend-redis.ts) implements the same interface.
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

/** What a store answers to a reservation: its id, or the figures that refused it. */
export type ReserveAnswer = { ok: true; id: string } | { ok: false; spentUsd: number; reservedUsd: number };

/** A shared store that cannot be reached now; its message names where it is (no password) and why. */
export class SpendStoreUnavailableError extends Error {
  override name = "SpendStoreUnavailableError";
}

/** Where spend is kept: asynchronous so a networked store fits the same interface. */
export interface SpendStore {
  /** Total USD spent by a key (settled requests only). */
  spentUsd(keyId: string): Promise<number>;
  /**
   * Holds `usd` of a key's budget for a request about to run, unless spent + reserved + `usd` would
   * pass `budgetUsd` or the budget is already spent: the check and the hold are one atomic step, so two requests (or two instances)
   * cannot both take the last dollar.
   */
  reserve(keyId: string, usd: number, budgetUsd: number): Promise<ReserveAnswer>;
  /**
   * Records what a request cost (`entry.usd`, nothing when 0) and releases its reservation (none for a
   * key without a budget). Never rejects: a store that cannot write keeps trying on its own.
   */
  settle(reservationId: string | undefined, entry: SpendEntry): Promise<void>;
  /** Flushes and closes. */
  close(): Promise<void>;
}

/**
 * Reservations held in this process, per key. No expiry is needed: they die with the process, and
 * every request settles its own.
 */
function createLocalStore(
  totals: Map<string, number>,
  write: (entry: SpendEntry) => void,
  close: () => Promise<void>,
): SpendStore {
  const reservations = new Map<string, { keyId: string; usd: number }>();
  const held = new Map<string, { usd: number; count: number }>();
  let sequence = 0;
  return {
    spentUsd: async (keyId) => totals.get(keyId) ?? 0,
    async reserve(keyId, usd, budgetUsd) {
      const spentUsd = totals.get(keyId) ?? 0;
      const reserved = held.get(keyId) ?? { usd: 0, count: 0 };
      // A spent budget refuses even a request of unknown price (estimated at $0).
      if (spentUsd >= budgetUsd || spentUsd + reserved.usd + usd > budgetUsd)
        return { ok: false, spentUsd, reservedUsd: reserved.usd };
      const id = String(++sequence);
      reservations.set(id, { keyId, usd });
      held.set(keyId, { usd: reserved.usd + usd, count: reserved.count + 1 });
      return { ok: true, id };
    },
    async settle(reservationId, entry) {
      const reservation = reservationId === undefined ? undefined : reservations.get(reservationId);
      if (reservationId !== undefined && reservation !== undefined) {
        reservations.delete(reservationId);
        const reserved = held.get(reservation.keyId) ?? { usd: 0, count: 1 };
        // Sums of floats drift: a key with nothing in flight holds exactly nothing.
        if (reserved.count <= 1) held.delete(reservation.keyId);
        else held.set(reservation.keyId, { usd: reserved.usd - reservation.usd, count: reserved.count - 1 });
      }
      if (!(entry.usd > 0)) return;
      totals.set(entry.keyId, (totals.get(entry.keyId) ?? 0) + entry.usd);
      write(entry);
    },
    close,
  };
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
  const write = (entry: SpendEntry) =>
    open().write(
      `${JSON.stringify({ at: new Date(entry.at).toISOString(), key: entry.keyId, config: entry.configName, usd: entry.usd })}\n`,
    );
  return createLocalStore(
    totals,
    write,
    () =>
      new Promise<void>((resolve) => {
        if (stream === undefined) resolve();
        else stream.end(() => resolve());
      }),
  );
}

/** A store that forgets everything at exit (tests, and gateways without keys). */
export function createMemoryLedger(): SpendStore {
  return createLocalStore(
    new Map(),
    () => {},
    async () => {},
  );
}
