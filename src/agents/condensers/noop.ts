/** `noop`: the history is sent as it is (a context-too-long answer then ends the run). */
import { type Condenser, type CondenserConfigOf, keepView } from "./condenser.ts";

/** Creates the `noop` condenser. */
export function createNoopCondenser(config: CondenserConfigOf<"noop">): Condenser {
  return { type: "noop", config, answersRequests: false, condense: async (view) => keepView(view) };
}
