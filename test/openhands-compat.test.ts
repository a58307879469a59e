// Compatibility with OpenHands' own config.template.toml (shared/fixtures/openhands): it loads with exactly
// the one error OpenHands silently gets wrong, and each documented option, uncommented, still loads.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { test } from "node:test";
import { ConfigError, type ConfigIssue } from "../src/config/issues.ts";
import { loadConfig } from "../src/config/load.ts";

const templateFile = resolve(import.meta.dirname, "../../shared/fixtures/openhands/config.template.toml");
const template = readFileSync(templateFile, "utf8");

async function errorsOf(text: string): Promise<ConfigIssue[]> {
  const file = join(mkdtempSync(join(tmpdir(), "llmconf-compat-")), "config.toml");
  writeFileSync(file, text);
  try {
    await loadConfig({ configFile: file, env: {}, userFiles: false });
    return [];
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return error.issues.filter((issue) => issue.severity === "error");
  }
}

/** The template's one real mistake: `[agent.RepoExplorerAgent] llm_config = 'gpt3'` names no config. */
const isGpt3 = (issue: ConfigIssue) =>
  issue.code === "unknown_llm_config" && issue.message.includes('"gpt3"');

test("the OpenHands template loads with exactly one error: the undefined gpt3 config, located", async () => {
  const errors = await errorsOf(template);
  assert.equal(errors.length, 1);
  assert.ok(errors[0] && isGpt3(errors[0]));
  assert.equal(errors[0]?.line, 281);
  assert.equal(errors[0]?.section, "agent.RepoExplorerAgent");
});

/**
 * Uncommented lines that are not meant to load on their own, and why: the error code llmconf reports.
 * Everything else the template documents must load when uncommented.
 */
const EXPECTED_FAILURES: Record<string, string> = {
  "native_tool_calling = None": "toml_syntax", // Python syntax in a comment, not TOML
  'model = "kimi-k2"': "toml_syntax", // the [llm.secondary_model] header stays commented: duplicate key
  'api_key = ""': "toml_syntax", // same block
  "llm_config = 'your-llm-config-group'": "unknown_llm_config", // a placeholder name
  "enable_security_analyzer = true": "unknown_key", // not a field in OpenHands either (fatal there)
  "sse_servers = [": "toml_syntax", // first line of a multi-line array
  "shttp_servers = [": "toml_syntax",
  "stdio_servers = [": "toml_syntax",
};
/** Lines of the alternative [condenser] examples: each alternative is a block, not a line. */
const CONDENSER_BLOCK = { from: 385, to: 450 };

test("every option the template documents loads when uncommented on its own", async () => {
  const lines = template.split("\n");
  const unexpected: string[] = [];
  let tried = 0;
  for (const [index, line] of lines.entries()) {
    const option = /^#([a-z_]+ = .*)$/.exec(line)?.[1];
    if (!option || (index + 1 >= CONDENSER_BLOCK.from && index + 1 <= CONDENSER_BLOCK.to)) continue;
    tried++;
    const edited = lines.map((text, at) => (at === index ? option : text)).join("\n");
    const errors = (await errorsOf(edited)).filter((issue) => !isGpt3(issue));
    const expected = EXPECTED_FAILURES[option];
    const codes = [...new Set(errors.map((issue) => issue.code))].join(",");
    if ((expected ?? "") !== codes)
      unexpected.push(`line ${index + 1} "${option}": expected [${expected ?? ""}], got [${codes}]`);
  }
  assert.ok(tried > 80, `only ${tried} options found`);
  assert.deepEqual(unexpected, []);
});

test("each alternative [condenser] block of the template loads when uncommented in place of the default", async () => {
  const lines = template.split("\n");
  const types = [...template.matchAll(/^#type = "(\w+)"$/gm)].map((match) => match[1] as string);
  assert.deepEqual(types, ["noop", "observation_masking", "recent", "llm", "amortized", "llm_attention"]);
  const uncomment = (edited: string[], from: number) => {
    for (let at = from; at < lines.length && lines[at] !== ""; at++) {
      if (/^#(\[|[a-z_]+ = )/.test(lines[at] as string)) edited[at] = (lines[at] as string).slice(1);
    }
  };
  for (const type of types) {
    const edited = [...lines];
    edited[lines.indexOf('type = "noop"')] = "";
    uncomment(edited, lines.indexOf(`#type = "${type}"`));
    uncomment(edited, lines.indexOf("#[llm.condenser]")); // the LLM config the llm-based examples name
    const errors = (await errorsOf(edited.join("\n"))).filter((issue) => !isGpt3(issue));
    assert.deepEqual(
      errors.map((issue) => issue.message),
      [],
      `condenser type ${type}`,
    );
  }
});
