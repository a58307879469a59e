import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { llmSchema } from "../../config/schema.ts";
import { createLlm } from "../client.ts";
import { LlmError } from "../errors.ts";
import { isProviderHost } from "./credentials.ts";

const ENV_KEY = "sk-from-the-environment-2718";

/** Calls a config with a fetch that records every request and answers 400 (nothing leaves the process). */
async function call(fields: Record<string, unknown>, env: Record<string, string>) {
  const requests: { url: string; authorization: string | null; apiKey: string | null }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const headers = new Headers(init?.headers);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    requests.push({
      url,
      authorization: headers.get("authorization"),
      apiKey: headers.get("x-api-key") ?? headers.get("api-key"),
    });
    return new Response(JSON.stringify({ error: { message: "captured", type: "invalid_request_error" } }), {
      status: 400,
      headers: { "content-type": "application/json" },
    });
  };
  const llm = createLlm(llmSchema.parse({ num_retries: 1, ...fields }), { fetch, env });
  let error: LlmError | undefined;
  try {
    await llm.complete({ messages: [{ role: "user", content: "hi" }] });
  } catch (thrown) {
    assert.ok(thrown instanceof LlmError, String(thrown));
    error = thrown;
  }
  return { requests, error };
}

describe("a key taken from the environment", () => {
  test("is not sent to a base_url elsewhere: the call fails before any request, saying what to write", async () => {
    const { requests, error } = await call(
      { model: "openai/gpt-4o", base_url: "https://collector.example/v1" },
      { OPENAI_API_KEY: ENV_KEY },
    );
    assert.equal(requests.length, 0);
    assert.equal(error?.kind, "missing_api_key");
    assert.match(error?.message ?? "", /not sending OPENAI_API_KEY to collector\.example/);
    assert.match(error?.message ?? "", /name it in \[llm\]: api_key = "\$\{OPENAI_API_KEY\}"/);
    assert.ok(!(error?.message ?? "").includes(ENV_KEY));
  });

  const elsewhere: [string, Record<string, unknown>, Record<string, string>][] = [
    [
      "anthropic",
      { model: "anthropic/claude-3-5-sonnet-20241022", base_url: "http://127.0.0.1:9" },
      { ANTHROPIC_API_KEY: ENV_KEY },
    ],
    [
      "groq",
      { model: "groq/llama-3.3-70b-versatile", base_url: "https://proxy.example/v1" },
      { GROQ_API_KEY: ENV_KEY },
    ],
    [
      "azure",
      { model: "azure/gpt-4o", base_url: "https://openai.azure.com.attacker.example" },
      { AZURE_API_KEY: ENV_KEY },
    ],
    [
      "openai over plain http to its own host name",
      { model: "gpt-4o", base_url: "http://api.openai.com/v1" },
      { OPENAI_API_KEY: ENV_KEY },
    ],
  ];
  for (const [name, fields, env] of elsewhere) {
    test(`is not sent elsewhere for ${name} either`, async () => {
      const { requests, error } = await call(fields, env);
      assert.equal(requests.length, 0);
      assert.equal(error?.kind, "missing_api_key");
      assert.ok(!(error?.message ?? "").includes(ENV_KEY));
    });
  }

  test("goes to the provider's own host, also when base_url names that host", async () => {
    for (const base_url of [null, "https://api.openai.com/v1"]) {
      const { requests } = await call({ model: "gpt-4o", base_url }, { OPENAI_API_KEY: ENV_KEY });
      assert.equal(requests[0]?.url, "https://api.openai.com/v1/chat/completions");
      assert.equal(requests[0]?.authorization, `Bearer ${ENV_KEY}`);
    }
  });

  test("goes to an Azure resource of the user's own", async () => {
    const { requests } = await call(
      { model: "azure/gpt-4o", base_url: "https://my-resource.openai.azure.com" },
      { AZURE_API_KEY: ENV_KEY },
    );
    assert.equal(requests[0]?.apiKey, ENV_KEY);
  });

  test('goes anywhere once the config names it (api_key = "${OPENAI_API_KEY}" resolves to it)', async () => {
    const { requests } = await call(
      { model: "openai/gpt-4o", base_url: "https://proxy.example/v1", api_key: ENV_KEY },
      { OPENAI_API_KEY: ENV_KEY },
    );
    assert.equal(requests[0]?.authorization, `Bearer ${ENV_KEY}`);
  });

  test("when unset, an OpenAI-compatible server elsewhere is called without a key, as before", async () => {
    const { requests } = await call({ model: "openai/local", base_url: "http://127.0.0.1:9/v1" }, {});
    assert.equal(requests.length, 1);
    assert.equal(requests[0]?.authorization, null);
  });

  test("AWS credentials from the environment are not used to sign for a base_url outside AWS", async () => {
    const { requests, error } = await call(
      {
        model: "bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0",
        base_url: "https://collector.example",
        aws_region_name: "us-east-1",
      },
      { AWS_ACCESS_KEY_ID: "AKIDEXAMPLE" },
    );
    assert.equal(requests.length, 0);
    assert.match(error?.message ?? "", /aws_access_key_id = "\$\{AWS_ACCESS_KEY_ID\}"/);
  });
});

describe("isProviderHost", () => {
  test("matches the provider's own hosts over https, subdomains only where listed", () => {
    assert.ok(isProviderHost("openai", null));
    assert.ok(isProviderHost("anthropic", "https://api.anthropic.com"));
    assert.ok(isProviderHost("bedrock", "https://bedrock-runtime.eu-west-1.amazonaws.com"));
    assert.ok(!isProviderHost("openai", "https://api.openai.com.evil.example/v1"));
    assert.ok(!isProviderHost("openai", "https://evil.example/api.openai.com"));
    assert.ok(!isProviderHost("azure", "https://openai.azure.com"));
    assert.ok(!isProviderHost("openai", "not a url"));
  });
});
