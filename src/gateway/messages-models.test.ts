import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { loadConfig } from "../config/load.ts";
import { createGatewayApp } from "./app.ts";
import { GatewayError } from "./errors.ts";
import { createMemoryLedger } from "./ledger.ts";
import { listAnthropicModels, wantsAnthropicShape } from "./messages-models.ts";
import { createGatewayMetrics } from "./metrics.ts";
import { createSnapshot } from "./snapshot.ts";

async function configWith(names: string[], extra = "") {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-messages-models-"));
  const sections = names.map((name) => `[llm.${name}]\nmodel = "mock/echo"\nmax_output_tokens = 99\n`);
  writeFileSync(join(dir, "config.toml"), `[llm]\nmodel = "mock/echo"\n${sections.join("")}${extra}`);
  return loadConfig({ cwd: dir, env: { HOME: dir }, userFiles: false });
}

async function appWith(names: string[], extra = "") {
  const snapshot = createSnapshot(await configWith(names, extra));
  return createGatewayApp({
    getSnapshot: () => snapshot,
    spend: createMemoryLedger(),
    metrics: createGatewayMetrics({ defaultMetrics: false }),
    env: {},
  });
}

/** GETs a path from the app and returns its status and parsed body. */
async function get(app: Awaited<ReturnType<typeof appWith>>, url: string, headers: Record<string, string>) {
  const [path = "", query = ""] = url.split("?");
  const response = await app.handle({
    method: "GET",
    path,
    query,
    headers,
    body: Buffer.alloc(0),
    signal: new AbortController().signal,
    receivedAt: performance.now(),
  });
  response.onFinished?.({ completed: true });
  return { status: response.status, body: JSON.parse(String(response.body)) };
}

const anthropic = { "anthropic-version": "2023-06-01" };

const all = () => true;
const ids = (page: { data: { id: string }[] }) => page.data.map((model) => model.id);

describe("Anthropic's /v1/models", () => {
  test("the Anthropic shape is chosen by anthropic-version, or x-api-key without Authorization", () => {
    assert.equal(wantsAnthropicShape("/v1/models", { "anthropic-version": "2023-06-01" }), true);
    assert.equal(wantsAnthropicShape("/v1/models", { "x-api-key": "k" }), true);
    assert.equal(wantsAnthropicShape("/v1/models", { "x-api-key": "k", authorization: "Bearer k" }), false);
    assert.equal(wantsAnthropicShape("/v1/models", { authorization: "Bearer k" }), false);
    assert.equal(wantsAnthropicShape("/v1/messages", {}), true);
    assert.equal(wantsAnthropicShape("/v1/messages/count_tokens", {}), true);
  });

  test("every allowed config is a type: model entry with first_id, last_id and has_more", async () => {
    const config = await configWith(["fast", "smart"]);
    const page = listAnthropicModels(config, (name) => name !== "smart", new URLSearchParams());
    assert.deepEqual(page, {
      data: [
        {
          type: "model",
          id: "llm",
          display_name: "llm",
          created_at: "1970-01-01T00:00:00Z",
          max_input_tokens: null,
          max_tokens: null,
        },
        {
          type: "model",
          id: "fast",
          display_name: "fast",
          created_at: "1970-01-01T00:00:00Z",
          max_input_tokens: null,
          max_tokens: 99,
        },
      ],
      has_more: false,
      first_id: "llm",
      last_id: "fast",
    });
  });

  test("limit, after_id and before_id page through the list as Anthropic's API does", async () => {
    const config = await configWith(["a", "b", "c", "d"]);
    const first = listAnthropicModels(config, all, new URLSearchParams("limit=2"));
    assert.deepEqual(ids(first), ["llm", "a"]);
    assert.equal(first.has_more, true);
    const second = listAnthropicModels(config, all, new URLSearchParams("limit=2&after_id=a"));
    assert.deepEqual(ids(second), ["b", "c"]);
    const last = listAnthropicModels(config, all, new URLSearchParams("limit=2&after_id=c"));
    assert.deepEqual(ids(last), ["d"]);
    assert.equal(last.has_more, false);
    const back = listAnthropicModels(config, all, new URLSearchParams("limit=2&before_id=c"));
    assert.deepEqual(ids(back), ["a", "b"]);
    assert.equal(back.has_more, true);
  });

  test("a bad limit or an unknown after_id is a 400 naming it", async () => {
    const config = await configWith([]);
    for (const [query, param] of [
      ["limit=0", "limit"],
      ["limit=abc", "limit"],
      ["after_id=nope", "after_id"],
    ]) {
      assert.throws(
        () => listAnthropicModels(config, all, new URLSearchParams(query)),
        (error: unknown) => error instanceof GatewayError && error.status === 400 && error.param === param,
      );
    }
  });
});

describe("the gateway's model routes in both shapes", () => {
  test("GET /v1/models answers Anthropic clients in Anthropic's shape and others in OpenAI's", async () => {
    const app = await appWith(["fast"]);
    const asAnthropic = await get(app, "/v1/models?limit=1", anthropic);
    assert.equal(asAnthropic.status, 200);
    assert.deepEqual(ids(asAnthropic.body), ["llm"]);
    assert.equal(asAnthropic.body.has_more, true);
    const asOpenAi = await get(app, "/v1/models", {});
    assert.equal(asOpenAi.body.object, "list");
    assert.deepEqual(ids(asOpenAi.body), ["llm", "fast"]);
  });

  test("GET /v1/models/{id} retrieves one config; an unknown one is a 404 in the client's shape", async () => {
    const app = await appWith(["fast"]);
    const one = await get(app, "/v1/models/fast", anthropic);
    assert.equal(one.body.type, "model");
    assert.equal(one.body.max_tokens, 99);
    assert.equal((await get(app, "/v1/models/fast", {})).body.object, "model");
    const missing = await get(app, "/v1/models/fsat", anthropic);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.type, "error");
    assert.equal(missing.body.error.type, "not_found_error");
    assert.match(missing.body.error.message, /did you mean "fast"/);
    const missingOpenAi = await get(app, "/v1/models/fsat", {});
    assert.equal(missingOpenAi.body.error.code, "model_not_found");
  });

  test("a wrong x-api-key is a 401 authentication_error; a key lists and retrieves only its configs", async () => {
    const app = await appWith(
      ["fast", "smart"],
      `[gateway]\nkeys = [{ key = "sk-fast-only-1234", configs = ["fast"] }]\n`,
    );
    const wrong = await get(app, "/v1/models", { "x-api-key": "sk-nope" });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, {
      type: "error",
      error: { type: "authentication_error", message: "invalid API key" },
    });
    const mine = await get(app, "/v1/models", { "x-api-key": "sk-fast-only-1234" });
    assert.deepEqual(ids(mine.body), ["fast"]);
    const other = await get(app, "/v1/models/smart", { "x-api-key": "sk-fast-only-1234" });
    assert.equal(other.status, 403);
    assert.equal(other.body.error.type, "permission_error");
  });
});
