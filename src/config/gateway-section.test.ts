import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { ConfigError, formatIssue } from "./issues.ts";
import { loadConfig } from "./load.ts";
import { maskSecrets } from "./secrets.ts";

async function loadText(text: string, env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-gateway-"));
  writeFileSync(join(dir, "config.toml"), text);
  return loadConfig({ cwd: dir, env: { HOME: dir, ...env }, userFiles: false });
}

async function errorsOf(text: string): Promise<string[]> {
  try {
    await loadText(text);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues.map((issue) => formatIssue(issue, {}));
    throw error;
  }
  return assert.fail("expected a ConfigError");
}

describe("[gateway]", () => {
  test("defaults to loopback on port 4000 with no keys and a 10 s shutdown grace", async () => {
    const config = await loadText("[llm]\nmodel = 'gpt-4o'\n");
    assert.equal(config.gateway.host, "127.0.0.1");
    assert.equal(config.gateway.port, 4000);
    assert.deepEqual(config.gateway.keys, []);
    assert.equal(config.gateway.shutdown_grace_seconds, 10);
  });

  test("reads keys through ${VAR}, defaults their configs to every config, and masks them", async () => {
    const config = await loadText(
      `[llm.gpt3]\nmodel = "gpt-4o-mini"\n[gateway]\nkeys = [{ key = "\${TEAM_KEY}", max_budget = 5.0 }]\n`,
      { TEAM_KEY: "sk-team-123456" },
    );
    assert.equal(config.gateway.keys[0]?.key, "sk-team-123456");
    assert.deepEqual(config.gateway.keys[0]?.configs, ["*"]);
    assert.equal(config.gateway.keys[0]?.max_budget, 5);
    assert.equal(maskSecrets(config.gateway).keys[0]?.key, "**********");
  });

  test("a key naming an unknown config is a located error with a did-you-mean", async () => {
    const errors = await errorsOf(
      `[llm.gpt3]\nmodel = "gpt-4o-mini"\n\n[gateway]\nkeys = [{ key = "sk-abcdefgh", configs = ["gtp3"] }]\n`,
    );
    assert.equal(errors.length, 1);
    assert.match(
      errors[0] ?? "",
      /config\.toml:5:\d+: error: unknown LLM config "gtp3" in \[gateway\]; did you mean "gpt3"\?/,
    );
  });

  test("a misspelt gateway key and an out-of-range port are located errors", async () => {
    const errors = await errorsOf(`[gateway]\nprot = 4000\nport = 70000\n`);
    assert.equal(errors.length, 2);
    assert.match(
      errors.join("\n"),
      /config\.toml:2:1: error: unknown key "prot" in \[gateway\]; did you mean "port"\?/,
    );
    assert.match(errors.join("\n"), /config\.toml:3:1: error: .*port/);
  });

  test("pinned_params accepts only the parameters a request can override", async () => {
    const errors = await errorsOf(`[llm]\npinned_params = ["temprature"]\n`);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? "", /pinned_params/);
  });

  test("redis_url takes redis:// and rediss:// URLs with the password masked; anything else is a located error", async () => {
    const config = await loadText(
      `[gateway]\nredis_url = "rediss://:\${REDIS_PASSWORD}@cache.internal:6380/2"\n`,
      {
        REDIS_PASSWORD: "pw-do-not-show",
      },
    );
    assert.equal(config.gateway.redis_url, "rediss://:pw-do-not-show@cache.internal:6380/2");
    assert.equal(maskSecrets(config.gateway).redis_url, "rediss://:**********@cache.internal:6380/2");
    assert.equal((await loadText("[llm]\nmodel = 'gpt-4o'\n")).gateway.redis_url, null);
    const errors = await errorsOf(`[gateway]\nredis_url = "http://:pw-do-not-show@127.0.0.1:6379"\n`);
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? "", /config\.toml:2:1: error: .*redis_url.*redis:\/\/127\.0\.0\.1:6379/);
    assert.ok(!errors[0]?.includes("pw-do-not-show"), errors[0]);
  });
});
