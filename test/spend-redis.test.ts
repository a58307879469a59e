// The Redis spend store against a real redis-server: atomic holds across instances, settles, expiry of a
// dead instance's holds, and an outage (fail at once, write held settles when Redis is back).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Redis } from "ioredis";
import { type SpendStore, SpendStoreUnavailableError } from "../src/gateway/ledger.ts";
import { openRedisLedger } from "../src/gateway/spend-redis.ts";
import { type RedisServer, startRedisServer } from "./redis-server.ts";

let redis: RedisServer;
let reader: Redis;
const opened: SpendStore[] = [];

before(async () => {
  redis = await startRedisServer();
  reader = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  reader.on("error", () => {});
  await reader.connect();
});
after(async () => {
  for (const store of opened) await store.close();
  reader?.disconnect();
  await redis?.stop();
});

async function open(options: { reservationTtlMs?: number; notice?: (line: string) => void } = {}) {
  const store = await openRedisLedger({ url: redis.url, ...options });
  opened.push(store);
  return store;
}

const entry = (keyId: string, usd: number) => ({ keyId, configName: "gpt3", usd, at: 0 });

/** Polls a condition until it holds; the test runner's timeout bounds it. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((done) => setTimeout(done, 25));
}

describe("the Redis spend store", () => {
  test("two instances cannot both take the last dollar: holds are checked and taken atomically", async () => {
    const [first, second] = [await open(), await open()];
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, index) => (index % 2 === 0 ? first : second).reserve("atomic", 0.1, 1)),
    );
    assert.equal(answers.filter((answer) => answer.ok).length, 10);
    assert.deepEqual(
      answers.find((answer) => !answer.ok),
      { ok: false, spentUsd: 0, reservedUsd: 1 },
    );
  });

  test("settling adds the cost and releases the hold, under the documented keys", async () => {
    const store = await open();
    const held = await store.reserve("team-a", 0.6, 1);
    assert.ok(held.ok);
    assert.equal(await reader.zcard("llmconf:reserved:team-a"), 1);
    await store.settle(held.id, entry("team-a", 0.25));
    assert.equal(await reader.zcard("llmconf:reserved:team-a"), 0);
    assert.equal(Number(await reader.get("llmconf:spend:team-a")), 0.25);
    await store.settle(undefined, entry("team-a", 0.5));
    assert.equal(await (await open()).spentUsd("team-a"), 0.75);
    assert.deepEqual(await store.reserve("team-a", 0.3, 1), { ok: false, spentUsd: 0.75, reservedUsd: 0 });
    await store.settle(undefined, entry("team-a", 0.25));
    assert.equal((await store.reserve("team-a", 0, 1)).ok, false, "a spent budget refuses a $0 estimate");
  });

  // A TTL of seconds, not milliseconds: a loaded machine may pause longer than a short one between steps.
  test("a dead instance's holds expire after their TTL; a live one's are refreshed", async () => {
    const dead = await open({ reservationTtlMs: 3000 });
    const live = await open({ reservationTtlMs: 3000 });
    assert.ok((await dead.reserve("ttl-dead", 0.9, 1)).ok);
    await dead.close(); // gone without settling, as a crashed instance
    const other = await open();
    assert.equal((await other.reserve("ttl-dead", 0.5, 1)).ok, false);
    await until(async () => (await other.reserve("ttl-dead", 0.5, 1)).ok);

    const held = await live.reserve("ttl-live", 0.9, 1);
    assert.ok(held.ok);
    const firstExpiry = Number(await reader.zscore("llmconf:reserved:ttl-live", held.id));
    await until(async () => Number(await reader.zscore("llmconf:reserved:ttl-live", held.id)) > firstExpiry);
    assert.equal((await other.reserve("ttl-live", 0.5, 1)).ok, false);
  });

  test("Redis out of reach fails at once, and a settle made meanwhile is written when it is back", async () => {
    const notices: string[] = [];
    const store = await open({ notice: (line) => notices.push(line) });
    const held = await store.reserve("outage", 0.2, 1);
    assert.ok(held.ok);
    await redis.stop();
    await until(async () => notices.some((line) => line.includes("lost Redis at")));
    await assert.rejects(store.reserve("outage", 0.1, 1), (error: unknown) => {
      assert.ok(error instanceof SpendStoreUnavailableError);
      assert.match(
        error.message,
        new RegExp(`Redis at redis://127\\.0\\.0\\.1:${redis.port} did not answer`),
      );
      return true;
    });
    await store.settle(held.id, entry("outage", 0.2));
    await redis.restart();
    await until(async () => Number(await reader.get("llmconf:spend:outage").catch(() => null)) === 0.2);
    assert.ok(notices.some((line) => /Redis at .* is back; writing 1 held spend record/.test(line)));
  });

  test("start-up against a server that is not there fails within its bound, the password masked", async () => {
    await assert.rejects(
      openRedisLedger({ url: "redis://:hunter2-secret@127.0.0.1:1/0", connectTimeoutMs: 2000 }),
      (error: unknown) => {
        assert.ok(error instanceof SpendStoreUnavailableError);
        assert.match(
          error.message,
          /^cannot reach Redis at redis:\/\/\*{10}@127\.0\.0\.1:1\/0 \(.*ECONNREFUSED/,
        );
        assert.ok(!error.message.includes("hunter2"));
        return true;
      },
    );
  });
});
