// `llmconf serve` with a budgeted key, called with the official Anthropic SDK as Claude Code calls it
// (max_tokens 32000, streamed): the worst cost a budget holds is the one of the max_tokens actually
// sent, capped to the model's output limit, even on the first request, before the model's catalog
// was ever loaded.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import Anthropic from "@anthropic-ai/sdk";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { type ServeProcess, startServe } from "./serve-cli.ts";

const budgetKey = "sk-gw-budget-messages-e2e-4444";
let upstream: FakeUpstream;
let serve: ServeProcess;

before(async () => {
  upstream = await startFakeUpstream();
  const dir = mkdtempSync(join(tmpdir(), "llmconf-messages-budget-e2e-"));
  // mistral-small-latest writes at most 16384 tokens: only the models.dev catalog says so, and the
  // gateway loads it on a model's first call. At $0.001 a token, 16384 output tokens cost $16.38 and
  // Claude Code's 32000 would cost $32: a budget of $20 covers the one the model can spend.
  writeFileSync(
    join(dir, "config.toml"),
    `[llm]
model = "openai/mistral-small-latest"
base_url = "${upstream.url}/v1"
api_key = "sk-upstream-budget-never-shown"
num_retries = 0
input_cost_per_token = 0.001
output_cost_per_token = 0.001

[gateway]
keys = [{ key = "${budgetKey}", name = "budgeted", max_budget = 20 }]
`,
  );
  serve = await startServe(dir);
});

after(async () => {
  await serve?.stop();
  await upstream?.close();
});

test("a budget that covers max_tokens capped to the model's output limit admits the request", async () => {
  const client = new Anthropic({
    baseURL: serve.baseURL.replace(/\/v1$/, ""),
    apiKey: budgetKey,
    maxRetries: 0,
  });
  // Streamed, as Claude Code asks (the SDK refuses so large a max_tokens without a stream).
  const message = await client.messages
    .stream({ model: "llm", max_tokens: 32000, messages: [{ role: "user", content: "within budget" }] })
    .finalMessage();
  assert.deepEqual(message.content, [{ type: "text", text: "echo: within budget" }]);
  const sent = upstream.requests[0]?.body as { max_tokens?: unknown } | undefined;
  assert.equal(sent?.max_tokens, 16384);
});
