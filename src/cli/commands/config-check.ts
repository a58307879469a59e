/** `llmconf config check [--json] [--strict]`: validate; exit 0 when valid (warnings allowed unless --strict), 1 otherwise. */
import { ConfigError, type ConfigIssue } from "../../config/issues.ts";
import { type Config, loadConfig } from "../../config/load.ts";
import { defineCommand } from "../command.ts";
import type { CliIo } from "../io.ts";
import { loadOptionsFrom } from "../load.ts";
import type { ParsedArgs } from "../options.ts";
import { formatDiagnostic, formatFileList, formatJson } from "../output.ts";
import { checkProviders } from "../provider-check.ts";

const FLAGS = { strict: { type: "boolean", help: "treat warnings as errors (for CI)" } } as const;

/** Runs `config check`. */
export default defineCommand({
  usage: "llmconf config check [--config-file PATH] [-l NAME] [--json] [--strict]",
  description: `Validates the configuration and prints every problem as PATH:LINE:COL: error: MESSAGE.
Also warns about models no llmconf provider can call, and about unset \${VAR} references in LLM
configs and MCP servers (those configs cannot be used until the variable is set).
Exit 0 when valid (warnings allowed), 1 when not.`,
  flags: FLAGS,
  run: configCheck,
});

async function configCheck(parsed: ParsedArgs<typeof FLAGS>, io: CliIo): Promise<number> {
  let issues: readonly ConfigIssue[];
  let files: readonly string[] = [];
  try {
    const config = await loadConfig(loadOptionsFrom(parsed, io));
    issues = [
      ...config.warnings,
      ...(await checkProviders(config)),
      ...(await checkCustomAgents(config, io.cwd)),
    ];
    files = config.files;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues = error.issues;
  }
  if (parsed.values.strict === true)
    issues = issues.map((issue) => (issue.severity === "warning" ? { ...issue, severity: "error" } : issue));
  const ok = !issues.some((issue) => issue.severity === "error");
  if (parsed.values.json) {
    io.stdout.write(formatJson({ ok, diagnostics: issues }));
  } else {
    for (const issue of issues) io.stderr.write(`${formatDiagnostic(issue, io)}\n`);
    if (ok) {
      io.stdout.write(`ok: ${formatFileList(files, io.cwd)}\n`);
    } else {
      const errors = issues.filter((issue) => issue.severity === "error").length;
      io.stderr.write(`${errors} error${errors === 1 ? "" : "s"}\n`);
    }
  }
  return ok ? 0 : 1;
}

/** Loads every custom agent (`[agent.<Name>] classpath`) as `run` would; the agents code loads only when one is declared. */
async function checkCustomAgents(config: Config, cwd: string): Promise<readonly ConfigIssue[]> {
  if (!Object.values(config.agents).some((agent) => agent.classpath !== null)) return [];
  const [{ loadClasspathAgents }, { BUILTIN_AGENTS }] = await Promise.all([
    import("../../agents/classpath.ts"),
    import("../../agents/builtin-agents.ts"),
  ]);
  const reserved = BUILTIN_AGENTS.map((agent) => agent.name);
  return (await loadClasspathAgents(config, { reserved, cwd })).issues;
}
