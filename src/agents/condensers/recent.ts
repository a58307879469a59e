/**
 * `recent` (OpenHands' RecentEventsCondenser): every step, the model sees the first `keep_first` events
 * and the most recent ones, `max_events` in all. Nothing is forgotten for good: the window slides.
 */
import { type Condenser, type CondenserConfigOf, keepView } from "./condenser.ts";
import { headLength, toUnitBoundary } from "./view.ts";

/** Creates a `recent` condenser. */
export function createRecentCondenser(config: CondenserConfigOf<"recent">): Condenser {
  return {
    type: "recent",
    config,
    answersRequests: false,
    async condense(view) {
      if (view.length <= config.max_events) return keepView(view);
      const head = headLength(view, config.keep_first);
      const tailLength = Math.max(0, config.max_events - head);
      // A window starting inside a tool-call unit starts after it instead (one event fewer at most).
      const tailStart = toUnitBoundary(view, Math.max(head, view.length - tailLength));
      return keepView([...view.slice(0, head), ...view.slice(tailStart)]);
    },
  };
}
