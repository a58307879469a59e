/** `llmconf complete [-l NAME] [--stream] [--json] "prompt"`: one completion with a named config. */
import { type Completion, createLlmFromConfig, LlmError, type LlmEvent } from "../../llm/index.ts";
import { defineCommand } from "../command.ts";
import { type CliIo, readStdin, UsageError } from "../io.ts";
import { loadConfigOrReport } from "../load.ts";
import { configFlag, type ParsedArgs } from "../options.ts";
import { escapeControl, formatJson } from "../output.ts";

const FLAGS = {
  "llm-config": configFlag("llm-config", "the LLM config to use (default: the default config, [llm])"),
  stream: { type: "boolean", help: "print the answer as it arrives" },
  json: configFlag("json", "print { config, model, text, usage, cost, latency_ms, attempts }"),
} as const;

/** Runs `complete`. */
export default defineCommand({
  usage: 'llmconf complete [--config-file PATH] [-l NAME] [--stream] [--json] "prompt"',
  description: `Sends one prompt (or stdin, when no prompt is given) with an LLM config and prints the answer.
A summary line (config, model, tokens, cost, latency, attempts) goes to stderr.`,
  flags: FLAGS,
  positionals: true,
  run: complete,
});

/** The stderr line for a retry or a fallback, so a long wait never looks like a hang; else undefined. */
export function formatProgress(event: LlmEvent): string | undefined {
  if (event.type === "retry") {
    const wait = `${(event.waitMs / 1000).toFixed(1)} s${event.fromRetryAfter ? " (the server's Retry-After)" : ""}`;
    return `llmconf: attempt ${event.attempt}/${event.attempts} failed: ${event.message}; retrying in ${wait}`;
  }
  if (event.type === "fallback") {
    return `llmconf: config "${event.from}" failed: ${event.message}; falling back to config "${event.to}"`;
  }
  return undefined;
}

/** The stderr summary line of a completion. */
export function formatSummary(completion: Completion): string {
  const { usage, cost } = completion;
  const price = cost.usd === null ? "cost unknown" : `$${cost.usd.toFixed(6)}`;
  const via =
    completion.configName === completion.requestedConfig
      ? ""
      : ` (fallback from ${completion.requestedConfig})`;
  const attempts = `${completion.attempts} attempt${completion.attempts === 1 ? "" : "s"}`;
  return `[${completion.configName}${via}] ${completion.model} · ${usage.input_tokens} in / ${usage.output_tokens} out tokens · ${price} · ${Math.round(completion.latencyMs)} ms · ${attempts}`;
}

async function complete(parsed: ParsedArgs<typeof FLAGS>, io: CliIo): Promise<number> {
  let prompt = parsed.positionals.join(" ");
  if (prompt === "" && io.stdin.isTTY !== true) prompt = (await readStdin(io.stdin)).trim();
  if (prompt === "")
    throw new UsageError('complete needs a prompt: llmconf complete "your prompt" (or pipe it on stdin)');
  // An unset ${VAR} matters only for the config used: creating its client reports it, as an error.
  const config = await loadConfigOrReport(parsed, io, (warning) => warning.code !== "unset_variable");
  if (!config) return 1;

  const controller = new AbortController();
  const json = parsed.values.json === true;
  const streamed = parsed.values.stream === true && !json;
  const llm = createLlmFromConfig(config, config.defaultLlmName, {
    env: io.env,
    signal: controller.signal,
    // Waits can be long (8 s, 16 s, ...): every retry and fallback says what happened and what comes next.
    onEvent: (event) => {
      if (event.type === "log-failed") {
        io.stderr.write(
          `${escapeControl(`llmconf: warning: cannot write completion logs to ${event.folder} (${event.message}); log_completions_folder in [${event.configName === "llm" ? "llm" : `llm.${event.configName}`}]`)}\n`,
        );
      }
      const line = formatProgress(event);
      if (line !== undefined) io.stderr.write(`${escapeControl(line)}\n`);
    },
  });
  // Registered once the client exists: creating it throws (located) when the config needs an unset ${VAR}.
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    controller.abort();
  };
  // Once: a second Ctrl-C gets Node's default and ends the process at once.
  process.once("SIGINT", onInterrupt);
  const request = { messages: [{ role: "user" as const, content: prompt }] };
  let completion: Completion;
  try {
    if (streamed) {
      const stream = llm.stream(request);
      for await (const delta of stream) if (delta.type === "text-delta") io.stdout.write(delta.text);
      completion = await stream.completion;
    } else {
      completion = await llm.complete({ ...request, stream: parsed.values.stream === true });
    }
  } catch (error) {
    if (!(error instanceof LlmError)) throw error;
    if (streamed) io.stdout.write("\n");
    if (interrupted) {
      io.stderr.write(`llmconf: interrupted; config "${escapeControl(error.configName)}" gave no answer\n`);
      return 130;
    }
    io.stderr.write(`llmconf: ${escapeControl(error.message)}\n`);
    return 1;
  } finally {
    process.removeListener("SIGINT", onInterrupt);
  }
  if (json) {
    const output = {
      config: completion.configName,
      model: completion.model,
      text: completion.text,
      usage: completion.usage,
      cost: completion.cost.usd,
      latency_ms: Math.round(completion.latencyMs * 1000) / 1000,
      attempts: completion.attempts,
    };
    io.stdout.write(formatJson(output));
  } else {
    io.stdout.write(streamed ? "\n" : `${completion.text}\n`);
  }
  io.stderr.write(`${escapeControl(formatSummary(completion))}\n`);
  return 0;
}
