import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { truncateMiddle, truncationNotice } from "./truncate.ts";

describe("truncateMiddle", () => {
  const cases: [string, string, number, string][] = [
    ["keeps text at the limit", "abcdef", 6, "abcdef"],
    ["keeps everything when the limit is 0", "abcdef", 0, "abcdef"],
    ["keeps everything when the limit is negative", "abcdef", -1, "abcdef"],
    ["keeps the first and last halves", "abcdefghij", 4, `ab${truncationNotice}ij`],
    ["rounds an odd limit down to halves", "abcdefghij", 5, `ab${truncationNotice}ij`],
    ["never splits a surrogate pair", "a😀bcdefg😀h", 4, `a${truncationNotice}h`],
  ];
  for (const [behaviour, text, maxChars, expected] of cases) {
    it(behaviour, () => assert.equal(truncateMiddle(text, maxChars), expected));
  }

  it("uses the OpenHands notice", () => {
    assert.equal(truncationNotice, "\n[... Observation truncated due to length ...]\n");
  });
});
