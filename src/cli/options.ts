/**
 * Flags as commands declare them, the flags every command shares, and parsing with node:util
 * parseArgs: one declaration gives both the parser's options and the help rows (see command.ts).
 */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./io.ts";

/** One flag: the parser reads `type` and `short`, the help lists `value` and `help`. */
export interface FlagSpec {
  /** `string` takes a value, `boolean` does not. */
  readonly type: "string" | "boolean";
  /** The one-letter form (`l` for `-l`). */
  readonly short?: string;
  /** The value's placeholder in help (`NAME`, `PATH`). */
  readonly value?: string;
  /** The help line; a flag without one is accepted but not listed (an alias, or a flag the help's prose describes). */
  readonly help?: string;
}

/** A command's flags by long name, in the order its help lists them. */
export type Flags = Readonly<Record<string, FlagSpec>>;

/** Parsed values of some flags: a string for a `string` flag, true for a `boolean` one, absent when not given. */
export type FlagValues<F extends Flags> = {
  [Name in keyof F]?: F[Name] extends { type: "boolean" } ? boolean : string;
};

/**
 * The flags every command accepts (a script may pass the same ones to any command): `--config-file`
 * (alias `--config`), `-l`, `-c`, `-i`, `-b`, `--json`, `--help`. A command's help lists those it
 * names in its own flags.
 */
export const CONFIG_FLAGS = {
  "config-file": {
    type: "string",
    value: "PATH",
    help: "the project config file (alias --config; default ./config.toml)",
  },
  config: { type: "string", value: "PATH" },
  "llm-config": {
    type: "string",
    short: "l",
    value: "NAME",
    help: "the LLM config for agents that do not name one",
  },
  "agent-cls": {
    type: "string",
    short: "c",
    value: "AGENT",
    help: "the agent to run (default: [core] default_agent, CodeActAgent)",
  },
  "max-iterations": {
    type: "string",
    short: "i",
    value: "N",
    help: "stop after N LLM calls over all agents (default 500)",
  },
  "max-budget-per-task": {
    type: "string",
    short: "b",
    value: "USD",
    help: "stop when the run has spent this much",
  },
  json: { type: "boolean", help: "machine-readable output" },
  help: { type: "boolean", short: "h", help: "help for a command" },
} as const satisfies Flags;

/** The shared flags' declarations. */
export type ConfigFlags = typeof CONFIG_FLAGS;

/** `-d DIR`, the workspace of `run` and `chat` (checked by {@link resolveWorkspace}). */
export const DIRECTORY_FLAG = {
  type: "string",
  short: "d",
  value: "DIR",
  help: "the workspace (default: the current directory)",
} as const satisfies FlagSpec;

/** A shared flag as a command lists it: with its own help line when the command says more (or less). */
export function configFlag<Name extends keyof ConfigFlags>(
  name: Name,
  help?: string,
): ConfigFlags[Name] & FlagSpec {
  return help === undefined ? CONFIG_FLAGS[name] : { ...CONFIG_FLAGS[name], help };
}

/** Parsed arguments: flag values by long name (the shared ones and the command's), and the positionals. */
export interface ParsedArgs<F extends Flags = Flags> {
  values: FlagValues<ConfigFlags & F>;
  positionals: string[];
}

/** The flags as node:util parseArgs options (only what the parser reads). */
function toParseOptions(flags: Flags): NonNullable<ParseArgsConfig["options"]> {
  return Object.fromEntries(
    Object.entries(flags).map(([name, flag]) => [
      name,
      flag.short === undefined ? { type: flag.type } : { type: flag.type, short: flag.short },
    ]),
  );
}

/** Parses a command's arguments (the shared flags and `flags`); unknown flags and bad numbers are usage errors (exit 2). */
export function parseCommandArgs<F extends Flags = Record<never, FlagSpec>>(
  args: string[],
  flags: F = {} as F,
  allowPositionals = false,
): ParsedArgs<F> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    const options = toParseOptions({ ...CONFIG_FLAGS, ...flags });
    parsed = parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  for (const flag of ["config-file", "config"]) {
    // An empty path would resolve to the working directory itself.
    if (values[flag] === "") throw new UsageError(`--${flag} needs a path to a config file, not ""`);
  }
  const iterations = values["max-iterations"];
  if (typeof iterations === "string" && !/^\s*\+?\d+\s*$/.test(iterations)) {
    throw new UsageError(`-i/--max-iterations takes a whole number of 0 or more, not "${iterations}"`);
  }
  const budget = values["max-budget-per-task"];
  const usd = Number(budget);
  if (typeof budget === "string" && (budget.trim() === "" || !Number.isFinite(usd) || usd < 0)) {
    throw new UsageError(`-b/--max-budget-per-task takes a number of USD of 0 or more, not "${budget}"`);
  }
  return { values: values as FlagValues<ConfigFlags & F>, positionals: parsed.positionals };
}

/** The workspace of `-d DIR` (default: `cwd`) as an absolute path; not a directory is a usage error. */
export async function resolveWorkspace(directory: string | undefined, cwd: string): Promise<string> {
  const path = resolve(cwd, directory ?? ".");
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) throw new UsageError(`-d ${directory}: not a directory`);
  return path;
}
