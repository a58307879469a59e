import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRetryAfter } from "./retry-after.ts";

const cases: [string, Record<string, string>, number | undefined][] = [
  ["seconds", { "retry-after": "2" }, 2000],
  ["fractional seconds", { "retry-after": "0.5" }, 500],
  ["milliseconds win over seconds", { "retry-after-ms": "150", "retry-after": "9" }, 150],
  ["header names are case-insensitive", { "Retry-After": "3" }, 3000],
  ["an HTTP date counts from now", { "retry-after": "Thu, 01 Jan 1970 00:00:10 GMT" }, 4000],
  ["a date in the past is no wait", { "retry-after": "Thu, 01 Jan 1970 00:00:01 GMT" }, 0],
  ["garbage is ignored", { "retry-after": "soon" }, undefined],
  ["negative numbers are ignored", { "retry-after": "-5" }, undefined],
  ["no header, no wait", {}, undefined],
];

for (const [name, headers, expected] of cases) {
  test(`parseRetryAfter reads ${name}`, () => {
    assert.equal(
      parseRetryAfter(headers, () => 6000),
      expected,
    );
  });
}

test("parseRetryAfter accepts a Headers object", () => {
  assert.equal(parseRetryAfter(new Headers({ "retry-after-ms": "42" })), 42);
});
