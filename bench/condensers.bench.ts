/**
 * What a condenser costs per step, without the model: a 1000-step conversation (a call and its 200-character
 * result per step) grows, and before each step the agent's condenser gives the view to send. The baseline,
 * in the same run, is serialising the whole conversation once (what every call pays for its request body).
 * First vs last 100 steps shows whether a condenser's cost grows with the history. Summarising condensers
 * are measured without their LLM call (a rolling `amortized` does the same bookkeeping).
 *
 * Run: node --import tsx bench/condensers.bench.ts [steps, default 1000] [rounds, default 3]
 */
import { createAgentCondenser } from "../src/agents/condensers/agent-condenser.ts";
import { createCondenser } from "../src/agents/condensers/create-condenser.ts";
import { appendSampleStep, createSampleConversation } from "../src/agents/condensers/sample-conversation.ts";
import { createHistory } from "../src/agents/events.ts";
import type { ResolvedCondenserConfig } from "../src/config/schema.ts";
import { median } from "./measure.ts";

const steps = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 3);
const owner = { name: "BenchAgent", depth: 0 };

const variants: [string, ResolvedCondenserConfig | null][] = [
  ["baseline: JSON.stringify(conversation)", null],
  ["conversation_window (idle until too long)", { type: "conversation_window" }],
  ["amortized, max_size 100", { type: "amortized", keep_first: 1, max_size: 100 }],
  ["recent, max_events 100", { type: "recent", keep_first: 1, max_events: 100 }],
  ["observation_masking, attention_window 20", { type: "observation_masking", attention_window: 20 }],
];

/** Per step, the time to get the view to send (or, for the baseline, to serialise the conversation). */
async function measure(config: ResolvedCondenserConfig | null): Promise<number[]> {
  const history = createHistory([]);
  history.append({
    type: "agent_start",
    agent: owner.name,
    depth: 0,
    llm_config: "llm",
    llm_config_reason: "default",
    model: "m",
    task: "The task",
  });
  const condensing =
    config === null
      ? undefined
      : createAgentCondenser(
          createCondenser(config, () => {
            throw new Error("no LLM in this benchmark");
          }),
          owner,
        );
  const messages = createSampleConversation([]);
  const times: number[] = [];
  for (let step = 0; step < steps; step++) {
    appendSampleStep(messages, 1, step, 200);
    history.append({
      type: "llm_response",
      agent: owner.name,
      depth: 0,
      llm_config: "llm",
      model: "m",
      content: `thought ${step}`,
      tool_calls: [],
      usage: { input_tokens: 1, output_tokens: 1, cache_read_tokens: 0, cache_write_tokens: 0 },
      cost: 0,
      latency_ms: 1,
      attempts: 1,
    });
    history.append({
      type: "observation",
      agent: owner.name,
      depth: 0,
      tool_call_id: `call_${step}_0`,
      tool: "think",
      content: "result",
      error: false,
    });
    const start = performance.now();
    if (condensing === undefined) JSON.stringify(messages);
    else await condensing.viewFor(messages, { history, requested: false });
    times.push(performance.now() - start);
  }
  return times;
}

const results = new Map<string, number[][]>(variants.map(([name]) => [name, []]));
for (let round = 0; round <= rounds; round++) {
  for (const [name, config] of variants) {
    const times = await measure(config);
    if (round > 0) results.get(name)?.push(times); // round 0 warms up
  }
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const perStep = (runs: number[][]) =>
  (runs[0] as number[]).map((_, index) => median(runs.map((times) => times[index] as number)));
const baseline = perStep(results.get(variants[0]?.[0] as string) as number[][]);
console.log(`${steps} steps, ${rounds} rounds; µs per step (mean over steps of the median over rounds)\n`);
console.log("| condenser | first 100 | last 100 | all | all, vs baseline |");
console.log("|---|---|---|---|---|");
for (const [name] of variants) {
  const times = perStep(results.get(name) as number[][]);
  const us = (values: number[]) => (mean(values) * 1000).toFixed(1);
  console.log(
    `| ${name} | ${us(times.slice(0, 100))} | ${us(times.slice(-100))} | ${us(times)} | ${(mean(times) / mean(baseline)).toFixed(2)}x |`,
  );
}
