/** `llmconf config check [--json] [--strict]`: validate; exit 0 when valid (warnings allowed unless --strict), 1 otherwise. */
import { ConfigError, type ConfigIssue, formatIssue } from "../../config/issues.ts";
import { loadConfig } from "../../config/load.ts";
import type { CliIo } from "../io.ts";
import { loadOptionsFrom } from "../load.ts";
import { parseCommandArgs } from "../options.ts";
import { formatFileList } from "../output.ts";
import { checkProviders } from "../provider-check.ts";

const HELP = `Usage: llmconf config check [--config-file PATH] [-l NAME] [--json] [--strict]

Validates the configuration and prints every problem as PATH:LINE:COL: error: MESSAGE.
Also warns about models no llmconf provider can call, and about unset \${VAR} references in LLM
configs and MCP servers (those configs cannot be used until the variable is set).
Exit 0 when valid (warnings allowed), 1 when not.

  --strict  treat warnings as errors (for CI)
`;

/** Runs `config check`. */
export default async function configCheck(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args, { strict: { type: "boolean" } });
  if (parsed.values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  let issues: readonly ConfigIssue[];
  let files: readonly string[] = [];
  try {
    const config = await loadConfig(loadOptionsFrom(parsed, io));
    issues = [...config.warnings, ...(await checkProviders(config))];
    files = config.files;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    issues = error.issues;
  }
  if (parsed.values.strict === true)
    issues = issues.map((issue) => (issue.severity === "warning" ? { ...issue, severity: "error" } : issue));
  const ok = !issues.some((issue) => issue.severity === "error");
  if (parsed.values.json) {
    io.stdout.write(`${JSON.stringify({ ok, diagnostics: issues }, null, 2)}\n`);
  } else {
    for (const issue of issues) io.stderr.write(`${formatIssue(issue, io)}\n`);
    if (ok) {
      io.stdout.write(`ok: ${formatFileList(files, io.cwd)}\n`);
    } else {
      const errors = issues.filter((issue) => issue.severity === "error").length;
      io.stderr.write(`${errors} error${errors === 1 ? "" : "s"}\n`);
    }
  }
  return ok ? 0 : 1;
}
