import assert from "node:assert/strict";
import { test } from "node:test";
import { UsageError } from "./io.ts";
import { parseCommandArgs } from "./options.ts";

test("-i and -b take numbers of 0 or more; negatives, nan and inf are usage errors naming the flag", () => {
  for (const args of [["-i-5"], ["--max-iterations=-1"], ["-i", "2.5"]]) {
    assert.throws(
      () => parseCommandArgs(args),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, /^-i\/--max-iterations takes a whole number of 0 or more/);
        return true;
      },
    );
  }
  for (const args of [["-b-1"], ["--max-budget-per-task=-0.5"], ["-b", "inf"], ["-b", "NaN"], ["-b", " "]]) {
    assert.throws(
      () => parseCommandArgs(args),
      (error: unknown) => {
        assert.ok(error instanceof UsageError);
        assert.match(error.message, /^-b\/--max-budget-per-task takes a number of USD of 0 or more/);
        return true;
      },
    );
  }
  const parsed = parseCommandArgs(["-i", "0", "-b", "0"]);
  assert.equal(parsed.values["max-iterations"], "0");
  assert.equal(parsed.values["max-budget-per-task"], "0");
});
