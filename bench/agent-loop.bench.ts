/**
 * The agent loop's own cost per step, without the model and the tool: a scripted run of N steps (each
 * a `think` call, then `finish`) through `runTask` against the fake upstream on loopback, against the
 * same N bare `llm.complete` calls sending the same growing conversation, in the same process. Both
 * pay for the HTTP call and for serialising the history into the request; the difference is the loop
 * (limits, ledger, history with secret masking, trajectory file, tool dispatch). Variants alternate
 * in rounds so machine noise hits them alike. First vs last 100 steps shows whether a step's cost
 * grows with the history; retained heap per step shows memory growing with the history only.
 *
 * A third variant runs the loop with an `amortized` condenser (max_size 100): the conversation sent stays
 * bounded, so its last steps cost what its first do, whatever the history's length.
 *
 * Run: node --import tsx bench/agent-loop.bench.ts [steps, default 500] [rounds, default 3]
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { defineAgent } from "../src/agents/agent.ts";
import { createAgentRegistry } from "../src/agents/registry.ts";
import { runTask } from "../src/agents/run.ts";
import { finishTool } from "../src/agents/tools/finish.ts";
import { thinkTool } from "../src/agents/tools/think.ts";
import { toToolDefinition } from "../src/agents/tools/tool.ts";
import { loadConfig } from "../src/config/load.ts";
import { startFakeUpstream } from "../src/fake-upstream/server.ts";
import { createLlmFromConfig } from "../src/llm/client.ts";
import type { ChatMessage } from "../src/llm/messages.ts";
import { median } from "./measure.ts";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const steps = Number(process.argv[2] ?? 500);
const rounds = Number(process.argv[3] ?? 3);
const upstream = await startFakeUpstream();
const dir = mkdtempSync(join(tmpdir(), "llmconf-bench-agent-"));
/** The bench config with a condenser: idle (the loop's own cost), or forgetting as the history grows. */
async function configWith(condenser: string, file: string) {
  writeFileSync(
    join(dir, file),
    `[core]\nmax_iterations = ${steps + 10}\nsave_trajectory_path = "trajectory.json"\nruntime = "local"\n\n[llm]\nmodel = "openai/fake-model"\nbase_url = "${upstream.url}/v1"\napi_key = "sk-bench-secret-000000"\nnum_retries = 0\ninput_cost_per_token = 0.000001\noutput_cost_per_token = 0.000002\n\n[condenser]\n${condenser}\n`,
  );
  return loadConfig({ configFile: join(dir, file), cwd: dir, env: {} });
}
// conversation_window does nothing until a context-too-long answer: the loop with its condensing hook.
const config = await configWith('type = "conversation_window"', "config.toml");
// amortized forgets the middle whenever the view passes max_size events: steps stay bounded.
const condensingConfig = await configWith('type = "amortized"\nmax_size = 100', "condensing.toml");
const agent = defineAgent({
  name: "BenchAgent",
  description: "Thinks N times, then finishes.",
  tools: () => [thinkTool, finishTool],
  systemPrompt: () => "You think, then you finish.",
});
const registry = createAgentRegistry([agent]);
const task = "Think step by step, then finish.";

function script(): void {
  upstream.reset();
  for (let step = 0; step < steps; step++)
    upstream.enqueue({ toolCalls: [{ name: "think", arguments: { thought: `step ${step}: nothing yet` } }] });
  upstream.enqueue({ toolCalls: [{ name: "finish", arguments: { message: "done" } }] });
}

/** Times between consecutive answers (step i = answer i - answer i-1; step 0 from the start). */
function stepTimes(marks: number[], start: number): number[] {
  return marks.map((mark, index) => mark - (index === 0 ? start : (marks[index - 1] as number)));
}

let observation = "";
/** Time spent inside fetch (the model: request out, the upstream's work, the answer's headers back). */
let inFetch = 0;
const timedFetch: typeof fetch = async (input, init) => {
  const start = performance.now();
  try {
    return await fetch(input, init);
  } finally {
    inFetch += performance.now() - start;
  }
};

/** A step's time without the model: wall time between answers minus the fetch time in between. */
function withoutModel(marks: number[], fetchMarks: number[], start: number): number[] {
  return stepTimes(marks, start).map(
    (time, index) =>
      time - ((fetchMarks[index] as number) - (index === 0 ? 0 : (fetchMarks[index - 1] as number))),
  );
}

interface Timings {
  /** Wall time per step. */
  times: number[];
  /** Per step, wall time minus time in fetch (and, for the agent, minus time in the tool). */
  own: number[];
  /** From the client's answer (its `response` event) to its next `request` event, minus the tool. */
  between: number[];
}

/** Records, per step, the time from an answer to the next request (the tool's time subtracted). */
function gapRecorder() {
  const between: number[] = [];
  let answered = 0;
  let toolTime = 0;
  return {
    between,
    onLlmEvent(event: { type: string }) {
      if (event.type === "response") {
        answered = performance.now();
        toolTime = 0;
      } else if (event.type === "request" && answered > 0)
        between.push(performance.now() - answered - toolTime);
    },
    addToolTime(ms: number) {
      toolTime += ms;
    },
  };
}

