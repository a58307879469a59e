// The Redis response store against a real redis-server: chains walked across two stores (instances),
// the byte bound per key, a chain whose older link is gone, and an outage (a lookup fails at once).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { openRedisResponseStore, type RedisResponseStore } from "../src/gateway/responses-redis.ts";
import { ResponseStoreUnavailableError, type StoreLimits } from "../src/gateway/responses-store.ts";
import type { ChatMessage } from "../src/llm/index.ts";
import { type RedisServer, startRedisServer } from "./redis-server.ts";

let redis: RedisServer;
const opened: RedisResponseStore[] = [];

before(async () => {
  redis = await startRedisServer();
});
after(async () => {
  for (const store of opened) await store.close();
  await redis?.stop();
});

async function open(limits: StoreLimits = { maxResponses: 100, maxBytes: 1 << 20 }) {
  const store = await openRedisResponseStore({ url: redis.url, limits: () => limits });
  opened.push(store);
  return store;
}

const turn = (keyId: string, previous: string | null, text: string) => ({
  keyId,
  previous,
  messages: [
    { role: "user", content: text },
    { role: "assistant", content: `echo: ${text}` },
  ] as ChatMessage[],
});

describe("the Redis response store", () => {
  test("a chain put by two instances is read whole by either, oldest turn first, for its key only", async () => {
    const [one, two] = [await open(), await open()];
    await one.put("resp_a", turn("team", null, "first\nline"));
    await two.put("resp_b", turn("team", "resp_a", "second | part"));
    const lookup = await one.history("resp_b", "team");
    assert.deepEqual(lookup, {
      found: true,
      messages: [...turn("", null, "first\nline").messages, ...turn("", null, "second | part").messages],
    });
    assert.deepEqual(await two.history("resp_b", "other"), { found: false, missing: "resp_b" });
  });

  test("past the byte bound the least recently used go, and a chain that lost a link names it", async () => {
    const size = Buffer.byteLength(JSON.stringify(turn("k", null, "x0").messages)) + "resp_0".length + 64;
    const store = await open({ maxResponses: 100, maxBytes: size * 2 });
    await store.put("resp_0", turn("bytes", null, "x0"));
    await store.put("resp_1", turn("bytes", null, "x1"));
    await store.put("resp_2", turn("bytes", "resp_1", "x2"));
    assert.deepEqual(await store.history("resp_0", "bytes"), { found: false, missing: "resp_0" });
    const kept = await store.history("resp_2", "bytes");
    assert.deepEqual(kept.found && kept.messages.map((message) => message.content), [
      "x1",
      "echo: x1",
      "x2",
      "echo: x2",
    ]);
    // resp_2 was read last, after resp_1: resp_1 is now the least recently used.
    await store.put("resp_3", turn("bytes", "resp_2", "x3"));
    assert.deepEqual(await store.history("resp_3", "bytes"), { found: false, missing: "resp_1" });
  });

  test("Redis out of reach: a lookup fails at once with ResponseStoreUnavailableError", async () => {
    const store = await open();
    await redis.stop();
    await assert.rejects(store.history("resp_x", "team"), ResponseStoreUnavailableError);
    // The lost connection is noticed as its socket closes; from then on requests fail before any call.
    while (store.reachable()) await new Promise((done) => setTimeout(done, 10));
    await redis.restart();
  });
});
