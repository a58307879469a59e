import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { Agent } from "undici";
import { loadConfig } from "../config/load.ts";
import type { Llm } from "../llm/index.ts";
import type { AccessRecord } from "./access-log.ts";
import { createKeyTable } from "./auth.ts";
import type { Dialect } from "./dialect.ts";
import { GatewayError } from "./errors.ts";
import { isStreamedBody } from "./http.ts";
import { createMemoryLedger, type SpendStore } from "./ledger.ts";
import { admit, type RequestContext, serveWithRuntime } from "./pipeline.ts";
import { leaseRuntimeClient, runtimeClientKey } from "./runtime-clients.ts";

async function contextFor(keyIndex?: number): Promise<RequestContext & { spend: SpendStore }> {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-pipeline-"));
  writeFileSync(
    join(dir, "config.toml"),
    `[llm]
model = "mock/echo"
input_cost_per_token = 0.01
output_cost_per_token = 0.01
max_output_tokens = 10
temperature = 0.3
pinned_params = ["temperature"]

[llm.other]
model = "mock/echo"
pinned_params = []

[gateway]
keys = [{ key = "sk-a-1234567890", name = "a", configs = ["llm"], max_budget = 1 }]
`,
  );
  const config = await loadConfig({ cwd: dir, env: { HOME: dir }, userFiles: false });
  const keys = createKeyTable(config.gateway.keys);
  const record: AccessRecord = { method: "POST", path: "/x", status: 0, durationMs: 0 };
  return {
    config,
    key: keyIndex === undefined ? undefined : keys.keys[keyIndex],
    spend: createMemoryLedger(),
    env: {},
    dispatcher: new Agent(),
    signal: new AbortController().signal,
    now: () => performance.now(),
    wallClock: () => 0,
    receivedAt: performance.now(),
    record,
  };
}

const call = (model: string, stream = false) => ({
  model,
  params: { temperature: 0.9 },
  stream,
  includeUsage: false,
  messages: [{ role: "user" as const, content: "hello pipeline" }],
});

// A dialect that renders just enough to see what the pipeline handed it.
const plain: Dialect = {
  renderCompletion: (completion) => ({ text: completion.text }),
  createStreamRenderer: (model) => ({
    start: () => `start ${model}\n`,
    delta: (delta) => (delta.type === "text-delta" ? delta.text : ""),
    end: (completion) => `\nend ${completion.finishReason}`,
    error: (error) => `\nerror ${error.code}`,
  }),
};

describe("the shared request pipeline", () => {
  test("admits a request with the request's parameters laid under the config's pins", async () => {
    const context = await contextFor();
    const admission = await admit(call("default"), context, () => call("default"));
    assert.equal(admission.configName, "llm");
    assert.equal(admission.config.temperature, 0.3);
    assert.equal((await admit(call("other"), context, () => call("other"))).config.temperature, 0.9);
  });

  test("refuses an unknown config with a did-you-mean and a config the key may not use with a 403", async () => {
    const context = await contextFor(0);
    await assert.rejects(
      admit(call("othr"), context, () => call("othr")),
      (error: unknown) =>
        error instanceof GatewayError && error.status === 404 && /"other"/.test(error.message),
    );
    await assert.rejects(
      admit(call("other"), context, () => call("other")),
      (error: unknown) => error instanceof GatewayError && error.status === 403,
    );
  });

  test("charges the key once per request, however often the outcome is reported", async () => {
    const context = await contextFor(0);
    const admission = await admit(call("llm"), context, () => call("llm"));
    const outcome = { configName: "llm", usage: undefined, costUsd: 0.25 };
    admission.settle(outcome);
    admission.settle(outcome);
    assert.equal(await context.spend.spentUsd("a"), 0.25);
    assert.equal(context.record.costUsd, 0.25);
  });

  test("renders a whole answer through the dialect and charges what the runtime reported", async () => {
    const context = await contextFor(0);
    const admission = await admit(call("llm"), context, () => call("llm"));
    const response = await serveWithRuntime(call("llm"), plain, admission, context);
    assert.deepEqual(JSON.parse(String(response.body)), { text: "echo: hello pipeline" });
    assert.equal(response.headers["x-llmconf-config"], "llm");
    assert.ok((await context.spend.spentUsd("a")) > 0);
  });

  test("renders a stream through the dialect's renderer from start to end", async () => {
    const context = await contextFor();
    const admission = await admit(call("other", true), context, () => call("other", true));
    const response = await serveWithRuntime(call("other", true), plain, admission, context);
    assert.ok(isStreamedBody(response.body));
    let text = "";
    for await (const chunk of response.body) text += chunk;
    assert.equal(text, "start mock/echo\necho: hello pipeline\nend stop");
  });
});

