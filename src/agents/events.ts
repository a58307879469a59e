/**
 * The run's history: an append-only list of events, in the order they happened across every agent.
 * The same list is the trajectory (`save_trajectory_path`) and what progress output is drawn from.
 * Field names use snake_case like the rest of llmconf's JSON (and OpenHands' trajectories).
 */
import type { LlmConfigReason } from "../config/load.ts";
import { maskableSecrets, redactSecrets } from "../config/secrets.ts";
import type { ToolCall, Usage } from "../llm/messages.ts";

/**
 * Why an agent uses its LLM config: the config's own reasons (its `llm_config`, `[agent]`'s, `-l`, the
 * default), or `switched` when a chat session switched it with `/llm`.
 */
export type AgentLlmReason = LlmConfigReason | "switched";

/** Fields every event has. */
interface EventBase {
  /** 0-based position in the run's history. */
  id: number;
  /** ISO 8601 time the event was appended. */
  timestamp: string;
}

/** How a run (or one agent inside it) ended. */
export type RunStatus = "finished" | "error" | "budget_exceeded" | "max_iterations" | "interrupted";

/** Everything that happens in a run. */
export type RunEvent = EventBase &
  (
    | { type: "run_start"; task: string; agent: string; workspace: string; runtime: string }
    | {
        type: "agent_start";
        agent: string;
        depth: number;
        llm_config: string;
        /** Why the agent uses that config: its own `llm_config`, `[agent]`'s, `-l`, the default, or `/llm`. */
        llm_config_reason: AgentLlmReason;
        model: string;
        task: string;
      }
    | {
        type: "llm_response";
        agent: string;
        depth: number;
        /** The config that answered (a fallback's name when one was used). */
        llm_config: string;
        model: string;
        content: string | null;
        tool_calls: ToolCall[];
        usage: Usage;
        /** USD; null when the model has no price. */
        cost: number | null;
        latency_ms: number;
        attempts: number;
      }
    | {
        type: "tool_call";
        agent: string;
        depth: number;
        tool_call_id: string;
        tool: string;
        /** The arguments as the model wrote them (JSON text). */
        arguments: string;
      }
    | {
        type: "observation";
        agent: string;
        depth: number;
        tool_call_id: string;
        tool: string;
        content: string;
        /** True when the call failed (unknown tool, bad arguments, a refused path, ...). */
        error: boolean;
      }
    | CondensationEvent
    | { type: "agent_end"; agent: string; depth: number; status: RunStatus | "cap_reached"; message: string }
    | { type: "warning"; message: string }
    | {
        /** The `[mcp]` servers that started for the run, with the names their tools are called by. */
        type: "mcp_servers";
        servers: { name: string; where: string; tools: readonly string[]; pid: number | undefined }[];
      }
    | {
        type: "run_end";
        status: RunStatus;
        final_message: string;
        total_cost: number | null;
        breakdown: BreakdownRow[];
      }
  );

/**
 * An agent's condenser shortened what the model is shown (see src/agents/condensers): events forgotten
 * for good (with a summary of them when the condenser writes one), hidden by a sliding window, or masked.
 */
export interface CondensationEvent {
  type: "condensation";
  /** The agent whose history was condensed. */
  agent: string;
  depth: number;
  /** The condenser type that acted (a pipeline's member), and its config, secrets masked. */
  condenser: string;
  config: Record<string, unknown>;
  /** `size`: the history reached the condenser's size or window; `context_window_exceeded`: the provider said the prompt is too long. */
  reason: "size" | "context_window_exceeded";
  /** History ids of the events forgotten or newly hidden (a message with no event of its own has none). */
  forgotten_event_ids: number[];
  /** How many messages were forgotten or newly hidden. */
  forgotten: number;
  /** History ids of the observations whose content is newly masked. */
  masked_event_ids: number[];
  /** The summary that now stands in for every event forgotten so far, or null. */
  summary: string | null;
  /** Events the model is shown, before and after. */
  events_before: number;
  events_after: number;
  /** The condenser's own LLM call (null when it made none): the config it is billed under, tokens, USD. */
  llm_config: string | null;
  model: string | null;
  usage: Usage | null;
  cost: number | null;
}

/** One row of the bill: an agent × named config × model. */
export interface BreakdownRow {
  agent: string;
  llm_config: string;
  model: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  /** USD; null when some of the calls had no price. */
  cost: number | null;
}

/** An event before the history numbers and stamps it. */
export type NewRunEvent = RunEvent extends infer Event
  ? Event extends RunEvent
    ? Omit<Event, "id" | "timestamp">
    : never
  : never;

/** The append-only history of a run, with listeners (progress, trajectory) told of every event. */
export interface History {
  readonly events: readonly RunEvent[];
  append(event: NewRunEvent): RunEvent;
}

/**
 * Creates an empty history. Every secret in `secrets` is masked in events before they are stored or
 * shown, so no listener (progress, trajectory) can leak one a command printed or a model repeated.
 * @example const history = createHistory([(event) => writer.write(event)], { secrets: [apiKey] });
 */
export function createHistory(
  listeners: readonly ((event: RunEvent) => void)[],
  options: { secrets?: readonly string[]; now?: () => Date } = {},
): History {
  const events: RunEvent[] = [];
  const secrets = maskableSecrets(options.secrets ?? []);
  const now = options.now ?? (() => new Date());
  return {
    events,
    append(event) {
      let stamped = { id: events.length, timestamp: now().toISOString(), ...event } as RunEvent;
      if (secrets.length > 0) {
        const text = JSON.stringify(stamped);
        if (secrets.some((secret) => text.includes(secret)))
          stamped = JSON.parse(redactSecrets(text, secrets));
      }
      events.push(stamped);
      for (const listener of listeners) listener(stamped);
      return stamped;
    },
  };
}
