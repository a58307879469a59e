import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { APICallError } from "@ai-sdk/provider";
import { generateText, jsonSchema, streamText, type ToolSet } from "ai";
import type { Behaviour } from "../replies/behaviours.ts";
import { createMockLanguageModel } from "./mock.ts";

function writeScript(behaviours: Behaviour[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "mock-script-")), "replies.json");
  writeFileSync(file, JSON.stringify(behaviours));
  return file;
}

const tools: ToolSet = {
  read_file: {
    description: "Read a file",
    inputSchema: jsonSchema({ type: "object", properties: { path: { type: "string" } } }),
  },
};

describe("mock/echo", () => {
  test("generateText gets `echo: <last user text>` with deterministic V3 usage", async () => {
    const result = await generateText({
      model: createMockLanguageModel("mock/echo"),
      system: "Be brief.",
      messages: [
        { role: "user", content: "first" },
        { role: "assistant", content: "ok" },
        { role: "user", content: "hello mock" },
      ],
    });
    assert.equal(result.text, "echo: hello mock");
    assert.equal(result.finishReason, "stop");
    // "Be brief.\nfirst\nok\nhello mock" is 29 characters: ceil(29 / 4) = 8; "echo: hello mock" is 16: 4.
    assert.equal(result.usage.inputTokens, 8);
    assert.equal(result.usage.outputTokens, 4);
    assert.equal(result.usage.totalTokens, 12);
  });

  test("streamText streams the same text in word pieces", async () => {
    const result = streamText({ model: createMockLanguageModel("mock/echo"), prompt: "stream me please" });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    assert.deepEqual(pieces, ["echo: ", "stream ", "me ", "please"]);
    assert.equal((await result.usage).outputTokens, 6);
    assert.equal(await result.finishReason, "stop");
  });

  test("any other mock/ name echoes too, and the model reports provider mock", async () => {
    const model = createMockLanguageModel("mock/anything");
    assert.equal(model.specificationVersion, "v3");
    assert.equal(model.provider, "mock");
    assert.equal(model.modelId, "mock/anything");
    assert.equal((await generateText({ model, prompt: "x" })).text, "echo: x");
  });
});

