/**
 * The environment an agent's commands get: llmconf's own, without the variables named like credentials
 * (`OPENAI_API_KEY`, `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, …), then `[sandbox] runtime_startup_env_vars`.
 * A command the model writes can print whatever it can read (`env`, `printenv`), and its output goes
 * to the model, the progress lines and the trajectory; so keys reach a command only when the user names
 * them in `runtime_startup_env_vars` (as Codex's shell environment policy excludes `*KEY*`, `*TOKEN*`
 * and `*SECRET*` by default).
 */
import { isCredentialName } from "../../config/secrets.ts";

/**
 * The environment for an agent's commands.
 * @example commandEnvironment(process.env, { GITHUB_TOKEN: "…" }) // no OPENAI_API_KEY, GITHUB_TOKEN as given
 */
export function commandEnvironment(
  inherited: Readonly<Record<string, string | undefined>>,
  startupVars: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(inherited)) {
    if (value === undefined) continue;
    if (isCredentialName(name)) continue;
    env[name] = value;
  }
  return Object.assign(env, startupVars);
}
