import assert from "node:assert/strict";
import { test } from "node:test";
import { truncationNotice } from "../../llm/truncate.ts";
import { formatToolResult } from "./tool-result.ts";

test("text content is joined line by line", () => {
  const result = {
    content: [
      { type: "text" as const, text: "first" },
      { type: "text" as const, text: "second" },
    ],
  };
  assert.equal(formatToolResult(result, 1000), "first\nsecond");
});

test("images, audio, resources and links are summarised in short form", () => {
  const result = {
    content: [
      { type: "image" as const, data: "A".repeat(4000), mimeType: "image/png" },
      { type: "audio" as const, data: "AAAA", mimeType: "audio/wav" },
      { type: "resource" as const, resource: { uri: "file:///notes.md", text: "# Notes" } },
      {
        type: "resource" as const,
        resource: { uri: "file:///logo.png", mimeType: "image/png", blob: "AAAA" },
      },
      { type: "resource_link" as const, uri: "file:///big.csv", name: "big.csv" },
    ],
  };
  assert.equal(
    formatToolResult(result, 10_000),
    [
      "[image: image/png, 2.9 kB]",
      "[audio: audio/wav, 3 B]",
      "[resource file:///notes.md]\n# Notes",
      "[resource file:///logo.png: image/png, 3 B]",
      "[resource link file:///big.csv (big.csv)]",
    ].join("\n"),
  );
});

test("structured content is shown as JSON when there is no other content, and an empty result says so", () => {
  assert.equal(formatToolResult({ content: [], structuredContent: { total: 3 } }, 100), '{"total":3}');
  assert.equal(formatToolResult({ content: [] }, 100), "(no output)");
});

test("a result longer than the agent's max_message_chars is cut in the middle", () => {
  const text = `${"a".repeat(50)}${"b".repeat(50)}`;
  const cut = formatToolResult({ content: [{ type: "text", text }] }, 20);
  assert.equal(cut, `${"a".repeat(10)}${truncationNotice}${"b".repeat(10)}`);
});
