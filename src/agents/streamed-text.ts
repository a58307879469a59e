/**
 * An agent's text as it streams, with the run's secrets masked. The history masks a whole answer at
 * once; a stream arrives in pieces, and a key the model repeats may be split across two of them, so
 * the tail that could be the start of a secret is held back until the next piece says what it is.
 */
import { maskableSecrets, redactSecrets } from "../config/secrets.ts";

/** Where one call's text deltas go, masked, until the call ends. */
export interface StreamedText {
  /** Hands on a delta (less any tail that may begin a secret, shown with the next delta or at the end). */
  write(text: string): void;
  /** Ends the call: a completed answer shows its held tail; a failed one drops it (it may be half a key). */
  end(completed: boolean): void;
}

/** The length of the longest end of `text` that is the start (not the whole) of some secret. */
function secretPrefixAtEnd(text: string, secrets: readonly string[]): number {
  let longest = 0;
  for (const secret of secrets) {
    for (let length = Math.min(secret.length - 1, text.length); length > longest; length -= 1) {
      if (text.endsWith(secret.slice(0, length))) {
        longest = length;
        break;
      }
    }
  }
  return longest;
}

/**
 * Creates the masked text stream of one call, handing what is safe to show to `emit`.
 * @example const text = createStreamedText(setup.secrets, (piece) => process.stdout.write(piece));
 */
export function createStreamedText(secrets: readonly string[], emit: (text: string) => void): StreamedText {
  const masked = maskableSecrets(secrets);
  let held = "";
  return {
    write(text) {
      const all = redactSecrets(held + text, masked);
      const keep = secretPrefixAtEnd(all, masked);
      held = all.slice(all.length - keep);
      const shown = all.slice(0, all.length - keep);
      if (shown !== "") emit(shown);
    },
    end(completed) {
      if (completed && held !== "") emit(held);
      held = "";
    },
  };
}
