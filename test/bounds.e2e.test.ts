// Issue 7, "every call and every read is bounded": the built CLI against a stalling, endless or
// garbage-sending fake upstream. No timing is asserted: small timeouts, then messages and exit codes.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { root, runCli } from "./run-cli.ts";

let upstream: FakeUpstream;
let dir: string;

before(async () => {
  assert.ok(existsSync(join(root, "dist/cli/bin.js")), "run `npm run build` before the e2e tests");
  upstream = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), "llmconf-bounds-"));
  writeFileSync(
    join(dir, "config.toml"),
    `[llm]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
api_key = "sk-bounds"
num_retries = 2
retry_min_wait = 0
retry_max_wait = 0

# Small enough to keep the stall tests short, large enough for a busy machine to answer in time.
[llm.stalling]
timeout = 3

[llm.capped]
max_output_tokens = 10

[llm.first]
fallbacks = ["second"]

[llm.second]
num_retries = 3

[llm.patient]
timeout = 0

[llm.polite]
retry_max_wait = 1
`,
  );
});
after(() => upstream.close());
beforeEach(() => upstream.reset());

const complete = (args: string[], options: Parameters<typeof runCli>[1] = {}) =>
  runCli(["complete", ...args], { cwd: dir, ...options });

/** Each line of stderr, for asserting that every message is exactly one line. */
const linesOf = (text: string) => text.split("\n").filter((line) => line !== "");

test("a stalled upstream times out after timeout, each retry is a line on stderr, and the failure is one line", async () => {
  upstream.enqueue({ fault: "stall" }, { fault: "stall" });
  const result = await complete(["-l", "stalling", "hello"]);
  assert.equal(result.code, 1);
  assert.deepEqual(linesOf(result.stderr).length, 2);
  assert.match(
    result.stderr,
    /^llmconf: attempt 1\/2 failed: config "stalling" \(model openai\/fake-model\): no answer within timeout = 3 s; retrying in 0\.0 s\n/,
  );
  assert.match(
    result.stderr,
    /\nllmconf: config "stalling" \(model openai\/fake-model\): 2 attempts failed in \d+\.\d s \(timeout, timeout\); last: no answer within timeout = 3 s\n$/,
  );
});

test("a stream that goes silent for longer than timeout ends with one line, after the text that came", async () => {
  upstream.enqueue({ fault: "stall-stream", afterEvents: 2, text: "first words" });
  const result = await complete(["--stream", "-l", "stalling", "hello"]);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "first \n");
  assert.equal(
    result.stderr,
    'llmconf: config "stalling" (model openai/fake-model): the stream went silent for longer than timeout = 3 s (after part of the answer was streamed; not retried)\n',
  );
});

test("an upstream that streams on past max_output_tokens is cut off with one line, its output bounded", async () => {
  upstream.enqueue({ fault: "endless-stream" });
  const result = await complete(["--stream", "-l", "capped", "hello"]);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /^llmconf: config "capped" \(model openai\/fake-model\): the stream went on past max_output_tokens = 10 \(over \d+ characters\); cut off\n$/,
  );
  assert.ok(result.stdout.length < 20_000, `printed ${result.stdout.length} characters`);
  assert.equal(upstream.requests.length, 1);
});

for (const stream of [false, true]) {
  test(`an HTML page instead of the ${stream ? "stream" : "response"} is an invalid response in one line, not retried`, async () => {
    upstream.enqueue({ fault: "raw-body", body: "<html><body>502 Bad Gateway</body></html>" });
    const result = await complete([...(stream ? ["--stream"] : []), "hello"]);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /^llmconf: config "llm" \(model openai\/fake-model\): invalid response: [^\n]*\n$/,
    );
    assert.equal(upstream.requests.length, 1);
  });
}

