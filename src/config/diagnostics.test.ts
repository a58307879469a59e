// Golden diagnostics: every fixture in test/fixtures/diagnostics/*.toml loads to exactly the lines of
// its .expected file (paths relative to the fixtures folder). Run with UPDATE_GOLDEN=1 to rewrite them.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { ConfigError, formatIssue } from "./issues.ts";
import { loadConfig } from "./load.ts";

const folder = resolve(import.meta.dirname, "../../test/fixtures/diagnostics");
const fixtures = readdirSync(folder).filter((name) => name.endsWith(".toml"));

async function diagnose(file: string): Promise<string> {
  try {
    const config = await loadConfig({ configFile: file, cwd: folder, env: {}, userFiles: false });
    return config.warnings.map((issue) => formatIssue(issue, { cwd: folder })).join("\n");
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.map((issue) => formatIssue(issue, { cwd: folder })).join("\n");
  }
}

for (const fixture of fixtures) {
  test(`${fixture} reports exactly its expected diagnostics`, async () => {
    const actual = `${await diagnose(join(folder, fixture))}\n`;
    const expectedFile = join(folder, fixture.replace(/\.toml$/, ".expected"));
    if (process.env.UPDATE_GOLDEN) writeFileSync(expectedFile, actual);
    assert.equal(actual, readFileSync(expectedFile, "utf8"));
  });
}

test("the fixtures cover every diagnostic code a file can produce", async () => {
  const codes = new Set<string>();
  for (const fixture of fixtures) {
    try {
      const config = await loadConfig({
        configFile: join(folder, fixture),
        cwd: folder,
        env: {},
        userFiles: false,
      });
      for (const issue of config.warnings) codes.add(issue.code);
    } catch (error) {
      for (const issue of (error as ConfigError).issues) codes.add(issue.code);
    }
  }
  const fileCodes = [
    "toml_syntax",
    "not_utf8",
    "unknown_section",
    "unknown_key",
    "invalid_value",
    "coerced_value",
    "unknown_llm_config",
    "reserved_name",
    "nested_section",
    "unknown_condenser_type",
    "fallback_cycle",
    "unset_variable",
    "malformed_reference",
    "bare_variable",
  ];
  assert.deepEqual([...codes].sort(), fileCodes.sort());
});