describe("mock/script", () => {
  test("plays scripted tool calls through generateText, then text on the next call", async () => {
    const model = createMockLanguageModel("mock/script", {
      scriptFile: writeScript([
        {
          toolCalls: [{ name: "read_file", arguments: { path: "README.md" } }],
          usage: { cache_read_tokens: 1 },
        },
        { text: "Done." },
      ]),
    });
    const first = await generateText({ model, prompt: "read it", tools });
    assert.equal(first.finishReason, "tool-calls");
    assert.deepEqual(
      first.toolCalls.map((call) => [call.toolCallId, call.toolName, call.input]),
      [["call_1_0", "read_file", { path: "README.md" }]],
    );
    assert.equal(first.usage.inputTokenDetails.cacheReadTokens, 1);
    assert.equal((await generateText({ model, prompt: "and?" })).text, "Done.");
  });

  test("streams tool input deltas that streamText assembles into a tool call", async () => {
    const model = createMockLanguageModel("mock/script", {
      scriptFile: writeScript([
        { toolCalls: [{ name: "read_file", arguments: { path: "a/long/path.txt" } }] },
      ]),
    });
    const result = streamText({ model, prompt: "go", tools });
    const deltas: string[] = [];
    for await (const part of result.fullStream) if (part.type === "tool-input-delta") deltas.push(part.delta);
    assert.ok(deltas.length > 1);
    assert.equal(deltas.join(""), '{"path":"a/long/path.txt"}');
    const [call] = await result.toolCalls;
    assert.deepEqual(call?.input, { path: "a/long/path.txt" });
  });

  test("a scripted 429 throws a retryable APICallError with its status and headers", async () => {
    const model = createMockLanguageModel("mock/script", {
      scriptFile: writeScript([{ status: 429, headers: { "retry-after": "1" } }]),
    });
    const error = await generateText({ model, prompt: "x", maxRetries: 0 }).catch(
      (caught: unknown) => caught,
    );
    assert.ok(APICallError.isInstance(error));
    assert.equal(error.statusCode, 429);
    assert.equal(error.isRetryable, true);
    assert.deepEqual(error.responseHeaders, { "retry-after": "1" });
    assert.match(error.responseBody ?? "", /rate_limit_exceeded/);
  });

  test("a scripted 400 context_length_exceeded is not retryable and carries OpenAI's body", async () => {
    const model = createMockLanguageModel("mock/script", {
      scriptFile: writeScript([{ status: 400, code: "context_length_exceeded" }]),
    });
    const error = await generateText({ model, prompt: "x", maxRetries: 0 }).catch(
      (caught: unknown) => caught,
    );
    assert.ok(APICallError.isInstance(error));
    assert.equal(error.isRetryable, false);
    assert.match(error.message, /maximum context length/);
  });

  test("faults: reset throws, a cut stream errors after some text, empty-choices gives no text", async () => {
    const model = createMockLanguageModel("mock/script", {
      scriptFile: writeScript([
        { fault: "reset" },
        { fault: "cut-stream", text: "one two three four" },
        { fault: "empty-choices" },
        { fault: "stall", ms: 5 },
      ]),
    });
    await assert.rejects(generateText({ model, prompt: "x", maxRetries: 0 }), /ECONNRESET/);
    const cut = streamText({ model, prompt: "x", maxRetries: 0, onError: () => {} });
    const parts: string[] = [];
    for await (const part of cut.fullStream) parts.push(part.type === "text-delta" ? part.text : part.type);
    assert.ok(parts.includes("one "));
    assert.ok(parts.includes("error"));
    assert.ok(!parts.includes("four"));
    const empty = await generateText({ model, prompt: "x" });
    assert.equal(empty.text, "");
    assert.equal(empty.finishReason, "other");
    assert.equal((await generateText({ model, prompt: "late" })).text, "echo: late");
  });

  test("a stalled stream sends half its parts, then nothing until the caller aborts", async () => {
    // A timer keeps the process alive while the read waits, as a real caller's timeout would.
    const keepAlive = setTimeout(() => {}, 60_000);
    const model = createMockLanguageModel("mock/script", {
      scriptFile: writeScript([{ fault: "stall-stream", text: "one two three four" }]),
    });
    const controller = new AbortController();
    const { stream } = await model.doStream({ prompt: [], abortSignal: controller.signal });
    const reader = stream.getReader();
    const texts: string[] = [];
    for (;;) {
      const { value } = await reader.read();
      if (value?.type === "text-delta") texts.push(value.delta);
      if (value?.type === "text-delta" && value.delta === "one ") break;
    }
    const pending = reader.read();
    controller.abort(new Error("gave up"));
    await assert.rejects(pending, /gave up/);
    assert.deepEqual(texts, ["one "]);
    clearTimeout(keepAlive);
  });

  test("an endless stream keeps sending its text, one part per read, until the caller stops", async () => {
    const model = createMockLanguageModel("mock/script", {
      scriptFile: writeScript([{ fault: "endless-stream", text: "again " }]),
    });
    const { stream } = await model.doStream({ prompt: [] });
    const reader = stream.getReader();
    let deltas = 0;
    while (deltas < 1000) {
      const { value, done } = await reader.read();
      assert.equal(done, false);
      if (value?.type === "text-delta") {
        assert.equal(value.delta, "again ");
        deltas += 1;
      }
      assert.notEqual(value?.type, "finish");
    }
    await reader.cancel();
  });

  test("a raw body is an invalid response: a 200 the provider cannot read, not retryable", async () => {
    const model = createMockLanguageModel("mock/script", {
      scriptFile: writeScript([{ fault: "raw-body", body: "<html>oops</html>" }]),
    });
    const error = await generateText({ model, prompt: "x", maxRetries: 0 }).catch(
      (caught: unknown) => caught,
    );
    assert.ok(APICallError.isInstance(error));
    assert.equal(error.statusCode, 200);
    assert.equal(error.isRetryable, false);
  });

  test("a stall without ms lasts until the caller aborts", async () => {
    const model = createMockLanguageModel("mock/script", { scriptFile: writeScript([{ fault: "stall" }]) });
    // A plain timer, not AbortSignal.timeout: that one is unref'd and would let the test runner drain.
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("gave up")), 20);
    await assert.rejects(
      generateText({ model, prompt: "x", maxRetries: 0, abortSignal: controller.signal }),
      /gave up/,
    );
  });

  test("fails clearly once the script is used up instead of cycling", async () => {
    const file = writeScript([{ text: "only" }]);
    const model = createMockLanguageModel("mock/script", { scriptFile: file });
    assert.equal((await generateText({ model, prompt: "x" })).text, "only");
    await assert.rejects(generateText({ model, prompt: "x", maxRetries: 0 }), {
      message: `mock/script: call 2 has no reply: all 1 replies in ${file} are used`,
    });
  });

  test("needs a script file, and reports a bad one when the model is created", () => {
    assert.throws(() => createMockLanguageModel("mock/script"), /needs a reply script file/);
    const bad = writeScript([{ fault: "explode" } as unknown as Behaviour]);
    assert.throws(
      () => createMockLanguageModel("mock/script", { scriptFile: bad }),
      /entry 0: unknown fault/,
    );
  });
});
