/**
 * Rules on a condenser config that its schema cannot say: the ones OpenHands checks only when it builds
 * the condenser (and then crashes), and the types llmconf does not run. Pure; the loader locates them.
 */
import type { ResolvedCondenserConfig } from "./schema.ts";

/** A problem with one key of a condenser config. */
export interface CondenserProblem {
  key: "type" | "keep_first";
  message: string;
}

/**
 * What is wrong with a validated condenser config (a pipeline's entries are checked on their own).
 * @example findCondenserProblems({ type: "amortized", keep_first: 60, max_size: 100 }) // keep_first too big
 */
export function findCondenserProblems(config: Readonly<ResolvedCondenserConfig>): CondenserProblem[] {
  if (config.type === "browser_output_masking") {
    return [
      {
        key: "type",
        message:
          'condenser type "browser_output_masking" is not supported yet: llmconf agents have no browser, so there is no browser output to mask; use "observation_masking"',
      },
    ];
  }
  if (
    "keep_first" in config &&
    "max_size" in config &&
    config.keep_first >= Math.floor(config.max_size / 2)
  ) {
    return [
      {
        key: "keep_first",
        message: `keep_first (${config.keep_first}) must be less than half of max_size (${config.max_size}): a condensation keeps about max_size / 2 events, the first keep_first among them`,
      },
    ];
  }
  return [];
}
