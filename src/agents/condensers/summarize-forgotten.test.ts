import assert from "node:assert/strict";
import { test } from "node:test";
import { formatSummaryPrompt } from "./summarize-forgotten.ts";
import type { ViewEvent } from "./view.ts";

test("the summary prompt holds the previous summary and each forgotten event, cut at max_event_length", () => {
  const long: ViewEvent = {
    index: 7,
    message: { role: "tool", tool_call_id: "c1", content: "y".repeat(500) },
  };
  const prompt = formatSummaryPrompt("old notes", [long], 100);
  assert.match(prompt, /<PREVIOUS SUMMARY>\nold notes\n<\/PREVIOUS SUMMARY>/);
  assert.match(
    prompt,
    /<EVENT id=7>\nTool result \(c1\):\ny+\n\[\.\.\. Observation truncated due to length \.\.\.\]\ny+\n<\/EVENT>/,
  );
  assert.ok(!prompt.includes("y".repeat(101)));
});
