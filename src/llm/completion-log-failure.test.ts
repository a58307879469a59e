// A completion-log folder that cannot be written: the answer still arrives, and the failure is
// reported once, naming the folder, however many calls follow.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { llmSchema } from "../config/schema.ts";
import { createLlm, type LlmEvent } from "./client.ts";

test("an unwritable completion-log folder is reported once, naming the folder, and answers still arrive", async () => {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-log-failure-"));
  const blocker = join(dir, "a-file");
  writeFileSync(blocker, "not a folder");
  const folder = join(blocker, "logs");
  const events: LlmEvent[] = [];
  const llm = createLlm(
    llmSchema.parse({ model: "mock/echo", log_completions: true, log_completions_folder: folder }),
    { name: "fast", env: {}, onEvent: (event) => events.push(event) },
  );
  for (const text of ["one", "two", "three"]) {
    const completion = await llm.complete({ messages: [{ role: "user", content: text }] });
    assert.equal(completion.text, `echo: ${text}`);
  }
  const failures = events.filter((event) => event.type === "log-failed");
  assert.equal(failures.length, 1);
  assert.deepEqual(
    failures.map((event) => event.type === "log-failed" && [event.configName, event.folder]),
    [["fast", folder]],
  );
});
