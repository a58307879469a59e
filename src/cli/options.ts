/** Flags shared by every command that reads a configuration, parsed with node:util parseArgs. */
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "./io.ts";

type OptionSpec = NonNullable<ParseArgsConfig["options"]>;

/** `--config-file` (alias `--config`), `-l`, `-c`, `-i`, `-b`, `--json`, `--help`. */
export const CONFIG_OPTIONS = {
  "config-file": { type: "string" },
  config: { type: "string" },
  "llm-config": { type: "string", short: "l" },
  "agent-cls": { type: "string", short: "c" },
  "max-iterations": { type: "string", short: "i" },
  "max-budget-per-task": { type: "string", short: "b" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const satisfies OptionSpec;

/** Parsed arguments: option values by name, and the positionals. */
export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** Parses a command's arguments; unknown flags and bad numbers are usage errors (exit 2). */
export function parseCommandArgs(
  args: string[],
  extra: OptionSpec = {},
  allowPositionals = false,
): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: { ...CONFIG_OPTIONS, ...extra }, allowPositionals, strict: true });
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
  return { values, positionals: parsed.positionals };
}

/** The workspace of `-d DIR` (default: `cwd`) as an absolute path; not a directory is a usage error. */
export async function resolveWorkspace(directory: string | undefined, cwd: string): Promise<string> {
  const path = resolve(cwd, directory ?? ".");
  const info = await stat(path).catch(() => undefined);
  if (info === undefined || !info.isDirectory()) throw new UsageError(`-d ${directory}: not a directory`);
  return path;
}
