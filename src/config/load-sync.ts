/**
 * `loadConfigSync`: `loadConfig` for callers that cannot await, such as an AI SDK provider created at
 * module scope. The same pipeline; only the positions parser is imported up front instead of on demand.
 */
import { parseTOML } from "toml-eslint-parser";
import { type Config, finishConfig, gatherConfig, type LoadConfigOptions } from "./load.ts";
import { locateKeysWith } from "./parse.ts";

/**
 * Loads, validates and resolves the configuration synchronously; throws one `ConfigError` listing every
 * problem, located like `loadConfig`'s.
 * @example const config = loadConfigSync({ configFile: "config.toml" });
 */
export function loadConfigSync(options: LoadConfigOptions = {}): Config {
  const gathered = gatherConfig(options);
  return finishConfig(gathered, (file) => {
    const text = gathered.texts.get(file);
    return text === undefined ? undefined : locateKeysWith(parseTOML, text);
  });
}
