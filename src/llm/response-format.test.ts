import assert from "node:assert/strict";
import { after, before, beforeEach, test } from "node:test";
import { llmSchema } from "../config/schema.ts";
import { type FakeUpstream, startFakeUpstream } from "../fake-upstream/server.ts";
import { createLlm } from "./client.ts";
import type { ResponseFormat } from "./completion.ts";
import type { ChatMessage } from "./messages.ts";
import type { ProviderModel } from "./providers/registry.ts";
import { prepareCall } from "./request.ts";
import { withJsonInstruction } from "./response-format.ts";

let upstream: FakeUpstream;
before(async () => {
  upstream = await startFakeUpstream();
});
after(() => upstream.close());
beforeEach(() => upstream.reset());

const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
const format: ResponseFormat = { type: "json", schema, name: "place" };
const hi: ChatMessage[] = [{ role: "user", content: "where?" }];
type Target = Pick<ProviderModel, "provider" | "optionsKey" | "openAiCompatible">;

test("OpenAI and Anthropic get the schema as the provider's own response format, the prompt untouched", () => {
  const targets: Target[] = [
    { provider: "openai", optionsKey: "openai", openAiCompatible: false },
    { provider: "anthropic", optionsKey: "anthropic", openAiCompatible: false },
  ];
  for (const target of targets) {
    const config = llmSchema.parse({ model: target.provider === "openai" ? "gpt-4o" : "claude-3-5-haiku" });
    const { options, sentMessages, notes } = prepareCall(config, "t", target, {
      messages: hi,
      responseFormat: format,
    });
    assert.deepEqual(options.responseFormat, format);
    assert.deepEqual(sentMessages, hi);
    assert.deepEqual(notes, []);
  }
});

test("the schema goes into the existing system message, or a new one, when the provider cannot take it", () => {
  const withSystem = withJsonInstruction([{ role: "system", content: "Be brief." }, ...hi], format);
  assert.equal(withSystem.length, 2);
  assert.match(withSystem[0]?.content as string, /^Be brief\.\n\nAnswer with a single JSON value/);
  assert.match(withSystem[0]?.content as string, /"required":\["city"\]/);
  const withoutSystem = withJsonInstruction(hi, { type: "json" });
  assert.deepEqual(withoutSystem[1], hi[0]);
  assert.equal(withoutSystem[0]?.role, "system");
  assert.doesNotMatch(withoutSystem[0]?.content as string, /JSON Schema/);
});

test("an OpenAI-compatible server gets JSON mode over the wire and the schema as an instruction", async () => {
  upstream.enqueue({ text: '{"city":"Paris"}' });
  const llm = createLlm(
    llmSchema.parse({ model: "openai/fake-model", base_url: `${upstream.url}/v1`, api_key: "k" }),
    { env: {} },
  );
  const completion = await llm.complete({ messages: hi, responseFormat: format });
  assert.equal(completion.text, '{"city":"Paris"}');
  assert.match(completion.notes.join(), /response schema sent as an instruction/);
  const body = upstream.requests[0]?.body as { response_format: unknown; messages: { content: string }[] };
  assert.deepEqual(body.response_format, { type: "json_object" });
  assert.match(body.messages[0]?.content ?? "", /must match this JSON Schema:\n\{"type":"object"/);
});
