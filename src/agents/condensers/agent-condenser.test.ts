import assert from "node:assert/strict";
import { test } from "node:test";
import type { ChatMessage } from "../../llm/messages.ts";
import { type CondensationEvent, createHistory, type History } from "../events.ts";
import { createAgentCondenser } from "./agent-condenser.ts";
import { createAmortizedCondenser } from "./amortized.ts";
import { createLlmSummarizingCondenser } from "./llm-summarizing.ts";
import { createObservationMaskingCondenser } from "./observation-masking.ts";
import { createRecentCondenser } from "./recent.ts";
import { appendSampleStep } from "./sample-conversation.ts";
import { createScriptedCondenserLlm } from "./scripted-llm.ts";
import { findPairingProblem } from "./view.ts";

const owner = { name: "CodeActAgent", depth: 0 };

/** A conversation and its history, grown the way the agent loop grows them. */
function startConversation(history: History): ChatMessage[] {
  history.append({
    type: "agent_start",
    agent: owner.name,
    depth: 0,
    llm_config: "llm",
    llm_config_reason: "default",
    model: "gpt-4o",
    task: "The task",
  });
  return [
    { role: "system", content: "You are a careful agent." },
    { role: "user", content: "The task" },
  ];
}

function takeStep(history: History, messages: ChatMessage[], step: number): void {
  const before = messages.length;
  appendSampleStep(messages, 1, step);
  const [answer, result] = messages.slice(before) as [ChatMessage, ChatMessage & { role: "tool" }];
  history.append({
    type: "llm_response",
    agent: owner.name,
    depth: 0,
    llm_config: "llm",
    model: "gpt-4o",
    content: String(answer.content),
    tool_calls: [],
    usage: { input_tokens: 1, output_tokens: 1, cache_read_tokens: 0, cache_write_tokens: 0 },
    cost: 0,
    latency_ms: 1,
    attempts: 1,
  });
  history.append({
    type: "tool_call",
    agent: owner.name,
    depth: 0,
    tool_call_id: result.tool_call_id,
    tool: "think",
    arguments: "{}",
  });
  history.append({
    type: "observation",
    agent: owner.name,
    depth: 0,
    tool_call_id: result.tool_call_id,
    tool: "think",
    content: result.content,
    error: false,
  });
}

const condensations = (history: History) =>
  history.events.filter(
    (event): event is CondensationEvent & { id: number; timestamp: string } => event.type === "condensation",
  );

test("forgotten events stay forgotten, the summary follows the head, and the trajectory names the forgotten events", async () => {
  const history = createHistory([]);
  const summarizer = createScriptedCondenserLlm("cheap", [{ text: "NOTES" }]);
  const condensing = createAgentCondenser(
    createLlmSummarizingCondenser(
      { type: "llm", llm_config: "cheap", keep_first: 1, max_size: 8, max_event_length: 100 },
      summarizer,
    ),
    owner,
  );
  const messages = startConversation(history);
  const sent: ChatMessage[][] = [];
  for (let step = 0; step < 6; step += 1) {
    sent.push((await condensing.viewFor(messages, { history, requested: false })).messages);
    takeStep(history, messages, step);
  }
  const [event, ...more] = condensations(history);
  assert.ok(event);
  assert.equal(more.length, 0, "one condensation in six steps: forgotten events stay forgotten");
  assert.equal(event.summary, "NOTES");
  assert.equal(event.llm_config, "cheap");
  assert.equal(event.forgotten, 6);
  // The forgotten messages are steps 0-2: their llm_response and observation events.
  const forgotten = event.forgotten_event_ids.map((id) => history.events[id]);
  assert.deepEqual(
    forgotten.map((item) => item?.type),
    ["llm_response", "observation", "llm_response", "observation", "llm_response", "observation"],
  );
  assert.match(JSON.stringify(forgotten[0]), /thought 0/);
  const last = sent.at(-1) ?? [];
  assert.deepEqual(
    last.map((message) => message.role),
    ["system", "user", "user", "assistant", "tool", "assistant", "tool"],
  );
  assert.match(String(last[2]?.content), /NOTES$/);
  for (const view of sent) assert.equal(findPairingProblem(view), undefined);
});

test("a new message list is a new conversation: nothing forgotten carries over", async () => {
  const history = createHistory([]);
  const condensing = createAgentCondenser(
    createAmortizedCondenser({ type: "amortized", keep_first: 1, max_size: 6 }),
    owner,
  );
  const first = startConversation(history);
  for (let step = 0; step < 4; step += 1) takeStep(history, first, step);
  assert.ok((await condensing.viewFor(first, { history, requested: false })).changed);
  const second = startConversation(history);
  takeStep(history, second, 0);
  const view = await condensing.viewFor(second, { history, requested: false });
  assert.equal(view.changed, false);
  assert.equal(view.messages.length, 4);
});

