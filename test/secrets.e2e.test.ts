// No command prints a secret, whatever path the value takes: declared secret fields, header maps, an
// MCP server's env, credential-named keys, diagnostics, provider errors that echo the key, completion
// logs. Every output of every run is searched for every secret.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { type CliResult, runCli } from "./run-cli.ts";

const secrets = {
  apiKey: "sk-e2e-api-key-1111",
  header: "hdr-e2e-bearer-2222",
  webhook: "hook-e2e-token-3333",
  githubToken: "ghp_e2e_stdio_4444",
  mcpKey: "mcp-e2e-key-5555",
  shttpKey: "shttp-e2e-key-6666",
  searchKey: "search-e2e-7777",
  argToken: "arg-e2e-token-8888",
  envKey: "env-e2e-openai-9999",
};
const extendedToken = "extended-as-written-0000";

let upstream: FakeUpstream;
let dir: string;

before(async () => {
  upstream = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), "llmconf-secrets-"));
  writeFileSync(
    join(dir, "config.toml"),
    `[core]
search_api_key = "${secrets.searchKey}"
file_store_web_hook_headers = { Authorization = "Bearer ${secrets.webhook}" }

[llm]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
api_key = "${secrets.apiKey}"
num_retries = 1
log_completions = true
log_completions_folder = "${join(dir, "logs")}"
completion_kwargs = { extra_headers = { Authorization = "Bearer ${secrets.header}", "X-Trace" = "t1" } }

[agent.Coder]
llm_config = "llm"

[mcp]
sse_servers = [{ url = "http://localhost:9/sse", api_key = "${secrets.mcpKey}" }]
shttp_servers = [{ url = "http://localhost:9/mcp", api_key = "${secrets.shttpKey}", timeout = 30 }]

[[mcp.stdio_servers]]
name = "github"
command = "github-mcp"
args = ["--token", "${secrets.argToken}", "--verbose"]
env = { GITHUB_TOKEN = "${secrets.githubToken}", LOG_LEVEL = "debug" }

[extended]
my_token = "${extendedToken}"
`,
  );
});
after(() => upstream.close());
beforeEach(() => upstream.reset());

function assertNoSecret(result: CliResult, what: string) {
  const text = `${result.stdout}\n${result.stderr}`;
  for (const [name, value] of Object.entries(secrets)) {
    assert.ok(!text.includes(value), `${what} printed ${name}:\n${text}`);
  }
}

const commands: string[][] = [
  ["config", "check"],
  ["config", "show"],
  ["config", "show", "--json"],
  ["config", "show", "--llm", "llm"],
  ["config", "show", "--agent", "Coder"],
  ["config", "explain"],
  ["config", "explain", "--llm", "llm", "--all"],
  ["config", "explain", "--llm", "llm", "--json"],
  ["config", "explain", "--agent", "Coder", "--all"],
  ["config", "explain", "--section", "mcp", "--json"],
  ["config", "explain", "--section", "mcp", "--all"],
  ["config", "explain", "--section", "core", "--all"],
];

describe("config commands", () => {
  for (const args of commands) {
    test(`${args.join(" ")} prints no secret`, async () => {
      const result = await runCli(args, { cwd: dir, env: { OPENAI_API_KEY: secrets.envKey } });
      assert.equal(result.code, 0, result.stderr);
      assertNoSecret(result, args.join(" "));
    });
  }

  test("config show --json masks header, env and MCP credentials but keeps the other values", async () => {
    const shown = JSON.parse((await runCli(["config", "show", "--json"], { cwd: dir })).stdout);
    assert.deepEqual(shown.llms.llm.completion_kwargs.extra_headers, {
      Authorization: "**********",
      "X-Trace": "t1",
    });
    assert.deepEqual(shown.mcp.stdio_servers[0].env, { GITHUB_TOKEN: "**********", LOG_LEVEL: "debug" });
    assert.deepEqual(shown.mcp.stdio_servers[0].args, ["--token", "**********", "--verbose"]);
    assert.equal(shown.mcp.sse_servers[0].api_key, "**********");
    assert.equal(shown.core.file_store_web_hook_headers.Authorization, "**********");
    assert.equal(shown.extended.my_token, extendedToken, "[extended] is shown as written");
  });
});

describe("complete", () => {
  test("prints no secret when the provider echoes the key in its error", async () => {
    upstream.enqueue({ status: 401, echoCredential: true });
    const result = await runCli(["complete", "hi"], { cwd: dir });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /401 authentication: Incorrect API key provided: \*{10}/);
    assertNoSecret(result, "complete");
  });

  test("writes no header credential into the completion log, even when the prompt repeats it", async () => {
    const result = await runCli(["complete", `please repeat ${secrets.header}`], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    // The answer on stdout is the model's (the fake upstream repeats the prompt); stderr is ours.
    assertNoSecret({ ...result, stdout: "" }, "complete");
    const logs = readdirSync(join(dir, "logs"));
    assert.ok(logs.length > 0);
    for (const file of logs) {
      const text = readFileSync(join(dir, "logs", file), "utf8");
      for (const value of Object.values(secrets)) assert.ok(!text.includes(value), `${file} holds a secret`);
    }
  });
});

describe("a key from the provider's environment variable", () => {
  let implicitDir: string;
  before(() => {
    implicitDir = mkdtempSync(join(tmpdir(), "llmconf-implicit-"));
    writeFileSync(
      join(implicitDir, "config.toml"),
      `[llm]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
num_retries = 1

[llm.named]
api_key = "\${OPENAI_API_KEY}"
`,
    );
  });

  test("is not sent to a base_url elsewhere: complete fails before any request and says what to write", async () => {
    const result = await runCli(["complete", "hi"], {
      cwd: implicitDir,
      env: { OPENAI_API_KEY: secrets.envKey },
    });
    assert.equal(result.code, 1);
    assert.equal(upstream.requests.length, 0);
    assert.match(result.stderr, /not sending OPENAI_API_KEY to /);
    assert.match(result.stderr, /name it in \[llm\]: api_key = "\$\{OPENAI_API_KEY\}"/);
    assertNoSecret(result, "complete");
  });

  test("is sent once the config names it", async () => {
    const result = await runCli(["complete", "-l", "named", "hi"], {
      cwd: implicitDir,
      env: { OPENAI_API_KEY: secrets.envKey },
    });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(upstream.requests[0]?.hasAuthorization, true);
  });
});
