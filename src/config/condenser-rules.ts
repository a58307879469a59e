/**
 * Rules on a condenser config that its schema cannot say: the ones OpenHands checks only when it builds
 * the condenser (and then crashes), and the types llmconf does not run. Pure; the loader locates them,
 * and `describeIssue` words them.
 */
import type { CondenserRule } from "./issues.ts";
import type { ResolvedCondenserConfig } from "./schema.ts";

/**
 * What is wrong with a validated condenser config (a pipeline's entries are checked on their own).
 * @example findCondenserProblems({ type: "amortized", keep_first: 60, max_size: 100 }) // keep_first too big
 */
export function findCondenserProblems(config: Readonly<ResolvedCondenserConfig>): CondenserRule[] {
  if (config.type === "browser_output_masking") {
    return [{ key: "type", rule: "unsupported_type", type: "browser_output_masking" }];
  }
  if (
    "keep_first" in config &&
    "max_size" in config &&
    config.keep_first >= Math.floor(config.max_size / 2)
  ) {
    return [
      {
        key: "keep_first",
        rule: "keep_first_too_large",
        keep_first: config.keep_first,
        max_size: config.max_size,
      },
    ];
  }
  return [];
}
