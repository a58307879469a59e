import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { z } from "zod";
import type { Behaviour, ReplyBehaviour } from "../llm/replies/behaviours.ts";
import type { AgentDefinition } from "./agent.ts";
import { completeCondensed } from "./condensers/condensed-call.ts";
import { createScriptedCondenserLlm } from "./condensers/scripted-llm.ts";
import { createHistory, type RunEvent } from "./events.ts";
import { type AgentInstance, type ConversationCondenser, type LoopRun, runAgentLoop } from "./loop.ts";
import { createPromptToolCalling } from "./prompt-tool-calling.ts";
import { createStreamedText } from "./streamed-text.ts";
import { nativeToolCalling, type ToolCallingMode } from "./tool-calling.ts";
import { defineTool } from "./tools/tool.ts";
import { createWorkspace } from "./workspace.ts";

const note = defineTool({
  name: "note",
  description: "Writes a note down.",
  parameters: z.object({ text: z.string() }),
  execute: async ({ text }) => `noted: ${text}`,
});

const script: ReplyBehaviour[] = [
  { text: "Let me write that down first.", toolCalls: [{ name: "note", arguments: { text: "milk" } }] },
  { text: "Done: the note says milk, and nothing else needs doing today." },
];

/** A condenser that keeps the last message when asked to condense (the loop's too-long retry). */
const keepLast: ConversationCondenser = {
  complete: (messages, _run, call) =>
    completeCondensed(
      async (requested) => ({ messages: requested ? messages.slice(-1) : messages, changed: requested }),
      { name: "Main", depth: 0 },
      "test",
      call,
    ),
};

/** How the scripted agent is set up: its replies, how it calls tools, its condenser. */
interface Scripted {
  replies?: Behaviour[];
  toolCalling?: ToolCallingMode;
  condenser?: ConversationCondenser;
}

/** An agent on a `mock/script` client playing `replies` (the script above by default). */
function scriptedAgent(options: Scripted): AgentInstance {
  const { llm } = createScriptedCondenserLlm("llm", options.replies ?? script);
  const signal = new AbortController().signal;
  return {
    definition: {} as AgentDefinition,
    name: "Main",
    depth: 0,
    chain: ["Main"],
    llm,
    llmConfig: "llm",
    llmConfigReason: "default",
    model: llm.config.model,
    tools: [note],
    toolCalling: options.toolCalling ?? nativeToolCalling,
    condenser: options.condenser,
    systemPrompt: "You take notes.",
    toolContext: {
      workspace: createWorkspace(mkdtempSync(join(tmpdir(), "llmconf-loop-"))),
      signal,
      agent: { name: "Main", depth: 0 },
      maxOutputChars: 10_000,
      commandTimeoutMs: 1000,
      fileHistory: new Map(),
    },
  };
}

/** Runs the scripted agent, streaming its text to `onText` when given; what happened, in order. */
async function runScripted(onText?: (text: string) => void, options: Scripted = {}) {
  const log: string[] = [];
  const events: RunEvent[] = [];
  const history = createHistory(
    [
      (event) => {
        events.push(event);
        log.push(`event ${event.type}`);
      },
    ],
    { now: () => new Date(0) },
  );
  const run: LoopRun = {
    history,
    signal: new AbortController().signal,
    checkLimits: () => undefined,
    ...(onText
      ? {
          streamText: () =>
            createStreamedText([], (text) => {
              log.push(`delta ${text}`);
              onText(text);
            }),
        }
      : {}),
  };
  const outcome = await runAgentLoop(scriptedAgent(options), "Note milk", run);
  return { outcome, log, events };
}

/** Events without what differs between two runs (the call's wall time). */
function comparable(events: readonly RunEvent[]) {
  return events.map((event) => (event.type === "llm_response" ? { ...event, latency_ms: 0 } : event));
}

test("a streamed step hands its text on in pieces before the step ends, and records the same events as a whole call", async () => {
  const pieces: string[] = [];
  const streamed = await runScripted((text) => pieces.push(text));
  const whole = await runScripted();

  assert.deepEqual(streamed.outcome, whole.outcome);
  assert.deepEqual(comparable(streamed.events), comparable(whole.events));
  assert.ok(pieces.length > 4, `the text arrives in pieces: ${JSON.stringify(pieces)}`);
  assert.equal(pieces.join(""), `${script[0]?.text}${script[1]?.text}`);

  // Each step's deltas come before its llm_response event, and before the tool call runs.
  const firstResponse = streamed.log.indexOf("event llm_response");
  const firstStepText = streamed.log.slice(0, firstResponse).filter((line) => line.startsWith("delta "));
  assert.equal(firstStepText.map((line) => line.slice("delta ".length)).join(""), script[0]?.text);
  const secondResponse = streamed.log.lastIndexOf("event llm_response");
  const observation = streamed.log.indexOf("event observation");
  const secondStepText = streamed.log
    .slice(observation, secondResponse)
    .filter((line) => line.startsWith("delta "));
  assert.equal(secondStepText.map((line) => line.slice("delta ".length)).join(""), script[1]?.text);
});

test("a streamed call the provider finds too long is condensed and retried once, as a whole call is", async () => {
  const replies: Behaviour[] = [{ status: 400, code: "context_length_exceeded" }, ...script];
  const pieces: string[] = [];
  const streamed = await runScripted((text) => pieces.push(text), { replies, condenser: keepLast });
  const whole = await runScripted(undefined, { replies, condenser: keepLast });
  assert.deepEqual(streamed.outcome, whole.outcome);
  assert.deepEqual(comparable(streamed.events), comparable(whole.events));
  assert.equal(pieces.join(""), `${script[0]?.text}${script[1]?.text}`);
});

test("an agent whose text carries its tool calls (prompt-based) is not streamed: the text is shown once parsed", async () => {
  const pieces: string[] = [];
  const { outcome } = await runScripted((text) => pieces.push(text), {
    replies: [{ text: "Nothing to call: milk is noted." }],
    toolCalling: createPromptToolCalling(),
  });
  assert.deepEqual(outcome, { status: "finished", message: "Nothing to call: milk is noted." });
  assert.deepEqual(pieces, []);
});
