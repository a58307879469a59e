import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openFileLedger } from "./ledger.ts";

const entry = (keyId: string, usd: number, configName = "gpt3") => ({ keyId, configName, usd, at: 0 });

test("spend written to the ledger file is there again after a reopen, torn lines skipped", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "llmconf-ledger-")), "logs", "spend.jsonl");
  const first = openFileLedger(file);
  await first.settle(undefined, entry("team-a", 0.25));
  await first.settle(undefined, entry("team-b", 1));
  await first.settle(undefined, entry("team-a", 0.5, "claude"));
  await first.settle(undefined, entry("team-a", 0));
  await first.close();
  appendFileSync(file, '{"key":"team-a","usd":');
  const second = openFileLedger(file);
  assert.equal(await second.spentUsd("team-a"), 0.75);
  assert.equal(await second.spentUsd("team-b"), 1);
  assert.equal(await second.spentUsd("nobody"), 0);
  await second.settle(undefined, entry("team-b", 2));
  await second.close();
  assert.equal(await openFileLedger(file).spentUsd("team-b"), 3);
  assert.equal(
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => /"usd":\d/.test(line)).length,
    4,
  );
});

test("reservations are held per key until settled, and are not written to the file", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "llmconf-ledger-")), "spend.jsonl");
  const ledger = openFileLedger(file);
  const held = await ledger.reserve("team-a", 0.6, 1);
  assert.ok(held.ok);
  assert.deepEqual(await ledger.reserve("team-a", 0.6, 1), { ok: false, spentUsd: 0, reservedUsd: 0.6 });
  assert.ok((await ledger.reserve("team-b", 0.6, 1)).ok, "another key's hold is its own");
  await ledger.settle(held.id, entry("team-a", 0.5));
  assert.deepEqual(await ledger.reserve("team-a", 0.6, 1), { ok: false, spentUsd: 0.5, reservedUsd: 0 });
  assert.ok((await ledger.reserve("team-a", 0.5, 1)).ok);
  await ledger.close();
  assert.equal(await openFileLedger(file).spentUsd("team-a"), 0.5);
});
