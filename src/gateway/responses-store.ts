/**
 * Responses kept for `previous_response_id`: in memory, least recently used first out, bounded by a
 * count and by bytes. Each response keeps only its own turn (its input messages and its answer) and
 * the id before it, so a long conversation costs its length once, not once per turn; a lookup walks
 * the chain back and refreshes every link. A response belongs to the key that created it.
 */
import type { ChatMessage } from "../llm/index.ts";

/** One stored response: its turn and the response it continued. */
export interface StoredTurn {
  /** The client key's id ("" on a gateway without keys). */
  keyId: string;
  previous: string | null;
  /** The turn's input messages (without instructions) and the assistant's answer. */
  messages: ChatMessage[];
}

/** How much the store may hold. */
export interface StoreLimits {
  maxResponses: number;
  maxBytes: number;
}

/** The store's answer to a lookup. */
export type HistoryLookup = { found: true; messages: ChatMessage[] } | { found: false; missing: string };

/** Responses kept for `previous_response_id`. */
export interface ResponseStore {
  put(id: string, turn: StoredTurn): void;
  /** The whole conversation up to and including a response, as the key that created it sees it. */
  history(id: string, keyId: string): HistoryLookup;
  /** What the store holds now. */
  usage(): { responses: number; bytes: number };
}

/**
 * What the Responses endpoint needs of a store: this process's memory (`createResponseStore`), or
 * Redis shared by every instance (responses-redis.ts), whose calls wait for the server.
 */
export interface ResponseKeeper {
  put(id: string, turn: StoredTurn): void | Promise<void>;
  history(id: string, keyId: string): HistoryLookup | Promise<HistoryLookup>;
  /** False while a shared store is known to be out of reach; absent for memory, always there. */
  reachable?(): boolean;
}

/** A shared store could not be reached: the request is answered 503, as a budget that cannot be checked. */
export class ResponseStoreUnavailableError extends Error {
  override name = "ResponseStoreUnavailableError";
}

interface Entry extends StoredTurn {
  bytes: number;
}

/**
 * Creates an empty store; `limits` is read at every insertion, so a reload's new bounds apply.
 * @example const store = createResponseStore(() => ({ maxResponses: 1000, maxBytes: 64 * 1024 * 1024 }));
 */
export function createResponseStore(limits: () => StoreLimits): ResponseStore {
  // A Map iterates in insertion order: re-inserting on use makes its first key the least recent.
  const entries = new Map<string, Entry>();
  let bytes = 0;
  const remove = (id: string) => {
    const entry = entries.get(id);
    if (entry === undefined) return;
    entries.delete(id);
    bytes -= entry.bytes;
  };
  return {
    put(id, turn) {
      const { maxResponses, maxBytes } = limits();
      const size = Buffer.byteLength(JSON.stringify(turn.messages)) + id.length + 64;
      remove(id);
      if (maxResponses <= 0 || size > maxBytes) return;
      entries.set(id, { ...turn, bytes: size });
      bytes += size;
      for (const oldest of entries.keys()) {
        if (entries.size <= maxResponses && bytes <= maxBytes) break;
        remove(oldest);
      }
    },
    history(id, keyId) {
      const chain: Entry[] = [];
      const seen = new Set<string>();
      for (let at: string | null = id; at !== null; ) {
        const entry = entries.get(at);
        // Another key's response is reported as unknown: its existence is not the caller's business.
        if (entry === undefined || entry.keyId !== keyId || seen.has(at))
          return { found: false, missing: at };
        seen.add(at);
        chain.push(entry);
        at = entry.previous;
      }
      // Oldest first, so the response asked for ends up the most recently used.
      for (const at of [...seen].reverse()) {
        const entry = entries.get(at) as Entry;
        entries.delete(at);
        entries.set(at, entry);
      }
      return { found: true, messages: chain.reverse().flatMap((entry) => entry.messages) };
    },
    usage: () => ({ responses: entries.size, bytes }),
  };
}
