/**
 * `fallbacks`: when a config fails with an error worth another config's try (see
 * `LlmError.fallbackEligible`), the next config is tried. The chain goes depth-first: a fallback that
 * fails too brings its own fallbacks before the rest of the list. A chain that fails throws a
 * `FallbacksFailedError` carrying every config's error, as `runWithRetries` throws a
 * `RetriesExhaustedError` carrying every attempt's.
 */
import { LlmError } from "./errors.ts";

/**
 * Every config of a fallback chain failed; the message is the last one's, saying how many attempts
 * were made over which configs, and `errors` holds each config's error in the order tried.
 */
export class FallbacksFailedError extends LlmError {
  override name = "FallbacksFailedError";
  /** The last config's error (also the `cause`). */
  readonly lastError: LlmError;

  // Its own, since the base class takes its detail only with the prefix form, and a chain whose last
  // error was a whole message (a wrapper's) must keep that message as it is.
  readonly #detail: string;

  constructor(
    /** Each config's error, in the order they were tried; the last is `lastError`. */
    readonly errors: readonly LlmError[],
    /** Attempts made over every config of the chain. */
    readonly totalAttempts: number,
  ) {
    const lastError = errors.at(-1) as LlmError;
    const tried = errors.map((failure) => failure.configName).join(" → ");
    const total = `${totalAttempts} attempt${totalAttempts === 1 ? "" : "s"} over ${errors.length} configs`;
    const suffix = ` (${total}: ${tried})`;
    super(`${lastError.message}${suffix}`, {
      kind: lastError.kind,
      configName: lastError.configName,
      model: lastError.model,
      status: lastError.status,
      retryable: lastError.retryable,
      retryAfterMs: lastError.retryAfterMs,
      requestId: lastError.requestId,
      cause: lastError,
    });
    this.lastError = lastError;
    const prefixed = `config "${lastError.configName}" (model ${lastError.model}): ${lastError.detail}`;
    this.#detail = lastError.message === prefixed ? `${lastError.detail}${suffix}` : this.message;
  }

  /** The message after the last config's `config "X" (model Y): ` prefix, so a re-wrap does not repeat it. */
  override get detail(): string {
    return this.#detail;
  }
}

/** A config of the chain: its name and the fallbacks it lists. */
export interface FallbackLink {
  name: string;
  config: { readonly fallbacks: readonly string[] };
}

/** Options of `runWithFallbacks`. */
export interface FallbackOptions<L extends FallbackLink> {
  /**
   * The config named `name`, ready to call (the first one, then each fallback). What it throws ends
   * the chain as it is: a config that cannot even be looked up has nothing to fall back from.
   */
  open: (name: string) => L;
  /** Attempts made so far over every config, for the final error's count. */
  countAttempts: () => number;
  signal?: AbortSignal | undefined;
  /** Told before each fallback is tried, with the error that sent the chain on. */
  onFallback?: (notice: { from: string; to: string; error: LlmError }) => void;
}

/**
 * Runs `call` on the config `first`, then on its fallbacks while each fails with an error that is
 * `fallbackEligible`; `call` must throw `LlmError`s. A single failure is thrown as it is; more throw a
 * `FallbacksFailedError`.
 * @example const completion = await runWithFallbacks("fast", (link) => callOne(link), { open, countAttempts });
 */
export async function runWithFallbacks<L extends FallbackLink, T>(
  first: string,
  call: (link: L, isFallback: boolean) => Promise<T>,
  options: FallbackOptions<L>,
): Promise<T> {
  const { signal } = options;
  const firstLink = options.open(first);
  // The config core rejects cycles; `tried` guards against repeats all the same.
  const pending: string[] = [...firstLink.config.fallbacks];
  const tried = new Set<string>();
  const failures: LlmError[] = [];
  for (let name: string | undefined = first; name !== undefined; name = pending.shift()) {
    if (tried.has(name)) continue;
    tried.add(name);
    const isFallback = name !== first;
    const link = isFallback ? options.open(name) : firstLink;
    try {
      return await call(link, isFallback);
    } catch (thrown) {
      if (!(thrown instanceof LlmError)) throw thrown;
      failures.push(thrown);
      if (isFallback) pending.unshift(...link.config.fallbacks);
      const next = pending.find((candidate) => !tried.has(candidate));
      if (next === undefined || !thrown.fallbackEligible || signal?.aborted) {
        throw failures.length <= 1 ? thrown : new FallbacksFailedError(failures, options.countAttempts());
      }
      options.onFallback?.({ from: link.name, to: next, error: thrown });
    }
  }
  throw new Error("unreachable: the first config is always tried");
}
