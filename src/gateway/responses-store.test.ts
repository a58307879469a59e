import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { ChatMessage } from "../llm/index.ts";
import { createResponseStore, type StoreLimits } from "./responses-store.ts";

const turn = (text: string, previous: string | null = null, keyId = "a") => ({
  keyId,
  previous,
  messages: [
    { role: "user", content: text },
    { role: "assistant", content: `echo: ${text}` },
  ] satisfies ChatMessage[],
});

const texts = (messages: ChatMessage[]) => messages.map((message) => message.content);

describe("the store of responses for previous_response_id", () => {
  test("a response's history is every turn of its chain, oldest first", () => {
    const store = createResponseStore(() => ({ maxResponses: 10, maxBytes: 1_000_000 }));
    store.put("r1", turn("one"));
    store.put("r2", turn("two", "r1"));
    const lookup = store.history("r2", "a");
    assert.ok(lookup.found);
    assert.deepEqual(texts(lookup.messages), ["one", "echo: one", "two", "echo: two"]);
  });

  test("another key's response is reported as unknown", () => {
    const store = createResponseStore(() => ({ maxResponses: 10, maxBytes: 1_000_000 }));
    store.put("r1", turn("secret", null, "a"));
    assert.deepEqual(store.history("r1", "b"), { found: false, missing: "r1" });
  });

  test("past the count the least recently used response goes first, and a lookup refreshes its chain", () => {
    const store = createResponseStore(() => ({ maxResponses: 3, maxBytes: 1_000_000 }));
    store.put("r1", turn("one"));
    store.put("r2", turn("two", "r1"));
    store.put("x", turn("other"));
    assert.ok(store.history("r2", "a").found);
    store.put("y", turn("newer"));
    assert.deepEqual(store.history("x", "a"), { found: false, missing: "x" });
    assert.ok(store.history("r2", "a").found);
    assert.equal(store.usage().responses, 3);
  });

  test("a chain whose earlier response was evicted names the missing link", () => {
    const store = createResponseStore(() => ({ maxResponses: 2, maxBytes: 1_000_000 }));
    store.put("r1", turn("one"));
    store.put("r2", turn("two", "r1"));
    store.put("z", turn("other"));
    assert.deepEqual(store.history("r2", "a"), { found: false, missing: "r1" });
  });

  test("past the byte bound old responses go, and one larger than the bound is not kept at all", () => {
    let limits: StoreLimits = { maxResponses: 100, maxBytes: 400 };
    const store = createResponseStore(() => limits);
    store.put("r1", turn("a".repeat(100)));
    store.put("r2", turn("b".repeat(100)));
    assert.equal(store.history("r1", "a").found, false);
    assert.ok(store.usage().bytes <= 400);
    store.put("big", turn("c".repeat(1000)));
    assert.equal(store.history("big", "a").found, false);
    assert.ok(store.history("r2", "a").found);
    limits = { maxResponses: 0, maxBytes: 400 };
    store.put("r3", turn("d"));
    assert.equal(store.history("r3", "a").found, false);
  });
});
