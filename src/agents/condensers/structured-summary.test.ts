import assert from "node:assert/strict";
import { test } from "node:test";
import { createSampleConversation } from "./sample-conversation.ts";
import { createScriptedCondenserLlm } from "./scripted-llm.ts";
import { createStructuredSummaryCondenser, formatStateSummary } from "./structured-summary.ts";

const view = createSampleConversation([1, 1, 1, 1, 1]).map((message, index) => ({ index, message }));
const config = {
  type: "structured" as const,
  llm_config: "cheap",
  keep_first: 1,
  max_size: 10,
  max_event_length: 10000,
};

test("structured asks for the create_state_summary call and renders its fields as the summary", async () => {
  const summarizer = createScriptedCondenserLlm("cheap", [
    {
      toolCalls: [
        {
          name: "create_state_summary",
          arguments: {
            user_context: "fix the parser",
            completed_tasks: "found the bug",
            pending_tasks: "the fix",
          },
        },
      ],
    },
  ]);
  const result = await createStructuredSummaryCondenser(config, summarizer).condense(view, {
    requested: false,
  });
  assert.equal(result.kind, "condensation");
  const summary = result.kind === "condensation" ? (result.summary ?? "") : "";
  assert.match(summary, /\*\*User context\*\*: fix the parser/);
  assert.match(summary, /\*\*Pending tasks\*\*: the fix/);
  assert.match(summary, /\*\*Branch name\*\*: $/m, "fields not given are shown empty");
});

test("structured keeps the answer's text as the summary when the LLM does not make the call", async () => {
  const summarizer = createScriptedCondenserLlm("cheap", [{ text: "plain notes" }]);
  const result = await createStructuredSummaryCondenser(config, summarizer).condense(view, {
    requested: false,
  });
  assert.equal(result.kind === "condensation" && result.summary, "plain notes");
});

test("the state summary lists every field in order", () => {
  const text = formatStateSummary({ user_context: "u" });
  assert.ok(text.startsWith("# State summary\n**User context**: u\n**Completed tasks**: "));
  assert.equal(text.split("\n").length, 19);
});
