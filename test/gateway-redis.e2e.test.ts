// Two `llmconf serve` instances in front of the fake upstream share one key's budget through a real
// redis-server: concurrent requests at both never overspend it by more than one request's cost, a
// restarted instance sees the shared spend, and Redis going away is a prompt 503, not a hang.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import OpenAI from "openai";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { type RedisServer, startRedisServer } from "./redis-server.ts";
import { type ServeProcess, startServe } from "./serve-cli.ts";

const teamKey = "sk-team-shared-e2e-5151";
const budget = 0.3;
let upstream: FakeUpstream;
let redis: RedisServer;
let reader: Redis;
const running: ServeProcess[] = [];

before(async () => {
  upstream = await startFakeUpstream();
  redis = await startRedisServer();
  reader = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  reader.on("error", () => {});
  await reader.connect();
});
after(async () => {
  for (const serve of running) await serve.stop("SIGKILL");
  reader?.disconnect();
  await redis?.stop();
  await upstream?.close();
});

function writeConfig(dir: string, keyName: string): void {
  writeFileSync(
    join(dir, "config.toml"),
    `[llm]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
api_key = "sk-upstream"
num_retries = 0
input_cost_per_token = 0.001
output_cost_per_token = 0.001

[gateway]
redis_url = "redis://127.0.0.1:${redis.port}"
keys = [{ key = "\${TEAM_KEY}", name = "${keyName}", max_budget = ${budget} }]
`,
  );
}

async function serveIn(dir: string): Promise<ServeProcess> {
  const serve = await startServe(dir, [], { TEAM_KEY: teamKey });
  running.push(serve);
  return serve;
}

const clientOf = (serve: ServeProcess) =>
  new OpenAI({ baseURL: serve.baseURL, apiKey: teamKey, maxRetries: 0 });

// "hello" is 9 prompt tokens and at most 5 output tokens: each request may cost $0.014.
const estimateUsd = (9 + 5) * 0.001;
const ask = (client: OpenAI) =>
  client.chat.completions
    .create({ model: "llm", messages: [{ role: "user", content: "hello" }], max_tokens: 5 })
    .withResponse();

/**
 * Waits until every hold of the key is settled: a response may reach the client a moment before its
 * settle reaches Redis. Bounded by the test runner's timeout.
 */
async function settled(keyName = "shared"): Promise<void> {
  while ((await reader.zcard(`llmconf:reserved:${keyName}`)) > 0)
    await new Promise((done) => setTimeout(done, 10));
}

/** The request's cost from its header, or 0 when it was refused for the budget (any other failure throws). */
async function costOfAsk(client: OpenAI): Promise<number | "refused"> {
  try {
    const { response } = await ask(client);
    return Number(response.headers.get("x-llmconf-cost"));
  } catch (error) {
    if (error instanceof OpenAI.RateLimitError && error.code === "budget_exceeded") return "refused";
    throw error;
  }
}

describe("two instances sharing budgets through Redis", () => {
  test("concurrent requests at both never overspend the key's budget, and are admitted while it lasts", async () => {
    const dirs = [
      mkdtempSync(join(tmpdir(), "llmconf-redis-a-")),
      mkdtempSync(join(tmpdir(), "llmconf-redis-b-")),
    ];
    for (const dir of dirs) writeConfig(dir, "shared");
    const serves = await Promise.all(dirs.map(serveIn));
    const clients = serves.map(clientOf);
    let charged = 0;
    let admitted = 0;
    // Rounds of 12 concurrent requests (6 at each instance) until a whole round is refused: then no
    // hold was in flight, so every refusal saw spent + its estimate pass the budget.
    for (let round = 0; round < 40; round++) {
      await settled();
      const costs = await Promise.all(
        Array.from({ length: 12 }, (_, index) => costOfAsk(clients[index % 2] as OpenAI)),
      );
      const paid = costs.filter((cost): cost is number => cost !== "refused");
      admitted += paid.length;
      charged += paid.reduce((sum, cost) => sum + cost, 0);
      if (paid.length === 0) break;
    }
    await settled();
    const spent = Number(await reader.get("llmconf:spend:shared"));
    assert.ok(Math.abs(spent - charged) < 1e-9, `Redis has ${spent}, the responses charged ${charged}`);
    assert.ok(spent <= budget + estimateUsd, `spent ${spent} of ${budget}`);
    assert.ok(spent > budget - estimateUsd, `refused while $${budget - spent} was left`);
    assert.ok(admitted >= Math.floor(budget / estimateUsd), `admitted ${admitted}`);
    assert.equal(await reader.zcard("llmconf:reserved:shared"), 0);
    // Both instances served (the load was split between them).
    for (const serve of serves) assert.match(serve.stdout(), /"status":200/);

    // A restarted instance sees the shared spend at once.
    assert.equal(await (serves[0] as ServeProcess).stop(), 0);
    const again = await serveIn(dirs[0] as string);
    await assert.rejects(ask(clientOf(again)), (error: unknown) => {
      assert.ok(error instanceof OpenAI.RateLimitError && error.code === "budget_exceeded", String(error));
      assert.ok(error.message.includes(`$${spent.toFixed(4)}`), error.message);
      return true;
    });
  });

  test("Redis going away answers 503 at once with a log line, and requests are served again once it is back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmconf-redis-down-"));
    writeConfig(dir, "outage");
    const serve = await serveIn(dir);
    const client = clientOf(serve);
    assert.equal(typeof (await costOfAsk(client)), "number");

    await redis.stop();
    await serve.waitForStderr(/lost Redis at redis:\/\/127\.0\.0\.1:\d+/);
    await assert.rejects(ask(client), (error: unknown) => {
      assert.ok(error instanceof OpenAI.InternalServerError, String(error));
      assert.equal(error.status, 503);
      assert.equal(error.code, "spend_store_unavailable");
      assert.match(
        error.message,
        /cannot check the budget of key "outage": Redis at redis:\/\/127\.0\.0\.1:\d+ did not answer/,
      );
      return true;
    });
    // The access line is written once the response has gone out.
    while (!serve.stdout().includes('"status":503')) await new Promise((done) => setTimeout(done, 20));

    await redis.restart();
    await serve.waitForStderr(/Redis at redis:\/\/127\.0\.0\.1:\d+ is back/);
    assert.equal(typeof (await costOfAsk(client)), "number");
  });

  test("an unreachable redis_url at start is a located error naming it, with the password masked", async () => {
    const dir = mkdtempSync(join(tmpdir(), "llmconf-redis-none-"));
    writeConfig(dir, "nobody");
    const file = join(dir, "config.toml");
    const text = readFileSync(file, "utf8");
    writeFileSync(file, text.replace(/redis_url = .*/, 'redis_url = "redis://:pw-not-printed@127.0.0.1:1"'));
    await assert.rejects(serveIn(dir), (error: unknown) => {
      const message = (error as Error).message;
      assert.match(
        message,
        /config\.toml:10:1: \[gateway\] redis_url: cannot reach Redis at redis:\/\/\*{10}@127\.0\.0\.1:1 \(.*ECONNREFUSED.*\); start Redis there/,
      );
      assert.ok(!message.includes("pw-not-printed"));
      return true;
    });
  });
});
