// `llmconf complete`, spawned as a user runs it (the built CLI), against the fake upstream on loopback.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { root, runCli } from "./run-cli.ts";

const secret = "sk-e2e-never-shown-9876";

let upstream: FakeUpstream;
let dir: string;
let closedPort: number;

/** A port nothing listens on: bound once, then released. */
async function findClosedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

before(async () => {
  assert.ok(existsSync(join(root, "dist/cli/bin.js")), "run `npm run build` before the e2e tests");
  upstream = await startFakeUpstream();
  closedPort = await findClosedPort();
  dir = mkdtempSync(join(tmpdir(), "llmconf-complete-"));
  writeFileSync(
    join(dir, "config.toml"),
    `[llm]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
num_retries = 1

[llm.claude]
model = "anthropic/claude-3-5-sonnet-20241022"
base_url = "${upstream.url}"
api_key = "${secret}"
num_retries = 2

[llm.keyless]
model = "anthropic/claude-3-5-sonnet-20241022"
base_url = "${upstream.url}"

[llm.down]
base_url = "http://127.0.0.1:${closedPort}/v1"
`,
  );
});
after(() => upstream.close());
beforeEach(() => upstream.reset());

function run(args: string[], options: { stdin?: string; env?: Record<string, string>; cwd?: string } = {}) {
  return runCli(["complete", ...args], { cwd: dir, ...options });
}

const summaryLine =
  /^\[llm\] openai\/fake-model · \d+ in \/ \d+ out tokens · cost unknown · \d+ ms · 1 attempt\n$/;

test("complete prints the answer, and one summary line on stderr", async () => {
  const result = await run(["hello world"]);
  assert.equal(result.code, 0);
  assert.equal(result.stdout, "echo: hello world\n");
  assert.match(result.stderr, summaryLine);
});

test("complete --json prints config, model, text, usage, cost, latency and attempts", async () => {
  const result = await run(["--json", "-l", "claude", "hi"]);
  assert.equal(result.code, 0);
  const output = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(output), [
    "config",
    "model",
    "text",
    "usage",
    "cost",
    "latency_ms",
    "attempts",
  ]);
  assert.equal(output.config, "claude");
  assert.equal(output.model, "anthropic/claude-3-5-sonnet-20241022");
  assert.equal(output.text, "echo: hi");
  assert.equal(typeof output.cost, "number");
  assert.equal(output.attempts, 1);
  assert.equal(upstream.requests[0]?.path, "/v1/messages");
});

test("complete --stream prints the streamed answer", async () => {
  upstream.enqueue({ text: "streamed in several pieces" });
  const result = await run(["--stream", "x"]);
  assert.equal(result.code, 0);
  assert.equal(result.stdout, "streamed in several pieces\n");
  assert.equal((upstream.requests[0]?.body as { stream?: boolean } | undefined)?.stream, true);
});

test("complete reads the prompt from stdin when none is given", async () => {
  const result = await run([], { stdin: "from a pipe\n" });
  assert.equal(result.code, 0);
  assert.equal(result.stdout, "echo: from a pipe\n");
});

test("complete retries a 503 and reports the attempts", async () => {
  upstream.enqueue({ status: 503, headers: { "retry-after-ms": "10" } });
  const result = await run(["-l", "claude", "again"]);
  assert.equal(result.code, 0);
  assert.match(result.stderr, /· 2 attempts\n$/);
});

const failures: [string, string[], Record<string, string>, RegExp][] = [
  [
    "a missing api key",
    ["-l", "keyless", "hi"],
    {},
    /^llmconf: config "keyless" \(model anthropic\/claude-3-5-sonnet-20241022\): no api_key; set api_key in \[llm\.keyless\] or the ANTHROPIC_API_KEY environment variable\n$/,
  ],
  [
    "an unreachable base_url",
    ["-l", "down", "hi"],
    {},
    /^llmconf: config "down" \(model openai\/fake-model\): 1 attempt failed in \d+\.\d s \(connection\); last: cannot connect: .*ECONNREFUSED.*\n$/,
  ],
];

for (const [name, args, env, expected] of failures) {
  test(`complete reports ${name} in one line and exits 1`, async () => {
    const result = await run(args, { env });
    assert.equal(result.code, 1);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, expected);
  });
}

test("complete reports a 401 in one line, exits 1, and never prints the key", async () => {
  upstream.enqueue({ status: 401, message: `Incorrect API key provided: ${secret}` });
  const result = await run(["-l", "claude", "hi"]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^llmconf: config "claude" \(model anthropic\/claude-3-5-sonnet-20241022\): 401 authentication: .*\n$/,
  );
  assert.equal(result.stderr.includes(secret), false);
  assert.equal(result.stdout.includes(secret), false);
});

test("complete reports an unset ${VAR} of the config it uses in one line and exits 1", async () => {
  const other = mkdtempSync(join(tmpdir(), "llmconf-complete-env-"));
  writeFileSync(
    join(other, "config.toml"),
    '[llm]\nmodel = "gpt-4o"\napi_key = "${LLMCONF_E2E_UNSET_KEY}"\n',
  );
  const result = await run(["hi"], { cwd: other });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^config\.toml:3:1: error: LLM config "llm" cannot be used: environment variable LLMCONF_E2E_UNSET_KEY is not set[^\n]*\n$/,
  );
});

test("a file with one config per provider works with only the key of the provider used", async () => {
  const other = mkdtempSync(join(tmpdir(), "llmconf-complete-providers-"));
  writeFileSync(
    join(other, "config.toml"),
    `[llm]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
api_key = "\${LLMCONF_E2E_OPENAI_KEY}"
num_retries = 1

[llm.claude]
model = "anthropic/claude-3-5-sonnet-20241022"
base_url = "${upstream.url}"
api_key = "\${LLMCONF_E2E_ANTHROPIC_KEY}"
num_retries = 1
`,
  );
  const claude = await run(["-l", "claude", "hi"], {
    cwd: other,
    env: { LLMCONF_E2E_ANTHROPIC_KEY: "sk-ant-e2e" },
  });
  assert.equal(claude.code, 0, claude.stderr);
  assert.equal(claude.stdout, "echo: hi\n");
  const openai = await run(["hi"], { cwd: other, env: { LLMCONF_E2E_ANTHROPIC_KEY: "sk-ant-e2e" } });
  assert.equal(openai.code, 1);
  assert.match(
    openai.stderr,
    /^config\.toml:4:1: error: LLM config "llm" cannot be used: environment variable LLMCONF_E2E_OPENAI_KEY is not set/,
  );
  assert.equal(upstream.requests.length, 1);
});

test("complete without a prompt is a usage error (exit 2)", async () => {
  const result = await run([]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /complete needs a prompt/);
});
