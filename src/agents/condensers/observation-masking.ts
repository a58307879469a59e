/**
 * `observation_masking` (OpenHands' ObservationMaskingCondenser): tool results older than the last
 * `attention_window` events are replaced by `<MASKED>`. The calls and the results stay, so the pairing
 * providers require holds; only the content is hidden.
 */
import type { ChatMessage } from "../../llm/messages.ts";
import { type Condenser, type CondenserConfigOf, keepView } from "./condenser.ts";
import type { ViewEvent } from "./view.ts";

/** What a masked tool result says. */
export const MASKED = "<MASKED>";

/** Creates an `observation_masking` condenser. */
export function createObservationMaskingCondenser(
  config: CondenserConfigOf<"observation_masking">,
): Condenser {
  // One masked copy per result, made once: a long history is not copied again at every step.
  const masked = new WeakMap<ViewEvent, ViewEvent>();
  const maskedOf = (event: ViewEvent, message: ChatMessage & { role: "tool" }): ViewEvent => {
    let copy = masked.get(event);
    if (copy === undefined) {
      copy = { index: event.index, message: { ...message, content: MASKED } };
      masked.set(event, copy);
    }
    return copy;
  };
  return {
    type: "observation_masking",
    config,
    answersRequests: false,
    async condense(view) {
      const windowStart = view.length - config.attention_window;
      if (windowStart <= 0) return keepView(view);
      return keepView(
        view.map((event, position): ViewEvent => {
          const { message } = event;
          if (position >= windowStart || message.role !== "tool" || message.content === MASKED) return event;
          return maskedOf(event, message);
        }),
      );
    },
  };
}
