import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getEncoding } from "js-tiktoken";
import type { ChatMessage, ToolDefinition } from "./messages.ts";
import { countPromptTokens, encodingForModel, estimateTokens, UnknownTokenizerError } from "./tokens.ts";

// js-tiktoken is the reference implementation here: a port of OpenAI's own tiktoken.
const reference = {
  o200k_base: getEncoding("o200k_base"),
  cl100k_base: getEncoding("cl100k_base"),
};

function referenceCount(encoding: "o200k_base" | "cl100k_base", text: string): number {
  return reference[encoding].encode(text, [], []).length;
}

/** The cookbook's count of one user message: 3 framing + role + content, plus 3 to prime the reply. */
function referencePrompt(encoding: "o200k_base" | "cl100k_base", text: string): number {
  return 3 + referenceCount(encoding, "user") + referenceCount(encoding, text) + 3;
}

const samples = [
  "Hello",
  "The quick brown fox jumps over the lazy dog.",
  "function add(a: number, b: number): number {\n  return a + b;\n}\n",
  "Grüße aus Köln — 東京 🚀 ¿qué tal?",
  "   indented\n\n\ttabs and    spaces   ",
  "<|endoftext|> is plain text in a prompt",
];

describe("countPromptTokens", () => {
  for (const [model, encoding] of [
    ["gpt-4o", "o200k_base"],
    ["gpt-3.5-turbo", "cl100k_base"],
  ] as const) {
    for (const text of samples) {
      it(`counts ${JSON.stringify(text.slice(0, 24))} for ${model} exactly as tiktoken does`, async () => {
        const result = await countPromptTokens(model, [{ role: "user", content: text }]);
        assert.deepEqual(result, {
          count: referencePrompt(encoding, text),
          exact: true,
          tokenizer: encoding,
        });
      });
    }
  }

  it("counts a one-word user message as the OpenAI API reports it (8 tokens for gpt-4o)", async () => {
    assert.equal((await countPromptTokens("gpt-4o", [{ role: "user", content: "Hello" }])).count, 8);
  });

  it("adds framing per message and one token for a name", async () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "You are terse." },
      { role: "user", content: "Hi", name: "ada" },
    ];
    const expected =
      3 +
      referenceCount("o200k_base", "system") +
      referenceCount("o200k_base", "You are terse.") +
      3 +
      referenceCount("o200k_base", "user") +
      referenceCount("o200k_base", "Hi") +
      1 +
      referenceCount("o200k_base", "ada") +
      3;
    assert.equal((await countPromptTokens("gpt-4o", messages)).count, expected);
  });

  it("counts tool definitions, tool calls and images towards the prompt", async () => {
    const base: ChatMessage[] = [{ role: "user", content: "List files" }];
    const tools: ToolDefinition[] = [
      {
        type: "function",
        function: {
          name: "bash",
          description: "Run a command",
          parameters: {
            type: "object",
            properties: { command: { type: "string", description: "The command" } },
          },
        },
      },
    ];
    const plain = (await countPromptTokens("gpt-4o", base)).count;
    const withTools = (await countPromptTokens("gpt-4o", base, { tools })).count;
    assert.ok(withTools > plain + 12, `${withTools} should exceed ${plain} by the tool definition`);
    const withCall = await countPromptTokens("gpt-4o", [
      ...base,
      {
        role: "assistant",
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "bash", arguments: '{"command":"ls"}' } },
        ],
      },
      { role: "tool", content: "README.md", tool_call_id: "call_1" },
    ]);
    assert.ok(withCall.count > plain + 10);
    const withImage = await countPromptTokens("gpt-4o", [
      {
        role: "user",
        content: [{ type: "image_url", image_url: { url: "data:image/png;base64,AA", detail: "low" } }],
      },
    ]);
    assert.equal(withImage.count, 3 + referenceCount("o200k_base", "user") + 85 + 3);
  });

  it("estimates other families at characters / 4 and flags the count inexact", async () => {
    const result = await countPromptTokens("anthropic/claude-3-5-sonnet-20241022", [
      { role: "user", content: "Hello" },
    ]);
    assert.deepEqual(result, { count: 3 + 1 + 2 + 3, exact: false, tokenizer: "estimate" });
  });

  it("uses a custom tokenizer instead of the model's", async () => {
    const result = await countPromptTokens("claude-3-5-sonnet", [{ role: "user", content: "Hello there" }], {
      customTokenizer: "cl100k_base",
    });
    assert.deepEqual(result, {
      count: referencePrompt("cl100k_base", "Hello there"),
      exact: true,
      tokenizer: "cl100k_base",
    });
  });

  it("treats a null custom tokenizer as not set", async () => {
    const result = await countPromptTokens("gpt-4o", [{ role: "user", content: "x" }], {
      customTokenizer: null,
    });
    assert.equal(result.tokenizer, "o200k_base");
  });

  it("rejects an unknown custom tokenizer with the names it knows", async () => {
    await assert.rejects(
      countPromptTokens("gpt-4o", [{ role: "user", content: "x" }], { customTokenizer: "bert-base-uncased" }),
      (error: unknown) =>
        error instanceof UnknownTokenizerError &&
        error.tokenizer === "bert-base-uncased" &&
        error.message.includes("o200k_base") &&
        error.message.includes("cl100k_base"),
    );
  });
});

describe("encodingForModel", () => {
  const cases: [string, string | undefined][] = [
    ["gpt-4o", "o200k_base"],
    ["openai/gpt-4o-mini", "o200k_base"],
    ["azure/gpt-4o", "o200k_base"],
    ["openrouter/openai/gpt-4o", "o200k_base"],
    ["gpt-4.1-nano", "o200k_base"],
    ["gpt-5.1", "o200k_base"],
    ["o1", "o200k_base"],
    ["o3-mini-2025-01-31", "o200k_base"],
    ["o4-mini", "o200k_base"],
    ["gpt-4", "cl100k_base"],
    ["gpt-4-turbo", "cl100k_base"],
    ["gpt-3.5-turbo-0125", "cl100k_base"],
    ["azure/gpt-35-turbo", "cl100k_base"],
    ["claude-3-5-sonnet-20241022", undefined],
    ["gemini/gemini-2.5-pro", undefined],
    ["ollama/llama3", undefined],
    ["o10-fake", undefined],
  ];
  for (const [model, expected] of cases) {
    it(`maps ${model} to ${expected ?? "no encoding"}`, () =>
      assert.equal(encodingForModel(model), expected));
  }
});

describe("estimateTokens", () => {
  const cases: [string, number][] = [
    ["", 0],
    ["abcd", 1],
    ["abcde", 2],
    ["x".repeat(400), 100],
  ];
  for (const [text, expected] of cases) {
    it(`estimates ${text.length} characters as ${expected} tokens`, () =>
      assert.equal(estimateTokens(text), expected));
  }
});
