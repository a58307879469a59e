// Operating `llmconf serve`: keys and per-key budgets that survive a restart, hot reload of valid and
// invalid edits, graceful shutdown with a request in flight, client disconnects and metrics.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import OpenAI from "openai";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { type ServeProcess, startServe } from "./serve-cli.ts";

const teamKey = "sk-team-a-e2e-secret-7777";
const otherKey = "sk-team-b-e2e-secret-8888";
let upstream: FakeUpstream;
const running: ServeProcess[] = [];

before(async () => {
  upstream = await startFakeUpstream();
});
after(async () => {
  for (const serve of running) await serve.stop("SIGKILL");
  await upstream?.close();
});
beforeEach(() => upstream.reset());

function writeConfig(dir: string, extra = ""): string {
  const file = join(dir, "config.toml");
  writeFileSync(
    file,
    `[llm]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
api_key = "sk-upstream"
num_retries = 1
input_cost_per_token = 0.001
output_cost_per_token = 0.001

[llm.gpt3]
model = "openai/fake-gpt3"

[llm.slow]
model = "openai/fake-slow"
num_retries = 5
retry_min_wait = 2
retry_multiplier = 2
${extra}`,
  );
  return file;
}

async function serveIn(dir: string, env: Record<string, string> = {}): Promise<ServeProcess> {
  const serve = await startServe(dir, [], env);
  running.push(serve);
  return serve;
}

// max_tokens bounds what a request may cost, so a small budget admits it (an unbounded one holds 4096 tokens).
const ask = (client: OpenAI, model = "gpt3") =>
  client.chat.completions.create({ model, messages: [{ role: "user", content: "hello" }], max_tokens: 5 });

describe("keys and budgets", () => {
  test("keys are required, configs restricted, and a spent budget stays spent across a restart", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmconf-keys-"));
    writeConfig(
      dir,
      `\n[gateway]\nkeys = [{ key = "\${TEAM_A}", name = "team-a", configs = ["gpt3"], max_budget = 0.02 }, { key = "${otherKey}" }]\n`,
    );
    const env = { TEAM_A: teamKey };
    let serve = await serveIn(dir, env);
    const client = (apiKey: string) => new OpenAI({ baseURL: serve.baseURL, apiKey, maxRetries: 0 });

    await assert.rejects(ask(client("sk-wrong-key-000")), OpenAI.AuthenticationError);
    await assert.rejects(
      ask(client(teamKey), "llm"),
      (error: unknown) =>
        error instanceof OpenAI.PermissionDeniedError && /may not use config "llm"/.test(error.message),
    );
    assert.equal((await ask(client(otherKey), "llm")).choices[0]?.message.content, "echo: hello");

    let spent = 0;
    for (; spent < 10; spent++) {
      try {
        await ask(client(teamKey));
      } catch (error) {
        assert.ok(error instanceof OpenAI.RateLimitError, String(error));
        assert.equal((error as InstanceType<typeof OpenAI.RateLimitError>).code, "budget_exceeded");
        break;
      }
    }
    assert.ok(spent > 0 && spent < 10, `spent ${spent} requests`);
    const ledger = readFileSync(join(dir, "logs/gateway-spend.jsonl"), "utf8");
    assert.match(ledger, /"key":"team-a","config":"gpt3","usd":/);
    assert.ok(
      !ledger.includes(teamKey) && !serve.stdout().includes(teamKey) && !serve.stderr().includes(teamKey),
    );

    assert.equal(await serve.stop(), 0);
    serve = await serveIn(dir, env);
    await assert.rejects(ask(client(teamKey)), OpenAI.RateLimitError);
    assert.equal((await ask(client(otherKey))).choices[0]?.message.content, "echo: hello");
  });

  test("a client that abandons a stream is charged for the prompt and the output it was sent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmconf-abandon-"));
    // max_input_tokens sends "translated" through the runtime; "gpt3" takes the fast path.
    writeConfig(
      dir,
      `\n[llm.translated]\nmodel = "openai/fake-translated"\nmax_input_tokens = 100000\n\n[gateway]\nkeys = [{ key = "\${TEAM_A}", name = "team-a", max_budget = 100 }]\n`,
    );
    const serve = await serveIn(dir, { TEAM_A: teamKey });
    const client = new OpenAI({ baseURL: serve.baseURL, apiKey: teamKey, maxRetries: 0 });
    for (const model of ["gpt3", "translated"]) {
      upstream.enqueue({ fault: "endless-stream", text: "more ", ms: 5 });
      const stream = await client.chat.completions.create({
        model,
        messages: [{ role: "user", content: "go on" }],
        stream: true,
        max_tokens: 100,
      });
      let chunks = 0;
      // Leaving the loop aborts the SDK's request: the client hangs up mid-stream.
      for await (const _ of stream) if (++chunks === 20) break;
      assert.equal(chunks, 20);
    }
    const ledger = join(dir, "logs/gateway-spend.jsonl");
    const charged = () =>
      readFileSync(ledger, { encoding: "utf8", flag: "a+" })
        .split("\n")
        .filter((line) => line.includes('"key":"team-a"'))
        .map((line) => JSON.parse(line) as { config: string; usd: number });
    // The charge is written when the gateway notices the client left: wait for it, bounded by the test's timeout.
    while (charged().length < 2) await new Promise((done) => setTimeout(done, 20));
    assert.deepEqual(
      charged()
        .map((entry) => entry.config)
        .sort(),
      ["gpt3", "translated"],
    );
    for (const entry of charged()) {
      // The prompt and at least 19 deltas of "more " (5 characters, 4 to a token), at $0.001 a token.
      assert.ok(entry.usd >= 0.03 && entry.usd < 1, JSON.stringify(entry));
    }
  });

  test("a non-loopback address without keys is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmconf-open-"));
    writeConfig(dir, `\n[gateway]\nhost = "0.0.0.0"\n`);
    await assert.rejects(serveIn(dir), /refusing to listen on 0\.0\.0\.0 without client keys/);
  });
});