describe("runtime clients kept per config", () => {
  test("a kept client serves each request with its own attempts and its own abort signal", async () => {
    const context = await contextFor();
    const first = await admit(call("other"), context, () => call("other"));
    const answered = await serveWithRuntime(call("other"), plain, first, context);
    assert.equal(answered.headers["x-llmconf-attempts"], "1");
    const key = runtimeClientKey("other", call("other").params, first.config);
    const lease = leaseRuntimeClient(context.config, context.env, key, "probe", () =>
      assert.fail("built again"),
    );
    lease.release();

    const aborted = new AbortController();
    aborted.abort();
    const gone = { ...context, signal: aborted.signal };
    const refused = await admit(call("other"), gone, () => call("other"));
    await assert.rejects(serveWithRuntime(call("other"), plain, refused, gone));

    const streams = await Promise.all(
      [1, 2].map(async () => {
        const admission = await admit(call("other", true), context, () => call("other", true));
        const response = await serveWithRuntime(call("other", true), plain, admission, context);
        let text = "";
        for await (const chunk of response.body as AsyncIterable<string>) text += chunk;
        return { attempts: response.headers["x-llmconf-attempts"], text };
      }),
    );
    const streamed = { attempts: "1", text: "start mock/echo\necho: hello pipeline\nend stop" };
    assert.deepEqual(streams, [streamed, streamed]);
  });

  test("clients are kept per loaded configuration, config name and request parameters", async () => {
    const context = await contextFor();
    const reloaded = await contextFor();
    const base = context.config.getLlmConfig("other");
    const built: string[] = [];
    const use = (loaded: object, key: string, label: string) =>
      leaseRuntimeClient(loaded, context.env, key, label, () => {
        built.push(label);
        return {} as Llm;
      }).release();
    const key = runtimeClientKey("other", {}, base);
    use(context.config, key, "first");
    use(context.config, key, "again");
    use(reloaded.config, key, "reloaded");
    use(context.config, runtimeClientKey("llm", {}, base), "other name");
    use(context.config, runtimeClientKey("other", { temperature: 1 }, { ...base, temperature: 1 }), "params");
    // Messages lowers max_output_tokens on the config itself, with the same request parameters.
    use(context.config, runtimeClientKey("other", {}, { ...base, max_output_tokens: 7 }), "capped");
    assert.deepEqual(built, ["first", "reloaded", "other name", "params", "capped"]);
  });

  test("a client serves one request at a time, and its events reach only the request it serves", async () => {
    const context = await contextFor();
    const key = runtimeClientKey("other", {}, context.config.getLlmConfig("other"));
    const clients: (() => string | undefined)[] = [];
    const lease = (borrower: string) =>
      leaseRuntimeClient(context.config, context.env, key, borrower, (borrowerOf) => {
        clients.push(borrowerOf);
        return { name: `client ${clients.length}` } as Llm;
      });
    const a = lease("a");
    const b = lease("b");
    assert.notEqual(a.llm, b.llm);
    assert.deepEqual(
      clients.map((borrowerOf) => borrowerOf()),
      ["a", "b"],
    );
    a.release();
    a.release();
    assert.equal(clients[0]?.(), undefined);
    const c = lease("c");
    assert.equal(c.llm, a.llm);
    assert.equal(clients[0]?.(), "c");
    assert.equal(clients.length, 2);
  });

  test("past 128 sets of parameters, the least recently used one's clients are dropped", async () => {
    const context = await contextFor();
    const base = context.config.getLlmConfig("other");
    const built: number[] = [];
    const use = (seed: number) =>
      leaseRuntimeClient(context.config, context.env, runtimeClientKey("other", { seed }, base), seed, () => {
        built.push(seed);
        return {} as Llm;
      }).release();
    for (let seed = 0; seed < 128; seed++) use(seed);
    use(0);
    use(128);
    built.length = 0;
    use(0);
    use(1);
    assert.deepEqual(built, [1]);
  });
});
