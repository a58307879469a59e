/**
 * `amortized` (OpenHands' AmortizedForgettingCondenser): when the history grows past `max_size` events,
 * forget the middle so that about half of `max_size` is left: the first `keep_first` events and the most
 * recent ones. Forgotten events stay forgotten, so the cost is paid once per `max_size / 2` steps.
 */
import type { Condenser, CondenserConfigOf } from "./condenser.ts";
import { keepView } from "./condenser.ts";
import { planForgetting } from "./forgetting.ts";

/** Creates an `amortized` condenser. */
export function createAmortizedCondenser(config: CondenserConfigOf<"amortized">): Condenser {
  const condenser: Condenser = {
    type: "amortized",
    config,
    answersRequests: true,
    async condense(view, context) {
      if (view.length <= config.max_size && !context.requested) return keepView(view);
      const target = Math.floor(config.max_size / 2);
      const plan = planForgetting(view, config.keep_first, (head) => target - head, context.requested);
      if (plan === undefined) return keepView(view);
      return { kind: "condensation", condenser, forgotten: plan.forgotten };
    },
  };
  return condenser;
}
