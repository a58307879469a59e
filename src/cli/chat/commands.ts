/**
 * The slash commands of `llmconf chat`: /help, /exit, /new, /status, /agent, /llm, /config. Each
 * returns the text to show; a command that cannot be done as asked changes nothing and says why.
 */
import { type Session, SessionInputError } from "../../agents/session.ts";
import { explainAgentConfig } from "../../config/explain.ts";
import { didYouMean } from "../../config/suggest.ts";
import { formatWhere, LLM_CONFIG_REASONS } from "../explain-text.ts";
import { escapeControl, formatFileList, formatTable, type Paint } from "../output.ts";
import { formatRunTable } from "../run-report.ts";

/** What a command printed, and whether the session ends. */
export interface ChatCommandResult {
  text: string;
  /** True when the command could not be done (unknown command, agent or config). */
  error: boolean;
  exit: boolean;
}

/** The commands and what they do, for /help and did-you-mean. */
export const CHAT_COMMANDS: Readonly<Record<string, string>> = {
  "/help": "this list",
  "/exit": "leave the session (also Ctrl-D, or Ctrl-C twice at an empty prompt)",
  "/new": "start a fresh conversation (the spend so far stays in /status)",
  "/status": "calls, tokens and cost so far, per agent and per named config, and the total",
  "/agent NAME": "switch to another agent (the conversation carries over); without NAME, list them",
  "/llm NAME": "rebuild the active agent's client from another named config; without NAME, list them",
  "/config": "which config each agent uses, and why (as config explain says)",
};

const commandNames = Object.keys(CHAT_COMMANDS).map((usage) => usage.split(" ")[0] as string);

/** Whether a line is a slash command rather than a task. */
export function isChatCommand(line: string): boolean {
  return /^\/[a-z]*(\s|$)/i.test(line.trim());
}

function help(): string {
  const width = Math.max(...Object.keys(CHAT_COMMANDS).map((usage) => usage.length));
  const lines = Object.entries(CHAT_COMMANDS).map(([usage, what]) => `  ${usage.padEnd(width)}  ${what}`);
  return `Type a task; the agent works on it and answers. Commands:\n${lines.join("\n")}\nCtrl-C stops the task in progress and keeps the conversation.`;
}

/** `/status`: the session's bill as `run` prints it, a row of zeros before the first call. */
export function formatStatus(session: Session): string {
  const { name, llmConfig, model } = session.active;
  const head = `Active: ${name} on ${llmConfig} (${model}); ${session.messages.length} messages in the conversation`;
  return `${escapeControl(head)}\n\n${formatRunTable(session.rows())}`;
}

/** `/config`: each agent's config and why, as `config explain` says; the active agent marked. */
async function formatAgentConfigs(session: Session, cwd: string, paint: Paint): Promise<string> {
  const { config } = session.setup;
  const active = session.active.name;
  const rows: string[][] = [];
  for (const agent of session.setup.registry.names()) {
    const choice = session.llmChoiceOf(agent);
    const where =
      choice.reason === "switched"
        ? ""
        : formatWhere((await explainAgentConfig(config, agent)).llm_config_source, cwd);
    const why = choice.reason === "cli" ? `-l ${choice.name}` : LLM_CONFIG_REASONS[choice.reason];
    rows.push([
      `${agent}${agent === active ? " *" : ""}`,
      choice.name,
      config.getLlmConfig(choice.name).model,
      `${why}${where}`,
    ]);
  }
  return `${paint(1, `Agents and their LLM configs (${formatFileList(config.files, cwd)})`)}\n${formatTable(
    ["agent", "config", "model", "why"],
    rows,
    { paint },
  )}\n* the active agent`;
}

function listAgents(session: Session): string {
  const names = session.setup.registry.names();
  const list = names.map((name) => (name === session.active.name ? `${name} *` : name)).join(", ");
  // Custom agents are named in the config file.
  return `${escapeControl(`Agents: ${list}`)}\nSwitch with /agent NAME.`;
}

function listConfigs(session: Session): string {
  const names = Object.keys(session.setup.config.llms);
  const list = names.map((name) => (name === session.active.llmConfig ? `${name} *` : name)).join(", ");
  return escapeControl(`LLM configs: ${list}\nSwitch ${session.active.name} with /llm NAME.`);
}

/**
 * Runs one slash command against a session.
 * @example const { text, exit } = await runChatCommand("/llm cheap", session, { cwd, paint });
 */
export async function runChatCommand(
  line: string,
  session: Session,
  options: { cwd: string; paint: Paint },
): Promise<ChatCommandResult> {
  const [command = "", ...rest] = line.trim().split(/\s+/);
  const argument = rest.join(" ");
  const done = (text: string, exit = false): ChatCommandResult => ({ text, error: false, exit });
  try {
    switch (command.toLowerCase()) {
      case "/help":
        return done(help());
      case "/exit":
      case "/quit":
        return done("", true);
      case "/new":
        session.reset();
        return done("New conversation. The spend so far stays in /status.");
      case "/status":
        return done(formatStatus(session));
      case "/config":
        return done(await formatAgentConfigs(session, options.cwd, options.paint));
      case "/agent": {
        if (argument === "") return done(listAgents(session));
        const active = session.useAgent(argument);
        return done(escapeControl(`Agent: ${active.name} on ${active.llmConfig} (${active.model})`));
      }
      case "/llm": {
        if (argument === "") return done(listConfigs(session));
        const active = session.useLlm(argument);
        return done(escapeControl(`${active.name} now uses ${active.llmConfig} (${active.model})`));
      }
      default: {
        const suggestion = didYouMean(command, commandNames);
        const hint = suggestion ? `; did you mean ${suggestion}?` : "";
        return {
          text: escapeControl(`unknown command ${command}${hint} (/help lists them)`),
          error: true,
          exit: false,
        };
      }
    }
  } catch (error) {
    if (!(error instanceof SessionInputError)) throw error;
    return { text: escapeControl(error.message), error: true, exit: false };
  }
}