describe("hot reload", () => {
  test("a valid edit serves the new config; an invalid edit is reported and the last good one kept", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmconf-reload-"));
    writeConfig(dir);
    const serve = await serveIn(dir);
    const client = new OpenAI({ baseURL: serve.baseURL, apiKey: "unused", maxRetries: 0 });
    await assert.rejects(ask(client, "fresh"), OpenAI.NotFoundError);

    writeConfig(dir, `\n[llm.fresh]\nmodel = "openai/fake-fresh"\n`);
    await serve.waitForStderr(/reloaded; configs changed: fresh/);
    const { response } = await ask(client, "fresh").withResponse();
    assert.equal(response.headers.get("x-llmconf-model"), "openai/fake-fresh");

    writeConfig(dir, `\n[llm.fresh]\nmodel = "openai/fake-fresh"\ntemprature = 2\n`);
    await serve.waitForStderr(/keeping the last good configuration/);
    assert.match(
      serve.stderr(),
      /config\.toml:\d+:\d+: error: unknown key "temprature" in \[llm\.fresh\]; did you mean "temperature"\?/,
    );
    assert.equal((await ask(client, "fresh")).choices[0]?.message.content, "echo: hello");
  });
});

describe("shutdown, disconnects and metrics", () => {
  test("SIGTERM lets the request in flight finish, then exits 0", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmconf-shutdown-"));
    writeConfig(dir);
    const serve = await serveIn(dir);
    const client = new OpenAI({ baseURL: serve.baseURL, apiKey: "unused", maxRetries: 0 });
    upstream.enqueue({ fault: "stall", ms: 1500 });
    const answer = ask(client);
    while (upstream.requests.length === 0) await new Promise((done) => setTimeout(done, 20));
    const exited = serve.stop("SIGTERM");
    assert.equal((await answer).choices[0]?.message.content, "echo: hello");
    assert.equal(await exited, 0);
    assert.match(serve.stderr(), /SIGTERM: stopping[\s\S]*stopped/);
  });

  test("a client that disconnects stops the retry loop, and /metrics counts requests per config", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmconf-abort-"));
    writeConfig(dir);
    const serve = await serveIn(dir);
    const client = new OpenAI({ baseURL: serve.baseURL, apiKey: "unused", maxRetries: 0 });
    upstream.enqueue({ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }, { status: 503 });
    const controller = new AbortController();
    const answer = client.chat.completions.create(
      { model: "slow", messages: [{ role: "user", content: "x" }] },
      { signal: controller.signal },
    );
    while (upstream.requests.length === 0) await new Promise((done) => setTimeout(done, 20));
    controller.abort();
    await assert.rejects(answer, OpenAI.APIUserAbortError);
    // The access line is written when the gateway gives up the request: during the first 2 s wait.
    while (!serve.stdout().includes('"config":"slow"')) await new Promise((done) => setTimeout(done, 20));
    assert.equal(upstream.requests.length, 1);

    upstream.reset();
    await ask(client);
    const metrics = await (await fetch(`${serve.baseURL.replace(/\/v1$/, "")}/metrics`)).text();
    assert.match(metrics, /llmconf_gateway_requests_total\{config="gpt3",status="200"\} 1/);
    assert.match(metrics, /llmconf_gateway_tokens_total\{config="gpt3",direction="output"\} \d+/);
    assert.match(metrics, /llmconf_gateway_overhead_seconds_bucket/);
  });
});
