import assert from "node:assert/strict";
import { test } from "node:test";
import type { Completion } from "../../llm/client.ts";
import { LlmError } from "../../llm/errors.ts";
import type { ChatMessage } from "../../llm/messages.ts";
import { createHistory } from "../events.ts";
import type { LoopRun } from "../loop.ts";
import { type AgentCondenser, createAgentCondenser } from "./agent-condenser.ts";
import { createAmortizedCondenser } from "./amortized.ts";
import { isContextTooLong } from "./condensed-call.ts";
import { createNoopCondenser } from "./noop.ts";
import { createSampleConversation } from "./sample-conversation.ts";

const tooLong = () =>
  new LlmError('config "llm" (model gpt-4o): 400 context window exceeded: too long', {
    kind: "context_window_exceeded",
    configName: "llm",
    model: "gpt-4o",
    status: 400,
  });

const answer = { text: "ok" } as Completion;

const owner = { name: "CodeActAgent", depth: 0 };

function setUp(condensing: AgentCondenser) {
  const run: LoopRun = {
    history: createHistory([]),
    signal: new AbortController().signal,
    checkLimits: () => undefined,
  };
  return { condensing, run, messages: createSampleConversation([1, 1, 1, 1]) };
}

test("a context-too-long answer condenses the history and retries the call once with the shorter view", async () => {
  const { condensing, run, messages } = setUp(
    createAgentCondenser(
      createAmortizedCondenser({ type: "amortized", keep_first: 1, max_size: 100 }),
      owner,
    ),
  );
  const sizes: number[] = [];
  const completion = await condensing.complete(messages, run, async (view) => {
    sizes.push(view.length);
    if (sizes.length === 1) throw tooLong();
    return answer;
  });
  assert.equal(completion, answer);
  assert.deepEqual(sizes, [10, 6]);
  assert.equal(run.history.events.filter((event) => event.type === "condensation").length, 1);
});

test("still too long after condensing: one clear error, no second retry", async () => {
  const { condensing, run, messages } = setUp(
    createAgentCondenser(
      createAmortizedCondenser({ type: "amortized", keep_first: 1, max_size: 100 }),
      owner,
    ),
  );
  let calls = 0;
  await assert.rejects(
    condensing.complete(messages, run, async () => {
      calls += 1;
      throw tooLong();
    }),
    (error: LlmError) => {
      assert.equal(error.kind, "context_window_exceeded");
      assert.match(
        error.message,
        /^CodeActAgent: the prompt is too long for config "llm" \(model gpt-4o\) even after its condenser \(amortized\) condensed the history once; /,
      );
      assert.ok(!error.message.includes("\n"));
      return true;
    },
  );
  assert.equal(calls, 2);
});

test("a condenser that cannot shorten the history ends it at once, saying so", async () => {
  const { condensing, run, messages } = setUp(
    createAgentCondenser(createNoopCondenser({ type: "noop" }), owner),
  );
  let calls = 0;
  await assert.rejects(
    condensing.complete(messages, run, async () => {
      calls += 1;
      throw tooLong();
    }),
    /its condenser \(noop\) cannot shorten the history/,
  );
  assert.equal(calls, 1);
});

test("other errors pass through untouched, and noop sends the conversation itself", async () => {
  const { condensing, run, messages } = setUp(
    createAgentCondenser(createNoopCondenser({ type: "noop" }), owner),
  );
  const other = new LlmError("rate limited", { kind: "rate_limit", configName: "llm", model: "m" });
  await assert.rejects(
    condensing.complete(messages, run, async () => Promise.reject(other)),
    (error) => error === other,
  );
  let seen: ChatMessage[] = [];
  await condensing.complete(messages, run, async (view) => {
    seen = view;
    return answer;
  });
  assert.equal(seen, messages);
});

test("our own max_input_tokens refusal counts as too long, like the provider's answer", () => {
  assert.ok(isContextTooLong(new LlmError("x", { kind: "token_limit", configName: "a", model: "m" })));
  assert.ok(!isContextTooLong(new LlmError("x", { kind: "bad_request", configName: "a", model: "m" })));
  assert.ok(!isContextTooLong(new Error("context length")));
});
