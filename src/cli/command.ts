/**
 * A command declared once: its flags are both what the parser accepts and what its help lists, so a
 * flag's name, short form, type and help live in one place.
 */
import type { CliIo, Command } from "./io.ts";
import { type Flags, type ParsedArgs, parseCommandArgs } from "./options.ts";

/** What a command declares: its help (usage, prose, flags) and what it does with the parsed arguments. */
export interface CommandSpec<F extends Flags> {
  /** The synopsis after `Usage: ` (`llmconf complete [-l NAME] "prompt"`); may run over two lines. */
  usage: string;
  /** What the command does, between the usage and the flags. */
  description: string;
  /**
   * The command's own flags and the shared ones its help lists (`configFlag`), in help order; every
   * command also accepts the other shared flags.
   */
  flags: F;
  /** Help text after the flags (exit codes, details). */
  notes?: string;
  /** Whether the command takes words after its flags (`complete "prompt"`); otherwise one is a usage error. */
  positionals?: boolean;
  /** Runs the command once its arguments parsed and `--help` was not asked for; resolves to the exit code. */
  run(args: ParsedArgs<F>, io: CliIo): Promise<number>;
}

/**
 * The help rows of the flags that have a help line, the help column after the longest flag (`-l,
 * --llm-config NAME  the LLM config …`); empty when none has one.
 */
export function formatFlagRows(flags: Flags): string {
  const rows = Object.entries(flags).flatMap(([name, flag]) => {
    if (flag.help === undefined) return [];
    const short = flag.short === undefined ? "" : `-${flag.short}, `;
    const value = flag.value === undefined ? "" : ` ${flag.value}`;
    return [{ label: `${short}--${name}${value}`, help: flag.help }];
  });
  const width = Math.max(0, ...rows.map((row) => row.label.length));
  return rows.map((row) => `  ${row.label.padEnd(width)}  ${row.help}`).join("\n");
}

/** A command's `--help` text: usage, description, the listed flags under `Options:`, then the notes. */
export function formatCommandHelp(spec: Omit<CommandSpec<Flags>, "run">): string {
  const rows = formatFlagRows(spec.flags);
  const parts = [`Usage: ${spec.usage}`, spec.description, rows === "" ? "" : `Options:\n${rows}`];
  if (spec.notes !== undefined) parts.push(spec.notes);
  return `${parts.filter((part) => part !== "").join("\n\n")}\n`;
}

/**
 * The command `main` runs: parses the arguments against the declared flags (usage errors exit 2),
 * prints the generated help for `-h`, else runs the command.
 *
 * @example export default defineCommand({ usage: "llmconf config schema", description: "…", flags: {}, run });
 */
export function defineCommand<const F extends Flags>(spec: CommandSpec<F>): Command {
  const help = formatCommandHelp(spec);
  return async (args, io) => {
    const parsed = parseCommandArgs(args, spec.flags, spec.positionals ?? false);
    if (parsed.values.help === true) {
      io.stdout.write(help);
      return 0;
    }
    return spec.run(parsed, io);
  };
}
