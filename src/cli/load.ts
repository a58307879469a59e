/** Loads the configuration for a command, printing diagnostics compiler-style on failure. */
import { ConfigError, type ConfigIssue } from "../config/issues.ts";
import { type Config, loadConfig } from "../config/load.ts";
import type { CliIo } from "./io.ts";
import type { ParsedArgs } from "./options.ts";
import { formatDiagnostic } from "./output.ts";

/** The `loadConfig` options the shared flags ask for. */
export function loadOptionsFrom(args: ParsedArgs, io: CliIo) {
  const { values } = args;
  const text = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  return {
    configFile: text("config-file") ?? text("config"),
    cwd: io.cwd,
    // The real environment also gets ./.env (loadConfig's default); an injected one is used as is.
    env: io.env === process.env ? undefined : io.env,
    cli: {
      llmConfig: text("llm-config"),
      agentCls: text("agent-cls"),
      maxIterations: text("max-iterations"),
      maxBudgetPerTask: text("max-budget-per-task"),
    },
  };
}

/**
 * The configuration, or undefined after printing every problem (the command then exits 1). Warnings
 * are printed too, those `printWarning` keeps (all by default).
 */
export async function loadConfigOrReport(
  args: ParsedArgs,
  io: CliIo,
  printWarning: (warning: ConfigIssue) => boolean = () => true,
): Promise<Config | undefined> {
  try {
    const config = await loadConfig(loadOptionsFrom(args, io));
    for (const warning of config.warnings)
      if (printWarning(warning)) io.stderr.write(`${formatDiagnostic(warning, io)}\n`);
    return config;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const issue of error.issues) io.stderr.write(`${formatDiagnostic(issue, io)}\n`);
    return undefined;
  }
}
