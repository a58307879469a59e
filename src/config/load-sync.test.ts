import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { ConfigError } from "./issues.ts";
import { loadConfig } from "./load.ts";
import { loadConfigSync } from "./load-sync.ts";

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "llmconf-load-sync-"));
});
after(() => rm(dir, { recursive: true, force: true }));

test("loadConfigSync resolves a file exactly as loadConfig does", async () => {
  const file = join(dir, "good.toml");
  await writeFile(file, '[llm]\nmodel = "gpt-4o"\n\n[llm.cheap]\nmodel = "gpt-4o-mini"\ntemperature = 0.3\n');
  const options = { configFile: file, cwd: dir, env: { LLM_TOP_P: "0.5" }, userFiles: false };
  const sync = loadConfigSync(options);
  const async = await loadConfig(options);
  assert.deepEqual(sync.llms, async.llms);
  assert.equal(sync.getLlmConfig("cheap").top_p, 0.5);
  assert.deepEqual(sync.files, async.files);
});

test("loadConfigSync throws the same located ConfigError as loadConfig", async () => {
  const file = join(dir, "bad.toml");
  await writeFile(file, '[llm]\nmodel = "gpt-4o"\n\n[llm.fast]\ntemprature = 0.3\nnum_retries = "many"\n');
  const options = { configFile: file, cwd: dir, env: {}, userFiles: false };
  const thrown = (() => {
    try {
      loadConfigSync(options);
    } catch (error) {
      return error;
    }
  })();
  assert.ok(thrown instanceof ConfigError);
  await assert.rejects(loadConfig(options), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.deepEqual(thrown.issues, error.issues);
    return true;
  });
  assert.deepEqual(
    thrown.issues.map((issue) => [issue.line, issue.key]),
    [
      [5, "temprature"],
      [6, "num_retries"],
    ],
  );
});
