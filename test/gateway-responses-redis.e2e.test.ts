// Two `llmconf serve` instances behind one "load balancer" share their stored Responses through a real
// redis-server: a response made at one continues at the other (whole and streamed), still for the key
// that made it only and within the stored_responses_max bound, and Redis going away is a prompt 503.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import OpenAI from "openai";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { type RedisServer, startRedisServer } from "./redis-server.ts";
import { type ServeProcess, startServe } from "./serve-cli.ts";

const alphaKey = "sk-alpha-responses-redis-6161";
const betaKey = "sk-beta-responses-redis-6262";
let upstream: FakeUpstream;
let redis: RedisServer;
let reader: Redis;
let first: ServeProcess;
let second: ServeProcess;

before(async () => {
  upstream = await startFakeUpstream();
  redis = await startRedisServer();
  reader = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  reader.on("error", () => {});
  await reader.connect();
  const dir = mkdtempSync(join(tmpdir(), "llmconf-responses-redis-"));
  writeFileSync(
    join(dir, "config.toml"),
    `[llm]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
api_key = "sk-upstream"
num_retries = 0

[gateway]
redis_url = "redis://127.0.0.1:${redis.port}"
stored_responses_max = 3
keys = [{ key = "${alphaKey}", name = "alpha" }, { key = "${betaKey}", name = "beta" }]
`,
  );
  first = await startServe(dir);
  second = await startServe(dir);
});

after(async () => {
  await first?.stop("SIGKILL");
  await second?.stop("SIGKILL");
  reader?.disconnect();
  await redis?.stop();
  await upstream?.close();
});

const clientOf = (serve: ServeProcess, apiKey = alphaKey) =>
  new OpenAI({ baseURL: serve.baseURL, apiKey, maxRetries: 0 });

/** Every text the upstream's last request carried, joined. */
const lastSent = () => JSON.stringify(upstream.requests.at(-1)?.body ?? {});

const notFound = (error: unknown) =>
  error instanceof OpenAI.BadRequestError &&
  error.param === "previous_response_id" &&
  error.code === "previous_response_not_found";

describe("Responses stored in Redis, shared by two instances", () => {
  test("a response made at one instance continues at the other, whole and streamed", async () => {
    const made = await clientOf(first).responses.create({ model: "llm", input: "my name is Ada" });
    const continued = await clientOf(second).responses.create({
      model: "llm",
      previous_response_id: made.id,
      input: "what is my name?",
    });
    assert.equal(continued.output_text, "echo: what is my name?");
    for (const part of ["my name is Ada", "echo: my name is Ada", "what is my name?"])
      assert.ok(lastSent().includes(part), `${part} missing from ${lastSent()}`);

    const stream = clientOf(first).responses.stream({
      model: "llm",
      previous_response_id: continued.id,
      input: "and again?",
    });
    const final = await stream.finalResponse();
    const text = final.output
      .flatMap((item) => (item.type === "message" ? item.content : []))
      .map((part) => (part.type === "output_text" ? part.text : ""))
      .join("");
    assert.equal(text, "echo: and again?");
    for (const part of ["my name is Ada", "what is my name?", "and again?"])
      assert.ok(lastSent().includes(part), `${part} missing from ${lastSent()}`);
    // Kept per key, with an expiry.
    assert.equal(await reader.hlen("llmconf:responses:alpha"), 3);
    assert.ok((await reader.pttl("llmconf:responses:alpha")) > 0);
  });

  test("an unknown id, or another key's response, is a 400 previous_response_not_found", async () => {
    const made = await clientOf(first).responses.create({ model: "llm", input: "alpha's secret" });
    await assert.rejects(
      clientOf(second).responses.create({ model: "llm", previous_response_id: "resp_nope", input: "x" }),
      notFound,
    );
    await assert.rejects(
      clientOf(second, betaKey).responses.create({ model: "llm", previous_response_id: made.id, input: "x" }),
      notFound,
    );
  });

  test("past stored_responses_max for a key, its least recently used response goes", async () => {
    const beta = [clientOf(first, betaKey), clientOf(second, betaKey)] as const;
    const oldest = await beta[0].responses.create({ model: "llm", input: "one" });
    const kept = await beta[1].responses.create({ model: "llm", input: "two" });
    await beta[0].responses.create({ model: "llm", input: "three" });
    // Used now: no longer the least recent.
    await beta[1].responses.create({ model: "llm", previous_response_id: kept.id, input: "two again" });
    await assert.rejects(
      beta[0].responses.create({ model: "llm", previous_response_id: oldest.id, input: "x" }),
      notFound,
    );
    await beta[0].responses.create({ model: "llm", previous_response_id: kept.id, input: "still here" });
    assert.equal(await reader.llen("llmconf:responses-lru:beta"), 3);
  });

  test("Redis going away answers 503 at once for a stored or continued response; store: false is served", async () => {
    const made = await clientOf(first).responses.create({ model: "llm", input: "before the outage" });
    await redis.stop();
    await second.waitForStderr(/lost Redis at redis:\/\/127\.0\.0\.1:\d+/);
    const unavailable = (error: unknown) => {
      assert.ok(error instanceof OpenAI.InternalServerError, String(error));
      assert.equal(error.status, 503);
      assert.equal(error.code, "response_store_unavailable");
      assert.match(error.message, /Redis/);
      return true;
    };
    const client = clientOf(second);
    await assert.rejects(
      client.responses.create({ model: "llm", previous_response_id: made.id, input: "x", store: false }),
      unavailable,
    );
    await assert.rejects(client.responses.create({ model: "llm", input: "keep me" }), unavailable);
    const unstored = await client.responses.create({ model: "llm", input: "not kept", store: false });
    assert.equal(unstored.output_text, "echo: not kept");
  });
});
