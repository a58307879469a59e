// Condensers in `llmconf run`, spawned as a user runs it against the fake upstream: an `llm` condenser
// summarising on its own cheap config (billed under that config), and a context-too-long answer from the
// provider, on both wire formats, condensed and retried once.
import assert from "node:assert/strict";
import { mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Behaviour } from "../src/llm/replies/behaviours.ts";
import { root, runCli } from "./run-cli.ts";
import { breakdownRows, setUpRun, toolCall, trajectoryOf, useFakeUpstream } from "./run-fixture.ts";

const secret = "sk-condenser-e2e-never-shown-777";
const upstream = await useFakeUpstream();

function setUp(configText: string): string {
  return setUpRun("llmconf-condense-", configText).dir;
}

function think(thought: string): Behaviour {
  return toolCall("think", { thought });
}

function finish(message: string): Behaviour {
  return toolCall("finish", { message });
}

interface SentBody {
  model: string;
  messages: { role: string; content: unknown }[];
  tools?: unknown[];
}

function bodies(): SentBody[] {
  return upstream.requests.map((request) => request.body as SentBody);
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content
      .map(
        (part) =>
          (part as { text?: string; content?: unknown }).text ??
          textOf((part as { content?: unknown }).content),
      )
      .join("");
  return "";
}

