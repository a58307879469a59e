/**
 * Which files make up a configuration, lowest first (H9): `~/.openhands/config.toml` (compatibility),
 * the user file, then the project file. Only the project file may be named explicitly.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";

/** A config file in the layer order, and whether a missing file is an error. */
export interface LayerFile {
  file: string;
  role: "openhands-user" | "user" | "project";
  required: boolean;
}

/** Default project file name, looked up in the working directory. */
export const DEFAULT_CONFIG_FILE = "config.toml";

/** Lists the config files to read for a working directory, environment and optional explicit file. */
export function findLayerFiles(options: {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  configFile?: string | undefined;
  /** Read the user-level files too. @default true */
  userFiles?: boolean | undefined;
}): LayerFile[] {
  const { cwd, env } = options;
  const files: LayerFile[] = [];
  const home = env.HOME ?? env.USERPROFILE;
  if (options.userFiles !== false && home) {
    const openhands = join(home, ".openhands", "config.toml");
    if (existsSync(openhands)) files.push({ file: openhands, role: "openhands-user", required: false });
    const configHome = env.XDG_CONFIG_HOME || join(home, ".config");
    const user = join(configHome, "llmconf", "config.toml");
    if (existsSync(user)) files.push({ file: user, role: "user", required: false });
  }
  const project = resolve(cwd, options.configFile ?? DEFAULT_CONFIG_FILE);
  const explicit = options.configFile !== undefined;
  if (explicit || existsSync(project)) {
    if (!files.some((layer) => layer.file === project))
      files.push({ file: project, role: "project", required: explicit });
  }
  return files;
}