async function agentRun(
  runConfig = config,
): Promise<Timings & { retainedBytes: number; trajectoryBytes: number }> {
  script();
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const marks: number[] = [];
  const fetchMarks: number[] = [];
  let toolStart = 0;
  let inTool = 0;
  inFetch = 0;
  const gaps = gapRecorder();
  const start = performance.now();
  const result = await runTask({
    config: runConfig,
    task,
    agent: "BenchAgent",
    workspace: dir,
    cwd: dir,
    env: {},
    registry,
    fetch: timedFetch,
    onLlmEvent: (_agent, event) => gaps.onLlmEvent(event),
    onEvent: (event) => {
      if (event.type === "llm_response") {
        marks.push(performance.now());
        // The tool of the previous step ran before this answer: charge it to the model side too.
        fetchMarks.push(inFetch + inTool);
        upstream.requests.length = 0;
      } else if (event.type === "tool_call") toolStart = performance.now();
      else if (event.type === "observation") {
        inTool += performance.now() - toolStart;
        gaps.addToolTime(performance.now() - toolStart);
        if (observation === "") observation = event.content;
      }
    },
  });
  if (result.status !== "finished" || result.steps !== steps + 1)
    throw new Error(`run ended ${result.status}`);
  gc();
  const retainedBytes = process.memoryUsage().heapUsed - heapBefore;
  const trajectoryBytes = statSync(result.trajectoryFile as string).size;
  if (result.events.length === 0) throw new Error("no events");
  return {
    times: stepTimes(marks, start),
    own: withoutModel(marks, fetchMarks, start),
    between: gaps.between,
    retainedBytes,
    trajectoryBytes,
  };
}

async function bareRun(): Promise<Timings> {
  script();
  const gaps = gapRecorder();
  const llm = createLlmFromConfig(config, "llm", {
    env: {},
    fetch: timedFetch,
    onEvent: (event) => gaps.onLlmEvent(event),
  });
  const tools = [thinkTool, finishTool].map(toToolDefinition);
  const messages: ChatMessage[] = [
    { role: "system", content: agent.systemPrompt({} as never) },
    { role: "user", content: task },
  ];
  const marks: number[] = [];
  const fetchMarks: number[] = [];
  inFetch = 0;
  const start = performance.now();
  for (let step = 0; step <= steps; step++) {
    const completion = await llm.complete({ messages, tools });
    marks.push(performance.now());
    fetchMarks.push(inFetch);
    upstream.requests.length = 0;
    messages.push(completion.message);
    for (const call of completion.toolCalls)
      messages.push({ role: "tool", tool_call_id: call.id, content: observation });
  }
  return {
    times: stepTimes(marks, start),
    own: withoutModel(marks, fetchMarks, start),
    between: gaps.between,
  };
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const agentRuns: Timings[] = [];
const bareRuns: Timings[] = [];
let memory = { retainedBytes: 0, trajectoryBytes: 0 };
await agentRun(); // warm-up (also learns the observation text the bare run sends back)
await bareRun();
const condensingRuns: Timings[] = [];
for (let round = 0; round < rounds; round++) {
  const run = await agentRun();
  agentRuns.push(run);
  memory = run;
  bareRuns.push(await bareRun());
  condensingRuns.push(await agentRun(condensingConfig));
}
upstream.close();
rmSync(dir, { recursive: true, force: true });

/** Per step position, the median over rounds. */
function perStep(runs: number[][]): number[] {
  return (runs[0] as number[]).map((_, index) => median(runs.map((times) => times[index] as number)));
}
const count = steps + 1;
function table(title: string, pick: (run: Timings) => number[]): void {
  const agentSteps = perStep(agentRuns.map(pick));
  const bareSteps = perStep(bareRuns.map(pick));
  const condensingSteps = perStep(condensingRuns.map(pick));
  const length = Math.min(agentSteps.length, bareSteps.length, condensingSteps.length);
  const slices: [string, number, number][] = [
    ["all steps", 0, length],
    ["first 100", 0, 100],
    ["last 100", length - 100, length],
  ];
  console.log(`\n${title}\n`);
  console.log(
    "| steps | bare llm.complete (baseline) | agent loop (runTask) | added per step | ratio | agent loop, amortized condenser (max_size 100) | ratio |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const [name, from, to] of slices) {
    const bare = mean(bareSteps.slice(from, to));
    const loop = mean(agentSteps.slice(from, to));
    const condensing = mean(condensingSteps.slice(from, to));
    console.log(
      `| ${name} | ${bare.toFixed(3)} | ${loop.toFixed(3)} | **${(loop - bare).toFixed(3)}** | ${(loop / bare).toFixed(2)}x | ${condensing.toFixed(3)} | ${(condensing / bare).toFixed(2)}x |`,
    );
  }
}
console.log(
  `${steps} think steps + finish, ${rounds} rounds alternating; ms per step, mean over steps of the median over rounds`,
);
table("Wall time per step (model included)", (run) => run.times);
table("Without the model and the tool (time in fetch and in the tool subtracted)", (run) => run.own);
table(
  "The loop's own work: from the client's answer to its next request (tool time subtracted)",
  (run) => run.between,
);
const perStepKb = (bytes: number) => (bytes / count / 1024).toFixed(2);
console.log(
  `\nretained heap after a run (history kept): ${(memory.retainedBytes / 1024 / 1024).toFixed(2)} MB, ${perStepKb(memory.retainedBytes)} KB per step; trajectory file ${(memory.trajectoryBytes / 1024).toFixed(0)} KB, ${perStepKb(memory.trajectoryBytes)} KB per step`,
);