test("an llm condenser on a cheap config summarises the forgotten middle, and its calls are billed under that config", async () => {
  const dir = setUp(`[core]
save_trajectory_path = "trajectory.json"
runtime = "local"

[llm]
model = "gpt-4o"
api_key = "${secret}"
base_url = "${upstream.url}/v1"
num_retries = 1

[llm.cheap]
model = "gpt-4o-mini"

[condenser]
type = "llm"
llm_config = "cheap"
keep_first = 1
max_size = 8
`);
  upstream.enqueue(
    think("step one: read the README"),
    think("step two: the parser lives in src/parse.ts"),
    think("step three: the bug is an off-by-one"),
    think("step four: write the fix"),
    { text: "SUMMARY: the bug is an off-by-one in src/parse.ts; fix pending." },
    think("step five: run the tests"),
    finish("Fixed the off-by-one."),
  );
  const result = await runCli(["run", "-d", "repo", "-t", "Fix the parser bug", "--json"], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(upstream.pendingCount(), 0);

  // Five agent calls on gpt-4o, one summary on gpt-4o-mini (no tools, the forgotten events in its prompt).
  const sent = bodies();
  const summaryRequest = sent.find((body) => body.model === "gpt-4o-mini");
  assert.ok(summaryRequest, "the summariser was called on the cheap config");
  assert.equal(sent.filter((body) => body.model === "gpt-4o").length, 6);
  assert.equal(summaryRequest.tools, undefined);
  const prompt = textOf(summaryRequest.messages.at(-1)?.content);
  assert.match(prompt, /<EVENT id=\d+>/);
  assert.match(prompt, /step one: read the README/);
  assert.doesNotMatch(prompt, /step four/, "the most recent events are kept, not summarised");

  // The call after the condensation: system prompt, task, summary, then the recent events only.
  const next = sent[sent.indexOf(summaryRequest) + 1] as SentBody;
  assert.equal(next.messages[0]?.role, "system");
  assert.equal(textOf(next.messages[1]?.content), "Fix the parser bug");
  assert.match(textOf(next.messages[2]?.content), /SUMMARY: the bug is an off-by-one/);
  const seen = next.messages.map((message) => textOf(message.content)).join("\n");
  assert.doesNotMatch(seen, /step one/);
  assert.ok(next.messages.length < (sent[sent.indexOf(summaryRequest) - 1] as SentBody).messages.length);

  // The bill: the agent's calls under its config, the summary under cheap, both in --json.
  const output = JSON.parse(result.stdout);
  assert.equal(output.status, "finished");
  assert.deepEqual(breakdownRows(output), [
    ["CodeActAgent", "llm", "gpt-4o", 6],
    ["CodeActAgent", "cheap", "gpt-4o-mini", 1],
  ]);
  assert.equal(output.llm_configs.cheap.calls, 1);
  assert.equal(output.llm_configs.cheap.model, "gpt-4o-mini");
  assert.ok(output.llm_configs.cheap.input_tokens > 0);
  assert.equal(output.agents.CodeActAgent.calls, 7);
  // The run table on stderr has a row for the cheap config; the progress has the condensation line.
  assert.match(result.stderr, /CodeActAgent\s+cheap\s+gpt-4o-mini\s+1\s/);
  assert.match(
    result.stderr,
    /condensed \(llm\): forgot \d+ events, \d+ → \d+ events, summary by cheap · gpt-4o-mini/,
  );
  assert.ok(!result.stderr.includes(secret) && !result.stdout.includes(secret));

  // The trajectory has the condensation: forgotten event ids, the summary, the condenser and its config.
  const events = trajectoryOf(dir);
  const condensation = events.find((event) => event.type === "condensation");
  assert.ok(condensation);
  assert.equal(condensation.condenser, "llm");
  assert.equal(condensation.reason, "size");
  assert.equal(condensation.llm_config, "cheap");
  assert.equal(condensation.model, "gpt-4o-mini");
  assert.match(String(condensation.summary), /off-by-one/);
  assert.deepEqual(condensation.config, {
    type: "llm",
    llm_config: "cheap",
    keep_first: 1,
    max_size: 8,
    max_event_length: 10000,
  });
  const forgottenIds = condensation.forgotten_event_ids as number[];
  assert.ok(forgottenIds.length > 0);
  const forgotten = forgottenIds.map((id) => events[id]);
  assert.ok(forgotten.every((event) => event?.type === "llm_response" || event?.type === "observation"));
  assert.ok(
    forgotten.some((event) => JSON.stringify(event).includes("step one")),
    "the first step is among the forgotten events",
  );
  const runEnd = events.at(-1) as unknown as { breakdown: { llm_config: string }[] };
  assert.deepEqual(
    runEnd.breakdown.map((row) => row.llm_config),
    ["llm", "cheap"],
  );
});

for (const wire of ["openai", "anthropic"] as const) {
  test(`a context-too-long answer (${wire} wire) condenses the history and retries the call once`, async () => {
    const llm =
      wire === "openai"
        ? `model = "gpt-4o"\nbase_url = "${upstream.url}/v1"`
        : `model = "anthropic/claude-3-5-sonnet-20241022"\nbase_url = "${upstream.url}"`;
    const dir = setUp(`[core]
save_trajectory_path = "trajectory.json"
runtime = "local"

[llm]
${llm}
api_key = "${secret}"
num_retries = 1

[condenser]
type = "conversation_window"
`);
    upstream.enqueue(
      think("first look"),
      think("second look"),
      think("third look"),
      think("fourth look"),
      { status: 400, code: "context_length_exceeded" },
      finish("Done after condensing."),
    );
    const result = await runCli(["run", "-d", "repo", "-t", "Look around"], { cwd: dir });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "Done after condensing.\n");
    assert.equal(upstream.pendingCount(), 0);
    assert.equal(upstream.requests.length, 6);

    // The retry sent the same conversation, shortened: fewer messages, the task still there.
    const [failed, retried] = bodies().slice(4);
    assert.ok(failed && retried);
    assert.ok(retried.messages.length < failed.messages.length);
    const texts = retried.messages.map((message) => JSON.stringify(message.content));
    assert.ok(
      texts.some((text) => text.includes("Look around")),
      "the task is kept",
    );
    assert.ok(!texts.some((text) => text.includes("first look")), "the oldest steps are forgotten");
    assert.match(result.stderr, /condensed \(conversation_window\) \(prompt too long\): forgot \d+ events/);

    const condensation = trajectoryOf(dir).find((event) => event.type === "condensation");
    assert.equal(condensation?.reason, "context_window_exceeded");
    assert.equal(condensation?.condenser, "conversation_window");
  });
}

