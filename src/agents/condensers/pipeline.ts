/**
 * `pipeline` (OpenHands' CondenserPipeline): the condensers run in order, each on the view the one
 * before returned, until one forgets events for good (then the next step starts over from the top).
 */
import type { Condenser, CondenserConfigOf } from "./condenser.ts";
import { keepView } from "./condenser.ts";

/** Creates a pipeline of condensers. */
export function createPipelineCondenser(
  config: CondenserConfigOf<"pipeline">,
  members: readonly Condenser[],
): Condenser {
  return {
    type: "pipeline",
    config,
    answersRequests: members.some((member) => member.answersRequests),
    async condense(view, context) {
      let current = view;
      for (const member of members) {
        const result = await member.condense(current, context);
        if (result.kind === "condensation") return result;
        current = result.view;
      }
      return keepView(current);
    },
  };
}