test("a sliding window reports only the events it newly hides", async () => {
  const history = createHistory([]);
  const condensing = createAgentCondenser(
    createRecentCondenser({ type: "recent", keep_first: 1, max_events: 4 }),
    owner,
  );
  const messages = startConversation(history);
  for (let step = 0; step < 4; step += 1) {
    takeStep(history, messages, step);
    await condensing.viewFor(messages, { history, requested: false });
  }
  const events = condensations(history);
  assert.deepEqual(
    events.map((event) => event.forgotten),
    [2, 2, 2],
  );
  assert.ok(events.every((event) => event.llm_config === null && event.summary === null));
});

test("a long sliding window or masking is reported when it starts, then once per half window, not every step", async () => {
  for (const condenser of [
    createRecentCondenser({ type: "recent", keep_first: 1, max_events: 20 }),
    createObservationMaskingCondenser({ type: "observation_masking", attention_window: 20 }),
  ]) {
    const history = createHistory([]);
    const condensing = createAgentCondenser(condenser, owner);
    const messages = startConversation(history);
    let changedSteps = 0;
    for (let step = 0; step < 40; step += 1) {
      takeStep(history, messages, step);
      if ((await condensing.viewFor(messages, { history, requested: false })).changed) changedSteps += 1;
    }
    const events = condensations(history);
    const counts = events.map((event) => event.forgotten + event.masked_event_ids.length);
    assert.ok(changedSteps > 25, `${condenser.type} hides or masks something new at most steps`);
    assert.ok(events.length >= 2 && events.length <= 8, `${condenser.type}: ${counts.join(", ")}`);
    assert.ok(
      counts.slice(1).every((count) => count >= 10),
      `${condenser.type}: after the first, each report covers half a window: ${counts.join(", ")}`,
    );
    const ids = events.flatMap((event) => [...event.forgotten_event_ids, ...event.masked_event_ids]);
    assert.equal(new Set(ids).size, ids.length, "every event is reported once");
  }
});

test("at a task's end, what a sliding window or masking hid since its last report is reported once", async () => {
  const run = {
    history: createHistory([]),
    signal: new AbortController().signal,
    checkLimits: () => undefined,
  };
  for (const condenser of [
    createRecentCondenser({ type: "recent", keep_first: 1, max_events: 20 }),
    createObservationMaskingCondenser({ type: "observation_masking", attention_window: 20 }),
  ]) {
    const history = createHistory([]);
    const condensing = createAgentCondenser(condenser, owner);
    const messages = startConversation(history);
    let shown: ChatMessage[] = messages;
    for (let step = 0; step < 37; step += 1) {
      takeStep(history, messages, step);
      shown = (await condensing.viewFor(messages, { history, requested: false })).messages;
    }
    const reported = () =>
      condensations(history).reduce((sum, event) => sum + event.forgotten + event.masked_event_ids.length, 0);
    const unseen =
      messages.length - shown.length + shown.filter((message) => !messages.includes(message)).length;
    const before = condensations(history).length;
    assert.ok(reported() < unseen, `${condenser.type}: the last ones are not reported during the task`);
    condensing.finish?.(messages, { ...run, history });
    assert.equal(condensations(history).length, before + 1);
    assert.equal(reported(), unseen, `${condenser.type}: every event the model no longer sees is listed`);
    condensing.finish?.(messages, { ...run, history });
    assert.equal(condensations(history).length, before + 1, "nothing new, nothing reported");
  }
});

test("asked after a context-too-long answer, the condensation says so", async () => {
  const history = createHistory([]);
  const condensing = createAgentCondenser(
    createAmortizedCondenser({ type: "amortized", keep_first: 1, max_size: 100 }),
    owner,
  );
  const messages = startConversation(history);
  for (let step = 0; step < 4; step += 1) takeStep(history, messages, step);
  const view = await condensing.viewFor(messages, { history, requested: true });
  assert.ok(view.changed);
  assert.equal(condensations(history)[0]?.reason, "context_window_exceeded");
});

test("another instance on the same conversation (a chat's /llm) keeps what was forgotten", async () => {
  const history = createHistory([]);
  const config = { type: "amortized" as const, keep_first: 1, max_size: 6 };
  const messages = startConversation(history);
  for (let step = 0; step < 4; step += 1) takeStep(history, messages, step);
  const first = await createAgentCondenser(createAmortizedCondenser(config), owner).viewFor(messages, {
    history,
    requested: false,
  });
  takeStep(history, messages, 4);
  const second = await createAgentCondenser(createAmortizedCondenser(config), owner).viewFor(messages, {
    history,
    requested: false,
  });
  assert.ok(first.changed);
  assert.equal(second.changed, false);
  assert.equal(second.messages.length, first.messages.length + 2);
});