test("a context-too-long answer that condensing cannot fix ends the run with one clear line, after one retry", async () => {
  const dir = setUp(`[core]
runtime = "local"

[llm]
model = "gpt-4o"
api_key = "${secret}"
base_url = "${upstream.url}/v1"
num_retries = 1

[condenser]
type = "amortized"
max_size = 50
`);
  upstream.enqueue(
    think("a"),
    think("b"),
    think("c"),
    { status: 400, code: "context_length_exceeded" },
    { status: 400, code: "context_length_exceeded" },
    finish("never reached"),
  );
  const result = await runCli(["run", "-d", "repo", "-t", "Too big"], { cwd: dir });
  assert.equal(result.code, 1);
  assert.equal(upstream.requests.length, 5, "one retry, never a loop");
  const lines = result.stderr.trim().split("\n");
  assert.match(
    lines.at(-1) ?? "",
    /^llmconf: error: .*CodeActAgent: the prompt is too long for config "llm" \(model gpt-4o\) even after its condenser \(amortized\) condensed the history once; /,
  );
});

test("with the noop condenser a context-too-long answer is not retried: the run ends saying the condenser cannot shorten it", async () => {
  const dir = setUp(`[core]
runtime = "local"

[llm]
model = "gpt-4o"
api_key = "${secret}"
base_url = "${upstream.url}/v1"
num_retries = 1

[condenser]
type = "noop"
`);
  upstream.enqueue(think("a"), { status: 400, code: "context_length_exceeded" }, finish("never reached"));
  const result = await runCli(["run", "-d", "repo", "-t", "Too big"], { cwd: dir });
  assert.equal(result.code, 1);
  assert.equal(upstream.requests.length, 2);
  assert.match(
    result.stderr,
    /its condenser \(noop\) cannot shorten the history; set one that forgets events/,
  );
});

test("the README's condenser example runs without a key: the summary is billed under the cheap config", async () => {
  const workspace = realpathSync(mkdtempSync(join(tmpdir(), "llmconf-condense-demo-")));
  const result = await runCli(
    [
      "run",
      "--config-file",
      "examples/condenser-mock.toml",
      "-d",
      workspace,
      "-t",
      "Tidy the notes",
      "--json",
    ],
    { cwd: root },
  );
  assert.equal(result.code, 0, result.stderr);
  const output = JSON.parse(result.stdout);
  assert.equal(output.final_message, "Tidied the notes into one file.");
  assert.deepEqual(
    output.breakdown.map((row: { llm_config: string; model: string; calls: number }) => [
      row.llm_config,
      row.model,
      row.calls,
    ]),
    [
      ["llm", "mock/script", 6],
      ["cheap", "mock/echo", 1],
    ],
  );
  assert.match(
    result.stderr,
    /condensed \(llm\): forgot 6 events, 10 → 5 events, summary by cheap · mock\/echo/,
  );
});

test("a sliding window's last hidden events are reported when the run's task ends", async () => {
  const dir = setUp(`[core]
save_trajectory_path = "trajectory.json"
runtime = "local"

[llm]
model = "gpt-4o"
api_key = "${secret}"
base_url = "${upstream.url}/v1"

[condenser]
type = "recent"
keep_first = 1
max_events = 10
`);
  const steps = 13;
  upstream.enqueue(
    ...Array.from({ length: steps }, (_, step) => think(`look ${step}`)),
    finish("Done looking."),
  );
  const result = await runCli(["run", "-d", "repo", "-t", "Look around"], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(upstream.pendingCount(), 0);

  // The last call saw the system prompt, the task and two messages per step but the window's worth.
  const last = bodies().at(-1);
  assert.ok(last);
  const hidden = 2 + 2 * steps - last.messages.length;
  const events = trajectoryOf(dir);
  const condensations = events.filter((event) => event.type === "condensation");
  const reported = condensations.reduce((sum, event) => sum + (event.forgotten as number), 0);
  assert.equal(reported, hidden, "every event the model stopped seeing is listed");
  const end = events.findIndex((event) => event.type === "agent_end");
  assert.equal(events[end - 1]?.type, "condensation", "the last report comes as the task ends");
});
