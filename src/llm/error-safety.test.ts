// Every error the runtime throws is safe to print in each way a program may print it, even when the
// provider echoed the key back: message, the cause chain, util.inspect, JSON.stringify, console.error.
import assert from "node:assert/strict";
import { Console } from "node:console";
import { Writable } from "node:stream";
import { after, before, beforeEach, describe, test } from "node:test";
import { inspect } from "node:util";
import { llmSchema, type ResolvedLlmConfig } from "../config/schema.ts";
import { type FakeUpstream, startFakeUpstream } from "../fake-upstream/server.ts";
import { createLlm } from "./client.ts";
import { LlmError, toLlmError } from "./errors.ts";
import { ProviderErrorCause } from "./safe-cause.ts";

const SECRET = "sk-echoed-by-upstream-5150";
const HEADER_SECRET = "hdr-credential-8086";

let upstream: FakeUpstream;
before(async () => {
  upstream = await startFakeUpstream();
});
after(() => upstream.close());
beforeEach(() => upstream.reset());

function configOf(fields: Record<string, unknown>): ResolvedLlmConfig {
  return llmSchema.parse({ num_retries: 2, retry_min_wait: 1, retry_max_wait: 1, ...fields });
}

/** Everything a program could print of an error, in one text. */
function everyRendering(error: unknown): string {
  let printed = "";
  const sink = new Writable({
    write(chunk, _encoding, done) {
      printed += String(chunk);
      done();
    },
  });
  new Console({ stdout: sink, stderr: sink }).error(error);
  const chain: string[] = [];
  for (let link: unknown = error; link !== undefined && link !== null; link = (link as Error).cause) {
    chain.push(String((link as Error).message), String((link as Error).stack), JSON.stringify(link) ?? "");
  }
  return [
    printed,
    inspect(error, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
    JSON.stringify(error),
    String(error),
    ...chain,
  ].join("\n");
}

async function failureOf(config: ResolvedLlmConfig, env: Record<string, string> = {}): Promise<LlmError> {
  const llm = createLlm(config, { env, sleep: async () => {} });
  try {
    await llm.complete({ messages: [{ role: "user", content: "hi" }] });
  } catch (error) {
    assert.ok(error instanceof LlmError, `expected an LlmError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the call to fail");
}

describe("an error after the provider echoed the key", () => {
  const wires = [
    ["OpenAI", { model: "openai/fake-model", base_url: `{url}/v1` }],
    ["Anthropic", { model: "anthropic/claude-3-5-sonnet-20241022", base_url: "{url}" }],
  ] as const;
  for (const [wire, fields] of wires) {
    test(`holds no key in any rendering (${wire} wire, api_key in the config)`, async () => {
      upstream.enqueue({ status: 401, echoCredential: true });
      const error = await failureOf(
        configOf({ ...fields, base_url: fields.base_url.replace("{url}", upstream.url), api_key: SECRET }),
      );
      assert.equal(error.kind, "authentication");
      assert.ok(error.cause instanceof ProviderErrorCause, "the raw provider error is not kept");
      const text = everyRendering(error);
      assert.ok(!text.includes(SECRET), text);
      assert.match(text, /Incorrect API key provided: \*{10}/);
    });
  }

  test("holds no key through a retried failure (RetriesExhaustedError and its causes)", async () => {
    upstream.enqueue({ status: 500, echoCredential: true }, { status: 500, echoCredential: true });
    const error = await failureOf(
      configOf({ model: "openai/fake-model", base_url: `${upstream.url}/v1`, api_key: SECRET }),
    );
    assert.equal(error.kind, "retries_exhausted");
    assert.ok(error.cause instanceof LlmError);
    assert.ok(!everyRendering(error).includes(SECRET));
  });

  test("holds no credential sent as an extra header from completion_kwargs", async () => {
    upstream.enqueue({ status: 400, message: `bad header Authorization: Bearer ${HEADER_SECRET}` });
    const error = await failureOf(
      configOf({
        model: "openai/fake-model",
        base_url: `${upstream.url}/v1`,
        api_key: SECRET,
        completion_kwargs: { extra_headers: { Authorization: `Bearer ${HEADER_SECRET}` } },
      }),
    );
    const text = everyRendering(error);
    assert.ok(!text.includes(HEADER_SECRET), text);
  });
});

describe("toLlmError", () => {
  test("keeps the provider's facts, redacted, in place of its raw error", () => {
    const thrown = Object.assign(new Error(`Incorrect API key provided: ${SECRET}`), {
      name: "AI_APICallError",
      statusCode: 401,
      url: `https://api.example/v1/chat?api_key=${SECRET}`,
      responseBody: JSON.stringify({ error: { message: `key ${SECRET}` } }),
      requestBodyValues: { messages: [{ role: "user", content: "private prompt" }] },
      responseHeaders: { "set-cookie": SECRET },
      cause: new Error(`inner ${SECRET}`),
    });
    const error = toLlmError(thrown, { configName: "llm", model: "m", secrets: [SECRET] });
    const cause = error.cause as ProviderErrorCause;
    assert.equal(cause.name, "AI_APICallError");
    assert.equal(cause.statusCode, 401);
    assert.match(cause.responseBody ?? "", /key \*{10}/);
    assert.equal((cause as unknown as Record<string, unknown>).requestBodyValues, undefined);
    assert.equal((cause.cause as Error).message, "inner **********");
    const text = everyRendering(error);
    assert.ok(!text.includes(SECRET), text);
    assert.ok(!text.includes("private prompt"), text);
  });

  test("turns a thrown non-error value into a redacted cause", () => {
    const error = toLlmError(`boom ${SECRET}`, { configName: "llm", model: "m", secrets: [SECRET] });
    assert.ok(!everyRendering(error).includes(SECRET));
  });
});
