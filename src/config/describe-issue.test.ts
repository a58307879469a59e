import assert from "node:assert/strict";
import { test } from "node:test";
import { describeIssue, didYouMeanSuffix, locatedIssue, severityOf } from "./describe-issue.ts";
import type { IssueFact } from "./issues.ts";

const cases: [IssueFact, string][] = [
  [
    {
      code: "unknown_key",
      name: "temprature",
      place: { in: "section" },
      section: "llm.fast",
      key: "temprature",
      suggestion: "temperature",
    },
    'unknown key "temprature" in [llm.fast]; did you mean "temperature"?',
  ],
  [
    {
      code: "unknown_key",
      name: "urll",
      place: { in: "value", path: "sse_servers[0]" },
      section: "mcp",
      key: "sse_servers",
      env: "MCP_SSE_SERVERS",
      suggestion: "url",
    },
    'unknown key "urll" in "sse_servers[0]" of [mcp] from environment variable MCP_SSE_SERVERS; did you mean "url"?',
  ],
  [
    {
      code: "unknown_key",
      name: "max_sise",
      place: { in: "section" },
      condenserType: "recent",
      section: "condenser",
      key: "max_sise",
      suggestion: null,
    },
    'unknown key "max_sise" in [condenser] (type "recent")',
  ],
  [
    {
      code: "unknown_key",
      name: "volumes",
      place: { in: "section" },
      section: "core",
      key: "volumes",
      hint: { kind: "other_section", home: "sandbox" },
      suggestion: "[sandbox] volumes",
    },
    'unknown key "volumes" in [core]; did you mean [sandbox] volumes?',
  ],
  [
    {
      code: "unknown_key",
      name: "model",
      place: { in: "file" },
      section: null,
      key: "model",
      hint: { kind: "other_section", home: "llm" },
    },
    'key "model" is outside any section; move it under [llm]',
  ],
  [
    {
      code: "invalid_value",
      reason: "missing_condenser_type",
      place: { in: "value", path: "condensers[1]" },
      section: "condenser",
      key: "condensers",
    },
    'missing "type" in "condensers[1]" of [condenser]: name each condenser\'s type',
  ],
  [
    {
      code: "invalid_value",
      reason: "condenser_rule",
      rule: { key: "keep_first", rule: "keep_first_too_large", keep_first: 5, max_size: 10 },
      place: { in: "value", path: "condenser" },
      section: "agent.X",
      key: "condenser",
    },
    'keep_first (5) must be less than half of max_size (10): a condensation keeps about max_size / 2 events, the first keep_first among them in "condenser" of [agent.X]',
  ],
  [
    {
      code: "invalid_value",
      reason: "value",
      name: "api_key",
      place: { in: "section" },
      problem: "expected a string",
      got: { value: 3, path: ["llm", "api_key"] },
      section: "llm",
      key: "api_key",
    },
    'invalid value for "api_key" in [llm]: expected a string',
  ],
  [
    {
      code: "unknown_llm_config",
      kind: "agent",
      name: "Cod",
      defined: ["Code"],
      section: null,
      key: null,
      suggestion: "Code",
    },
    'unknown agent config "Cod"; did you mean "Code"? (defined: Code)',
  ],
  [
    {
      code: "invalid_env",
      variable: "DEBUG",
      key: "debug",
      reason: "expected true/false/1/0/yes/no",
      ignored: true,
      shown: '="x"',
      section: "core",
    },
    'environment variable DEBUG="x" is not a valid "debug" for [core] (expected true/false/1/0/yes/no); ignored, as other tools use DEBUG too',
  ],
  [
    {
      code: "invalid_env",
      variable: "LLM_EXTRA_HEADERS",
      key: "extra_headers",
      reason: "expected a JSON array or object",
      ignored: false,
      shown: "",
      section: "llm",
    },
    'environment variable LLM_EXTRA_HEADERS cannot be used for "extra_headers" in [llm]: expected a JSON array or object',
  ],
  [
    {
      code: "unset_variable",
      variable: "KEY",
      name: "api_key",
      soft: true,
      allowEmpty: true,
      section: "llm.fast",
      key: "api_key",
    },
    'environment variable KEY is not set (referenced by "api_key" in [llm.fast]); [llm.fast] cannot be used until it is set, nor any config that inherits it; set it, or write ${KEY:-} to allow it empty',
  ],
  [
    { code: "toml_syntax", problem: { kind: "nested", max: 100 }, section: null, key: null },
    "TOML value nested more than 100 tables or arrays deep; flatten it",
  ],
];

test("every issue fact is worded by describeIssue, did-you-mean suffix included", () => {
  for (const [fact, message] of cases) assert.equal(describeIssue(fact), message);
});

test("the did-you-mean suffix is empty without a candidate", () => {
  assert.equal(didYouMeanSuffix(null), "");
  assert.equal(didYouMeanSuffix("x"), '; did you mean "x"?');
});

test("coerced values, bare variables, soft unset variables and ignored bare names are warnings; the rest errors", () => {
  const severities = cases.map(([fact]) => severityOf(fact));
  assert.deepEqual(severities.filter((severity) => severity === "warning").length, 2);
  const issue = locatedIssue({ code: "file_not_found", section: null, key: null }, { file: "a.toml" });
  assert.deepEqual(issue, {
    severity: "error",
    code: "file_not_found",
    message: "config file not found; check the path",
    file: "a.toml",
    line: 0,
    column: 0,
    section: null,
    key: null,
    suggestion: null,
  });
});
