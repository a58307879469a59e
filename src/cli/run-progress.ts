/**
 * What `llmconf run` shows on stderr while it works: which agent acts (with its config and model), each
 * tool call in one line, delegations indented, retries, warnings and the spend so far. On a terminal a
 * status line at the bottom updates in place; elsewhere every line is plain and the spend rides along.
 */
import type { CondensationEvent, RunEvent } from "../agents/events.ts";
import { formatUsd } from "../agents/ledger.ts";
import type { LlmEvent } from "../llm/client.ts";
import { LLM_CONFIG_REASONS } from "./explain-text.ts";
import type { TextOut } from "./io.ts";
import { escapeControl, type Paint, safeText } from "./output.ts";

/** Receives a run's events and draws them. */
export interface RunProgress {
  onEvent(event: RunEvent): void;
  onLlmEvent(agent: { name: string; depth: number }, event: LlmEvent): void;
  /** Prints a line of the caller's own at a depth (chat: the agent's text, a tool's result), above the status line. */
  print(depth: number, text: string): void;
  /** Clears the status line (before the final table). */
  finish(): void;
}

const maxSummary = 100;

/** Text on one line, whitespace runs folded, cut with `…` past `max` characters. */
export function oneLine(text: string, max = maxSummary): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** A tool call as one short line: the arguments that say what it does. */
export function summarizeToolCall(tool: string, argumentsText: string): string {
  let args: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(argumentsText || "{}");
    if (typeof parsed === "object" && parsed !== null) args = parsed as Record<string, unknown>;
  } catch {
    return `${tool} ${oneLine(argumentsText)}`;
  }
  const text = (key: string) => (typeof args[key] === "string" ? (args[key] as string) : "");
  switch (tool) {
    case "execute_bash":
      return `$ ${oneLine(text("command"))}`;
    case "str_replace_editor":
      return `${text("command")} ${text("path")}`;
    case "delegate":
      return `delegate → ${text("agent")}: ${oneLine(text("task"), 80)}`;
    case "think":
      return `think: ${oneLine(text("thought"), 80)}`;
    case "finish":
      return `finish: ${oneLine(text("message"), 80)}`;
    case "grep":
      return `grep ${JSON.stringify(text("pattern"))}${text("path") ? ` in ${text("path")}` : ""}${text("include") ? ` (${text("include")})` : ""}`;
    case "glob":
      return `glob ${text("pattern")}${text("path") ? ` in ${text("path")}` : ""}`;
    case "view":
      return `view ${text("path")}`;
    default:
      return `${tool} ${oneLine(argumentsText)}`;
  }
}

/** A condensation as one short line: what the condenser did, and on which config it summarised. */
export function summarizeCondensation(event: CondensationEvent): string {
  const did = [
    event.forgotten > 0 ? `forgot ${event.forgotten} event${event.forgotten === 1 ? "" : "s"}` : "",
    event.masked_event_ids.length > 0
      ? `masked ${event.masked_event_ids.length} observation${event.masked_event_ids.length === 1 ? "" : "s"}`
      : "",
  ].filter((part) => part !== "");
  const why = event.reason === "context_window_exceeded" ? " (prompt too long)" : "";
  const by = event.llm_config === null ? "" : `, summary by ${event.llm_config} · ${event.model}`;
  return escapeControl(
    `condensed (${event.condenser})${why}: ${did.join(", ") || "nothing"}, ${event.events_before} → ${event.events_after} events${by}`,
  );
}

/** A retry or a fallback as one line (unescaped); undefined for what a run does not show. */
function formatLlmProgress(event: LlmEvent): string | undefined {
  if (event.type === "retry") {
    const wait = `${(event.waitMs / 1000).toFixed(1)} s`;
    return `${event.configName}: ${oneLine(event.message)}; retrying in ${wait} (attempt ${event.attempt + 1} of ${event.attempts})`;
  }
  if (event.type === "fallback") return `${event.from} failed (${event.kind}); falling back to ${event.to}`;
  return undefined;
}

/** Who acts on which config, for the status line (names from the config file, escaped). */
function acting(event: { agent: string; llm_config: string; model: string }): string {
  return escapeControl(`${event.agent} · ${event.llm_config} · ${event.model}`);
}

/**
 * Creates the progress display for one run.
 * @example const progress = createRunProgress(process.stderr, { live: process.stderr.isTTY, paint });
 */
export function createRunProgress(out: TextOut, options: { live: boolean; paint: Paint }): RunProgress {
  const { live, paint } = options;
  let spent = 0;
  let unpriced = 0;
  let steps = 0;
  let current = "";
  let statusShown = false;

  const spendText = () =>
    `${formatUsd(spent)}${unpriced > 0 ? ` + ${unpriced} unpriced call${unpriced === 1 ? "" : "s"}` : ""}`;
  const clearStatus = () => {
    if (statusShown) out.write("\r\u001b[2K");
    statusShown = false;
  };
  const drawStatus = () => {
    if (!live || current === "") return;
    const columns = (out as { columns?: number }).columns ?? 100;
    const status = `${current} · step ${steps} · ${spendText()}`;
    out.write(
      `\r\u001b[2K${paint(2, status.length > columns - 1 ? `${status.slice(0, columns - 2)}…` : status)}`,
    );
    statusShown = true;
  };
  const line = (depth: number, text: string) => {
    clearStatus();
    out.write(`${"  ".repeat(depth)}${text}\n`);
    drawStatus();
  };

  return {
    onEvent(event) {
      switch (event.type) {
        case "agent_start":
          current = acting(event);
          line(
            event.depth,
            `${paint(1, escapeControl(event.agent))} ${paint(2, escapeControl(`[${event.llm_config} · ${event.model}] (${LLM_CONFIG_REASONS[event.llm_config_reason]})`))}`,
          );
          break;
        case "llm_response":
          steps += 1;
          if (event.cost === null) unpriced += 1;
          else spent += event.cost;
          current = acting(event);
          drawStatus();
          break;
        case "tool_call": {
          const spend = live ? "" : paint(2, `  (${spendText()})`);
          // The model writes the arguments: an ESC in them must not reach the terminal as one.
          line(event.depth + 1, `${escapeControl(summarizeToolCall(event.tool, event.arguments))}${spend}`);
          break;
        }
        case "observation":
          if (event.error) line(event.depth + 1, paint(33, `! ${escapeControl(oneLine(event.content))}`));
          break;
        case "agent_end":
          if (event.depth > 0) {
            const mark = event.status === "finished" ? paint(32, "done") : paint(33, "stopped");
            const why = event.status === "finished" ? "" : `: ${escapeControl(oneLine(event.message))}`;
            line(event.depth, `${escapeControl(event.agent)} ${mark}${why}`);
          }
          break;
        case "condensation":
          if (event.cost === null && event.llm_config !== null) unpriced += 1;
          else if (event.cost !== null) spent += event.cost;
          line(event.depth + 1, paint(36, summarizeCondensation(event)));
          break;
        case "warning":
          // A warning may span lines (an MCP server's stderr): each line escaped, the lines kept.
          line(0, paint(33, `warning: ${safeText(event.message)}`));
          break;
        case "mcp_servers":
          for (const server of event.servers) {
            const tools = server.tools.length === 0 ? "no tools" : server.tools.join(", ");
            line(0, paint(2, escapeControl(`MCP server "${server.name}": ${tools}`)));
          }
          break;
        default:
          break;
      }
    },
    onLlmEvent(agent, event) {
      const text = formatLlmProgress(event);
      if (text !== undefined) line(agent.depth + 1, paint(33, escapeControl(text)));
    },
    print: line,
    finish: clearStatus,
  };
}
