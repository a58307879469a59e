import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadConfig } from "../config/load.ts";
import { isLoopback, startGateway } from "./serve.ts";

async function configWith(extra: string) {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-serve-"));
  writeFileSync(join(dir, "config.toml"), `[llm]\nmodel = "mock/echo"\n${extra}`);
  return { dir, config: await loadConfig({ cwd: dir, env: { HOME: dir }, userFiles: false }) };
}

test("a body over max_body_bytes is refused with a 413 before it is parsed", async () => {
  const { dir, config } = await configWith("[gateway]\nmax_body_bytes = 1024\n");
  const gateway = await startGateway({ config, port: 0, cwd: dir });
  try {
    const big = JSON.stringify({ model: "llm", messages: [{ role: "user", content: "x".repeat(2000) }] });
    const refused = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", body: big });
    assert.equal(refused.status, 413);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, "body_too_large");
    const small = JSON.stringify({ model: "llm", messages: [{ role: "user", content: "hi" }] });
    const answered = await fetch(`${gateway.url}/v1/chat/completions`, { method: "POST", body: small });
    assert.equal(answered.status, 200);
    assert.equal(answered.headers.get("content-length"), String((await answered.text()).length));
  } finally {
    await gateway.close();
  }
});

test("listening beyond loopback without keys is refused, with keys allowed", async () => {
  assert.equal(isLoopback("127.0.0.1"), true);
  assert.equal(isLoopback("::1"), true);
  assert.equal(isLoopback("0.0.0.0"), false);
  const open = await configWith("");
  await assert.rejects(
    startGateway({ config: open.config, host: "0.0.0.0", port: 0, cwd: open.dir }),
    /without client keys/,
  );
  const keyed = await configWith(`[gateway]\nkeys = [{ key = "sk-gateway-123456" }]\n`);
  const gateway = await startGateway({ config: keyed.config, host: "0.0.0.0", port: 0, cwd: keyed.dir });
  await gateway.close();
});
