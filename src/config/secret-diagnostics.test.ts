// Diagnostics that show the offending value (`got …`) never show a secret inside it, whatever path the
// value took: a table where an array belongs, an inline llm_config, a JSON environment variable.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ConfigError, formatIssue } from "./issues.ts";
import { loadConfig } from "./load.ts";
import { MASK } from "./secrets.ts";

const SECRET = "sk-diag-secret-31337";

/** Loads a config that must fail and returns every rendered diagnostic and the error's message. */
async function renderFailure(toml: string, env: Record<string, string> = {}): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-secret-diag-"));
  writeFileSync(join(dir, "config.toml"), toml);
  try {
    await loadConfig({ cwd: dir, env: { HOME: dir, ...env }, userFiles: false });
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    return [
      error.message,
      ...error.issues.map((issue) => formatIssue(issue)),
      JSON.stringify(error.issues),
    ].join("\n");
  }
  assert.fail("expected the config to fail");
}

const cases: [string, string, Record<string, string>?][] = [
  [
    "an [mcp.sse_servers] table written instead of an array",
    `[mcp.sse_servers]\nurl = "http://h"\napi_key = "${SECRET}"\n`,
  ],
  [
    "an shttp server entry with a bad timeout beside its api_key",
    `[mcp]\nshttp_servers = "http://h.example?api_key=${SECRET}"\n`,
  ],
  ["a stdio server whose env is not a table", `[mcp]\nstdio_servers = { env = { TOKEN = "${SECRET}" } }\n`],
  [
    "a stdio server env string with a bad variable name",
    `[[mcp.stdio_servers]]\nname = "gh"\ncommand = "gh"\nenv = "GITHUB_TOKEN=${SECRET},1BAD=x"\n`,
  ],
  [
    "an inline llm_config table in an agent's condenser",
    `[agent]\ncondenser = { type = "recent", keep_first = { llm_config = { api_key = "${SECRET}" } } }\n`,
  ],
  [
    "an agent's condenser whose type is a table",
    `[agent]\ncondenser = { type = { api_key = "${SECRET}" } }\n`,
  ],
  [
    "llms_for_routing written as an array",
    `[model_routing]\nllms_for_routing = [{ api_key = "${SECRET}" }]\n`,
  ],
  [
    "completion_kwargs written as an array with a header inside",
    `[llm]\ncompletion_kwargs = [{ extra_headers = { Authorization = "Bearer ${SECRET}" } }]\n`,
  ],
  [
    "a webhook header map with a non-string value beside an Authorization header",
    `[core]\nfile_store_web_hook_headers = ["Authorization: Bearer ${SECRET}"]\n`,
  ],
  [
    "a sandbox env map written as a list of assignments",
    `[sandbox]\nruntime_startup_env_vars = ["GH_TOKEN=${SECRET}"]\n`,
  ],
  [
    "an MCP_SSE_SERVERS JSON object instead of an array",
    "",
    { MCP_SSE_SERVERS: JSON.stringify({ url: "http://h", api_key: SECRET }) },
  ],
  [
    "an MCP_STDIO_SERVERS object instead of an array",
    "",
    { MCP_STDIO_SERVERS: JSON.stringify({ env: { TOKEN: SECRET } }) },
  ],
];

describe("diagnostics that show a value", () => {
  for (const [name, toml, env] of cases) {
    test(`mask every secret inside ${name}`, async () => {
      const text = await renderFailure(toml, env);
      assert.ok(!text.includes(SECRET), text);
      // Not even the start of it, cut off by a shortened value.
      assert.ok(!text.includes(SECRET.slice(0, 8)), text);
    });
  }

  test("still show the rest of the value, so the user sees what was wrong", async () => {
    const text = await renderFailure(`[mcp.sse_servers]\nurl = "http://h"\napi_key = "${SECRET}"\n`);
    assert.match(text, /got \{"url":"http:\/\/h","api_key":"\*{10}"\}/);
    assert.ok(text.includes(MASK));
  });
});
