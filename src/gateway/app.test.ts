import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadConfig } from "../config/load.ts";
import { createGatewayApp } from "./app.ts";
import { type GatewayRequest, type GatewayResponse, isStreamedBody } from "./http.ts";
import { createMemoryLedger, type SpendStore } from "./ledger.ts";
import { createGatewayMetrics } from "./metrics.ts";
import { createSnapshot } from "./snapshot.ts";

const configText = `[llm]
model = "mock/echo"

[llm.gpt3]
model = "mock/echo"
input_cost_per_token = 0.01
output_cost_per_token = 0.01

[llm.other]
model = "mock/echo"
`;

async function createApp(extra = "", spend: SpendStore = createMemoryLedger()) {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-app-"));
  writeFileSync(join(dir, "config.toml"), configText + extra);
  const config = await loadConfig({ cwd: dir, env: { HOME: dir }, userFiles: false });
  const lines: string[] = [];
  const snapshot = createSnapshot(config);
  const app = createGatewayApp({
    getSnapshot: () => snapshot,
    spend,
    metrics: createGatewayMetrics({ defaultMetrics: false }),
    env: {},
    log: (line) => lines.push(line),
  });
  return { app, lines, spend };
}

function request(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): GatewayRequest {
  return {
    method,
    path,
    headers,
    body: Buffer.from(body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body)),
    signal: new AbortController().signal,
    receivedAt: performance.now(),
  };
}

/** The whole body as text, after running the response to its end as serve.ts would. */
async function read(response: GatewayResponse): Promise<string> {
  let text = "";
  if (isStreamedBody(response.body)) for await (const chunk of response.body) text += chunk;
  else text = response.body.toString();
  response.onFinished?.({ completed: true });
  return text;
}

const chat = (model: string, extra: Record<string, unknown> = {}) =>
  request("POST", "/v1/chat/completions", {
    model,
    messages: [{ role: "user", content: "hi there" }],
    ...extra,
  });

describe("the gateway core, without a socket", () => {
  test("answers /health and lists the configs at /v1/models", async () => {
    const { app } = await createApp();
    const health = await app.handle(request("GET", "/health"));
    assert.equal(health.status, 200);
    const models = JSON.parse(await read(await app.handle(request("GET", "/v1/models"))));
    assert.deepEqual(
      models.data.map((model: { id: string }) => model.id),
      ["llm", "gpt3", "other"],
    );
  });

  test("an unknown route is a 404 and a wrong method a 405, both in OpenAI's error shape", async () => {
    const missing = await app404();
    assert.equal(missing.status, 404);
    assert.equal(JSON.parse(await read(missing)).error.code, "unknown_url");
    const { app } = await createApp();
    const wrong = await app.handle(request("GET", "/v1/chat/completions"));
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.allow, "POST");
  });

  test("an unknown model is a 404 with a did-you-mean, and the access log records it", async () => {
    const { app, lines } = await createApp();
    const response = await app.handle(chat("gtp3"));
    const body = JSON.parse(await read(response));
    assert.equal(response.status, 404);
    assert.match(body.error.message, /did you mean "gpt3"/);
    assert.equal(body.error.param, "model");
    assert.match(lines[0] ?? "", /"status":404.*"error":"model_not_found"/);
  });

  test("a config that needs an unset ${VAR} answers 500 with the located reason; the others still answer", async () => {
    const { app } = await createApp(
      '\n[llm.keyed]\nmodel = "mock/echo"\napi_key = "${GATEWAY_TEST_UNSET_KEY}"\n',
    );
    const response = await app.handle(chat("keyed"));
    const body = JSON.parse(await read(response));
    assert.equal(response.status, 500);
    assert.equal(body.error.code, "config_unusable");
    assert.match(body.error.message, /config\.toml:\d+:\d+: .*GATEWAY_TEST_UNSET_KEY/);
    assert.equal((await app.handle(chat("gpt3"))).status, 200);
  });

  test("a non-OpenAI provider answers through the runtime, with cost headers", async () => {
    const { app } = await createApp();
    const response = await app.handle(chat("gpt3"));
    const body = JSON.parse(await read(response));
    assert.equal(body.choices[0].message.content, "echo: hi there");
    assert.equal(response.headers["x-llmconf-config"], "gpt3");
    assert.ok(Number(response.headers["x-llmconf-cost"]) > 0);
  });

  test("a streamed answer is server-sent chunks ending in [DONE], with usage when asked", async () => {
    const { app } = await createApp();
    const response = await app.handle(
      chat("gpt3", { stream: true, stream_options: { include_usage: true } }),
    );
    assert.equal(response.headers["content-type"], "text/event-stream; charset=utf-8");
    const text = await read(response);
    const events = text
      .split("\n\n")
      .filter(Boolean)
      .map((event) => event.replace(/^data: /, ""));
    assert.equal(events.at(-1), "[DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event));
    assert.equal(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join(""), "echo: hi there");
    assert.ok(chunks.at(-1).usage.completion_tokens > 0);
    assert.match(response.trailers?.()["x-llmconf-cost"] ?? "", /^\d+\.\d+$/);
  });

  test("requests over max_concurrent_requests are refused with a 429 until one finishes", async () => {
    const { app } = await createApp("\n[gateway]\nmax_concurrent_requests = 1\n");
    const first = await app.handle(chat("gpt3", { stream: true }));
    const refused = await app.handle(chat("gpt3"));
    assert.equal(refused.status, 429);
    assert.equal(JSON.parse(await read(refused)).error.code, "concurrency_limit");
    await read(first);
    assert.equal((await app.handle(chat("gpt3"))).status, 200);
  });
});

