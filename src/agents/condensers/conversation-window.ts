/**
 * `conversation_window` (OpenHands' ConversationWindowCondenser, the default of named agents): nothing
 * happens until the provider answers that the prompt is too long; then the system prompt and the task
 * are kept with the most recent half of the other events, and the rest is forgotten.
 */
import type { Condenser, CondenserConfigOf } from "./condenser.ts";
import { keepView } from "./condenser.ts";
import { headLength, toUnitBoundary } from "./view.ts";

/** Creates a `conversation_window` condenser. */
export function createConversationWindowCondenser(
  config: CondenserConfigOf<"conversation_window">,
): Condenser {
  const condenser: Condenser = {
    type: "conversation_window",
    config,
    answersRequests: true,
    async condense(view, context) {
      if (!context.requested) return keepView(view);
      const essential = headLength(view, 0);
      const keep = Math.max(1, Math.floor((view.length - essential) / 2));
      const start = toUnitBoundary(view, Math.max(essential, view.length - keep));
      // An earlier summary is an ordinary event here: it may be forgotten too.
      const forgotten = view.slice(essential, start);
      if (forgotten.length === 0) return keepView(view);
      return { kind: "condensation", condenser, forgotten };
    },
  };
  return condenser;
}