test("retries and fallbacks each print a line, and the final message counts the attempts of every config", async () => {
  upstream.enqueue({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
  const result = await complete(["-l", "first", "hello"]);
  assert.equal(result.code, 1);
  const lines = linesOf(result.stderr);
  assert.match(lines[0] ?? "", /^llmconf: attempt 1\/2 failed: config "first" .*503.*; retrying in 0\.0 s$/);
  assert.match(lines[1] ?? "", /^llmconf: config "first" failed: .*; falling back to config "second"$/);
  assert.match(lines[2] ?? "", /^llmconf: attempt 1\/3 failed: config "second" /);
  assert.match(lines[3] ?? "", /^llmconf: attempt 2\/3 failed: config "second" /);
  assert.match(
    lines[4] ?? "",
    /^llmconf: config "second" .*3 attempts failed.*\(5 attempts over 2 configs: first → second\)$/,
  );
  assert.equal(lines.length, 5);
  assert.equal(upstream.requests.length, 5);
});

test("a server's Retry-After is named as the reason for the wait", async () => {
  upstream.enqueue({ status: 429, headers: { "retry-after-ms": "10" } });
  const result = await complete(["-l", "polite", "hello"]);
  assert.equal(result.code, 0);
  assert.match(
    result.stderr,
    /^llmconf: attempt 1\/2 failed: .*429.*; retrying in 0\.0 s \(the server's Retry-After\)\n/,
  );
});

test("Ctrl-C during complete ends it with one line and exit code 130", async () => {
  upstream.enqueue({ fault: "stall" });
  const result = await complete(["-l", "patient", "hello"], {
    onSpawn: (child) => {
      // Interrupt once the upstream holds the request: the CLI is then waiting on it.
      const poll = setInterval(() => {
        if (upstream.requests.length > 0) {
          clearInterval(poll);
          child.kill("SIGINT");
        }
      }, 10);
    },
  });
  assert.equal(result.code, 130);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr, 'llmconf: interrupted; config "patient" gave no answer\n');
});

test("timeout = 0 (OpenHands' unset) loads, show keeps the 0, and an unset timeout shows null", async () => {
  const check = await runCli(["config", "check"], { cwd: dir });
  assert.equal(check.code, 0, check.stderr);
  const shown = await runCli(["config", "show", "--json"], { cwd: dir });
  const llms = JSON.parse(shown.stdout).llms as Record<string, { timeout: number | null }>;
  assert.equal(llms.patient?.timeout, 0);
  const other = mkdtempSync(join(tmpdir(), "llmconf-bounds-unset-"));
  writeFileSync(join(other, "config.toml"), '[llm]\nmodel = "gpt-4o"\n');
  const unset = await runCli(["config", "show", "--json"], { cwd: other });
  assert.equal((JSON.parse(unset.stdout).llms as Record<string, { timeout: unknown }>).llm?.timeout, null);
});

test("a timeout or retry wait past what a timer can wait is a located error, and so is a negative one", async () => {
  const other = mkdtempSync(join(tmpdir(), "llmconf-bounds-absurd-"));
  writeFileSync(
    join(other, "config.toml"),
    '[llm]\nmodel = "gpt-4o"\ntimeout = 2592000\nretry_max_wait = 2592000\n\n[llm.b]\ntimeout = -5\n',
  );
  const result = await runCli(["config", "check"], { cwd: other });
  assert.equal(result.code, 1);
  const lines = linesOf(result.stderr);
  assert.match(
    lines[0] ?? "",
    /^config\.toml:3:1: error: invalid value for "timeout" in \[llm\]: must be at most 86400\b.*\(got 2592000\)$/,
  );
  assert.match(
    lines[1] ?? "",
    /^config\.toml:4:1: error: invalid value for "retry_max_wait" in \[llm\]: must be at most 86400\b/,
  );
  assert.match(
    lines[2] ?? "",
    /^config\.toml:7:1: error: invalid value for "timeout" in \[llm\.b\]: .*\(got -5\)$/,
  );
});

test("a FIFO or /dev/zero as --config-file is refused at once, and an empty --config-file is a usage error", {
  timeout: 120_000,
}, async () => {
  const fifo = join(mkdtempSync(join(tmpdir(), "llmconf-bounds-fifo-")), "config.toml");
  execFileSync("mkfifo", [fifo]);
  const piped = await runCli(["config", "check", "--config-file", fifo]);
  assert.equal(piped.code, 1);
  assert.match(piped.stderr, /config\.toml: error: config file is a named pipe \(FIFO\), not a regular file/);
  const zero = await runCli(["config", "show", "--config-file", "/dev/zero"]);
  assert.equal(zero.code, 1);
  assert.match(zero.stderr, /^\/dev\/zero: error: config file is a character device, not a regular file/);
  const empty = await runCli(["config", "check", "--config-file", ""]);
  assert.equal(empty.code, 2);
  assert.equal(empty.stderr, 'llmconf: --config-file needs a path to a config file, not ""\n');
});
