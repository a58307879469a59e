import assert from "node:assert/strict";
import { appendFileSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openFileLedger } from "./ledger.ts";

test("spend written to the ledger file is there again after a reopen, torn lines skipped", async () => {
  const file = join(mkdtempSync(join(tmpdir(), "llmconf-ledger-")), "logs", "spend.jsonl");
  const first = openFileLedger(file);
  first.record({ keyId: "team-a", configName: "gpt3", usd: 0.25, at: 0 });
  first.record({ keyId: "team-b", configName: "gpt3", usd: 1, at: 0 });
  first.record({ keyId: "team-a", configName: "claude", usd: 0.5, at: 0 });
  await first.close();
  appendFileSync(file, '{"key":"team-a","usd":');
  const second = openFileLedger(file);
  assert.equal(await second.spentUsd("team-a"), 0.75);
  assert.equal(await second.spentUsd("team-b"), 1);
  assert.equal(await second.spentUsd("nobody"), 0);
  second.record({ keyId: "team-b", configName: "gpt3", usd: 2, at: 0 });
  await second.close();
  assert.equal(await openFileLedger(file).spentUsd("team-b"), 3);
  assert.ok(!readFileSync(file, "utf8").includes("sk-"));
});
