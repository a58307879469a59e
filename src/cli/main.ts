/** The `llmconf` command: dispatches to a command module, loaded only when it runs (fast start-up). */
import { readFileSync } from "node:fs";
import { ConfigError } from "../config/issues.ts";
import { formatFlagRows } from "./command.ts";
import { type CliIo, type Command, UsageError } from "./io.ts";
import { CONFIG_FLAGS, configFlag, type Flags } from "./options.ts";
import { escapeControl, formatDiagnostic } from "./output.ts";

type Loader = () => Promise<{ default: Command }>;

/** Every command by its words; each module is imported only when that command runs. */
const COMMANDS: Record<string, { load: Loader; summary: string }> = {
  "config check": {
    load: () => import("./commands/config-check.ts"),
    summary: "validate the configuration (exit 1 on errors)",
  },
  "config show": {
    load: () => import("./commands/config-show.ts"),
    summary: "print the resolved configuration",
  },
  "config explain": {
    load: () => import("./commands/config-explain.ts"),
    summary: "show where every value comes from, and which config each agent uses",
  },
  "config schema": { load: () => import("./commands/config-schema.ts"), summary: "print the JSON Schema" },
  "config init": { load: () => import("./commands/config-init.ts"), summary: "write a starter config.toml" },
  complete: { load: () => import("./commands/complete.ts"), summary: "send one prompt with an LLM config" },
  serve: {
    load: () => import("./commands/serve.ts"),
    summary: "serve every named config as a model behind the OpenAI API",
  },
  run: {
    load: () => import("./commands/run.ts"),
    summary: "run an agent on a task (each agent on its own config)",
  },
  chat: {
    load: () => import("./commands/chat.ts"),
    summary: "talk to an agent: tasks in one conversation, /status, /llm, Ctrl-C to stop a step",
  },
};

/** The shared flags this help lists, and the version flag only `llmconf` itself takes. */
const COMMON_FLAGS = {
  "config-file": CONFIG_FLAGS["config-file"],
  "llm-config": configFlag("llm-config", "the default LLM config for agents that do not name one"),
  json: CONFIG_FLAGS.json,
  help: CONFIG_FLAGS.help,
  version: { type: "boolean", short: "v", help: "print the version" },
} as const satisfies Flags;

/** Whether `arg` is the flag `name` of {@link COMMON_FLAGS}, long or short. */
function isFlag(arg: string | undefined, name: "help" | "version"): boolean {
  return arg === `--${name}` || arg === `-${COMMON_FLAGS[name].short}`;
}

const HELP = `llmconf: named LLM configurations (OpenHands-compatible config.toml)

Usage: llmconf <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(18)} ${summary}`)
  .join("\n")}

Common options:
${formatFlagRows(COMMON_FLAGS)}

Exit codes: 0 ok, 1 invalid configuration or failed run, 2 usage error.
`;

/** Runs the CLI with the given arguments and returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || isFlag(first, "help") || first === "help") {
    io.stdout.write(HELP);
    return first === undefined ? 2 : 0;
  }
  if (isFlag(first, "version")) {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    io.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  // Object.hasOwn: `llmconf constructor` is an unknown command, not Object.prototype's.
  const lookup = (name: string) => (Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined);
  const twoWords = lookup(`${first} ${second}`);
  const command = twoWords ?? lookup(first);
  if (!command) {
    const group = Object.keys(COMMANDS).filter((name) => name.startsWith(`${first} `));
    const hint = group.length > 0 ? `; try: ${group.join(", ")}` : "; run llmconf --help";
    io.stderr.write(
      `llmconf: unknown command "${escapeControl(argv.slice(0, group.length > 0 ? 2 : 1).join(" "))}"${hint}\n`,
    );
    return 2;
  }
  const rest = argv.slice(twoWords ? 2 : 1);
  try {
    const { default: run } = await command.load();
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`llmconf: ${escapeControl(error.message)}\n`);
      return 2;
    }
    if (error instanceof ConfigError) {
      for (const issue of error.issues) io.stderr.write(`${formatDiagnostic(issue, io)}\n`);
      return 1;
    }
    throw error;
  }
}
