import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bareVariableName, expandReferences, maskReferenceDefaults } from "./interpolate.ts";

const env = { KEY: "sk-1", EMPTY: "", B: "b" };

describe("expandReferences", () => {
  const cases: [string, ReturnType<typeof expandReferences>][] = [
    ["plain", { status: "ok", value: "plain", referenced: false }],
    ["Bearer ${KEY}", { status: "ok", value: "Bearer sk-1", referenced: true }],
    ["${MISSING:-fallback}", { status: "ok", value: "fallback", referenced: true }],
    ["${EMPTY:-used}", { status: "ok", value: "used", referenced: true }],
    ["${MISSING:-}", { status: "ok", value: "", referenced: true }],
    ["$${KEY}", { status: "ok", value: "${KEY}", referenced: false }],
    ["${A:-${B:-z}}", { status: "ok", value: "b", referenced: true }],
    ["${A:-${C:-z}}", { status: "ok", value: "z", referenced: true }],
    ["${A:-x${B}y}", { status: "ok", value: "xby", referenced: true }],
    ["${A:-x}}", { status: "ok", value: "x}", referenced: true }],
    ["${MISSING}", { status: "unset", missing: ["MISSING"] }],
    ["${A:-${C}}", { status: "unset", missing: ["C"] }],
    ["${KEY:-${C}}", { status: "ok", value: "sk-1", referenced: true }],
  ];
  for (const [text, expected] of cases) {
    test(`${JSON.stringify(text)} expands as POSIX shells do`, () => {
      assert.deepEqual(expandReferences(text, env), expected);
    });
  }

  for (const text of ["${", "${}", "${BAD NAME}", "${UNCLOSED", "x ${A:-${B", "${1A}", "${A-x}", "${A:x}"]) {
    test(`${JSON.stringify(text)} is malformed, never literal text`, () => {
      const result = expandReferences(text, env);
      assert.equal(result.status, "malformed");
      assert.ok(result.status === "malformed" && result.problem.length > 0);
    });
  }
});

describe("maskReferenceDefaults", () => {
  test("a secret's default is masked, the variable name is kept", () => {
    assert.equal(maskReferenceDefaults("${OPENAI_API_KEY:-sk-123}", "***"), "${OPENAI_API_KEY:-***}");
  });
  test("a default that is only another reference stays readable", () => {
    assert.equal(maskReferenceDefaults("${A:-${B:-sk-1}}", "***"), "${A:-${B:-***}}");
    assert.equal(maskReferenceDefaults("${A}", "***"), "${A}");
    assert.equal(maskReferenceDefaults("${A:-}", "***"), "${A:-}");
  });
  test("literal text around a reference is masked whole", () => {
    assert.equal(maskReferenceDefaults("sk-${A}", "***"), "***");
    assert.equal(maskReferenceDefaults("${BROKEN", "***"), "***");
  });
});

test("a bare upper-case $NAME is recognised, anything else is not", () => {
  assert.equal(bareVariableName("$OPENAI_API_KEY"), "OPENAI_API_KEY");
  assert.equal(bareVariableName("sk-$abc"), undefined);
  assert.equal(bareVariableName("${OPENAI_API_KEY}"), undefined);
});