async function app404() {
  const { app } = await createApp();
  return app.handle(request("GET", "/v2/nothing"));
}

describe("keys and budgets", () => {
  const keys = `\n[gateway]\nkeys = [{ key = "sk-team-a-123456", name = "team-a", configs = ["gpt3"], max_budget = 0.05 }, { key = "sk-team-b-123456" }]\n`;
  const as = (key: string, model = "gpt3") => ({
    ...chat(model),
    headers: { authorization: `Bearer ${key}` },
  });

  test("a missing or wrong key is a 401, and a config the key may not use a 403", async () => {
    const { app } = await createApp(keys);
    assert.equal((await app.handle(chat("gpt3"))).status, 401);
    const wrong = await app.handle(as("sk-team-a-12345X"));
    assert.equal(wrong.status, 401);
    assert.equal(JSON.parse(await read(wrong)).error.code, "invalid_api_key");
    const forbidden = await app.handle(as("sk-team-a-123456", "other"));
    assert.equal(forbidden.status, 403);
    assert.match(JSON.parse(await read(forbidden)).error.message, /may not use config "other"/);
    assert.equal((await app.handle(as("sk-team-b-123456", "other"))).status, 200);
  });

  test("a key's models list shows only the configs it may use", async () => {
    const { app } = await createApp(keys);
    const response = await app.handle({
      ...request("GET", "/v1/models"),
      headers: { authorization: "Bearer sk-team-a-123456" },
    });
    assert.deepEqual(
      JSON.parse(await read(response)).data.map((model: { id: string }) => model.id),
      ["gpt3"],
    );
  });

  test("a key's requests are admitted while its budget covers their estimate, then refused with a 429 the SDKs do not retry", async () => {
    // Each request may cost (8 prompt + 5 output tokens) x $0.01 = $0.13; the echo costs less.
    const budgeted = keys.replace("max_budget = 0.05", "max_budget = 0.5");
    const { app, spend, lines } = await createApp(budgeted);
    let admitted = 0;
    for (let index = 0; index < 10; index++) {
      const response = await app.handle({
        ...as("sk-team-a-123456"),
        body: chat("gpt3", { max_tokens: 5 }).body,
      });
      const body = await read(response);
      if (response.status === 429) {
        assert.equal(response.headers["x-should-retry"], "false");
        assert.equal(JSON.parse(body).error.code, "budget_exceeded");
        const spent = await spend.spentUsd("team-a");
        assert.ok(spent + 0.13 > 0.5 && spent <= 0.5, `spent ${spent}`);
        assert.ok(admitted >= 3, `admitted ${admitted}`);
        assert.ok(lines.every((line) => !line.includes("sk-team-a")));
        return;
      }
      assert.equal(response.status, 200, body);
      admitted += 1;
    }
    assert.fail("the budget never ran out");
  });
});
