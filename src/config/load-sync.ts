/**
 * `loadConfigSync`: `loadConfig` for callers that cannot await, such as an AI SDK provider created at
 * module scope: the same pipeline, whose key-position scan is synchronous anyway.
 */
import { type Config, finishConfig, gatherConfig, type LoadConfigOptions } from "./load.ts";
import { locateKeys } from "./parse.ts";

/**
 * Loads, validates and resolves the configuration synchronously; throws one `ConfigError` listing every
 * problem, located like `loadConfig`'s.
 * @example const config = loadConfigSync({ configFile: "config.toml" });
 */
export function loadConfigSync(options: LoadConfigOptions = {}): Config {
  const gathered = gatherConfig(options);
  return finishConfig(gathered, (file) => {
    const text = gathered.texts.get(file);
    return text === undefined ? undefined : locateKeys(text);
  });
}
