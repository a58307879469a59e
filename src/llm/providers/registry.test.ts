import assert from "node:assert/strict";
import { test } from "node:test";
import { llmSchema } from "../../config/schema.ts";
import { createLlm } from "../client.ts";
import { LlmError } from "../errors.ts";

interface Captured {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** A fetch that records the request and answers 400, so each provider's request shape can be checked offline. */
function captureFetch(): { fetch: typeof globalThis.fetch; requests: Captured[] } {
  const requests: Captured[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => {
      headers[key] = value;
    });
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    requests.push({ url, headers, body: JSON.parse(String(init?.body ?? "{}")) });
    return new Response(JSON.stringify({ error: { message: "captured", type: "invalid_request_error" } }), {
      status: 400,
      headers: { "content-type": "application/json" },
    });
  };
  return { fetch, requests };
}

async function capture(fields: Record<string, unknown>, env: Record<string, string> = {}): Promise<Captured> {
  const { fetch, requests } = captureFetch();
  const llm = createLlm(llmSchema.parse({ api_key: "key-123456", num_retries: 1, ...fields }), {
    fetch,
    env,
  });
  await assert.rejects(
    llm.complete({ messages: [{ role: "user", content: "hi" }] }),
    (error: unknown) => error instanceof LlmError && error.status === 400,
  );
  assert.equal(requests.length, 1);
  return requests[0] as Captured;
}

const compatibleHosts: [string, string, string][] = [
  [
    "groq/llama-3.3-70b-versatile",
    "https://api.groq.com/openai/v1/chat/completions",
    "llama-3.3-70b-versatile",
  ],
  ["deepseek/deepseek-chat", "https://api.deepseek.com/v1/chat/completions", "deepseek-chat"],
  ["xai/grok-3", "https://api.x.ai/v1/chat/completions", "grok-3"],
  [
    "openrouter/anthropic/claude-3.5-sonnet",
    "https://openrouter.ai/api/v1/chat/completions",
    "anthropic/claude-3.5-sonnet",
  ],
];

for (const [model, url, modelId] of compatibleHosts) {
  test(`${model.split("/")[0]} models go to ${new URL(url).host} with a bearer key`, async () => {
    const request = await capture({ model });
    assert.equal(request.url, url);
    assert.equal(request.body.model, modelId);
    assert.equal(request.headers.authorization, "Bearer key-123456");
  });
}

test("openrouter requests carry the attribution headers from openrouter_site_url and openrouter_app_name", async () => {
  const request = await capture({
    model: "openrouter/openai/gpt-4o",
    openrouter_site_url: "https://example.org/",
    openrouter_app_name: "MyApp",
  });
  assert.equal(request.headers["http-referer"], "https://example.org/");
  assert.equal(request.headers["x-title"], "MyApp");
});

test("ollama models use ollama_base_url's OpenAI-compatible endpoint and need no key", async () => {
  const request = await capture({
    model: "ollama/llama3:8b",
    api_key: null,
    ollama_base_url: "http://gpu-box:11434/",
  });
  assert.equal(request.url, "http://gpu-box:11434/v1/chat/completions");
  assert.equal(request.body.model, "llama3:8b");
  assert.equal(request.headers.authorization, undefined);
});

test("azure models call the deployment URL with api_version, defaulting to 2024-12-01-preview", async () => {
  const request = await capture({ model: "azure/my-gpt4o", base_url: "https://res.openai.azure.com" });
  assert.equal(
    request.url,
    "https://res.openai.azure.com/openai/deployments/my-gpt4o/chat/completions?api-version=2024-12-01-preview",
  );
  assert.equal(request.headers["api-key"], "key-123456");
  const pinned = await capture({
    model: "azure/my-gpt4o",
    base_url: "https://res.openai.azure.com",
    api_version: "2025-01-01",
  });
  assert.match(pinned.url, /api-version=2025-01-01$/);
});

test("gemini models call generateContent with the key header and safety settings", async () => {
  const request = await capture({
    model: "gemini/gemini-2.0-flash",
    safety_settings: [{ category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" }],
  });
  assert.equal(
    request.url,
    "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent",
  );
  assert.equal(request.headers["x-goog-api-key"], "key-123456");
  assert.deepEqual(request.body.safetySettings, [
    { category: "HARM_CATEGORY_HARASSMENT", threshold: "BLOCK_NONE" },
  ]);
});

test("gemini 2.5 pro with no reasoning_effort thinks on a 128-token budget, as in OpenHands", async () => {
  const request = await capture({ model: "gemini/gemini-2.5-pro" });
  const config = request.body.generationConfig as { thinkingConfig?: { thinkingBudget?: number } };
  assert.equal(config.thinkingConfig?.thinkingBudget, 128);
});

test("mistral models call the Mistral chat API with temperature and top_p", async () => {
  const request = await capture({ model: "mistral/mistral-large-latest", temperature: 0.2, top_p: 0.8 });
  assert.equal(request.url, "https://api.mistral.ai/v1/chat/completions");
  assert.equal(request.body.temperature, 0.2);
  assert.equal(request.body.top_p, 0.8);
});

test("bedrock models are SigV4-signed in aws_region_name, never sending the secret key", async () => {
  const request = await capture({
    model: "bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0",
    api_key: null,
    aws_access_key_id: "AKIDEXAMPLE",
    aws_secret_access_key: "wJalrXUtnFEMI-very-secret",
    aws_region_name: "eu-west-1",
    completion_kwargs: { top_k: 5 },
  });
  assert.equal(
    request.url,
    "https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse",
  );
  assert.match(request.headers.authorization ?? "", /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//);
  assert.equal(JSON.stringify(request).includes("wJalrXUtnFEMI-very-secret"), false);
  assert.deepEqual(request.body.additionalModelRequestFields, { top_k: 5 });
});

test("openai models without base_url call api.openai.com with OPENAI_API_KEY from the environment", async () => {
  const request = await capture(
    { model: "gpt-4o", api_key: null, completion_kwargs: { logprobs: true } },
    { OPENAI_API_KEY: "env-key-7890" },
  );
  assert.equal(request.url, "https://api.openai.com/v1/chat/completions");
  assert.equal(request.headers.authorization, "Bearer env-key-7890");
  assert.equal(request.body.logprobs, true);
});

test("openai reasoning models get reasoning_effort and no temperature", async () => {
  const request = await capture({ model: "o3-mini", reasoning_effort: "low" });
  assert.equal(request.body.reasoning_effort, "low");
  assert.equal(request.body.temperature, undefined);
});

test("custom_llm_provider overrides the inferred provider", async () => {
  const request = await capture({ model: "my-model", custom_llm_provider: "groq" });
  assert.equal(request.url, "https://api.groq.com/openai/v1/chat/completions");
  assert.equal(request.body.model, "my-model");
});
