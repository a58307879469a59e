/** `llmconf config init [--force] [--config-file PATH]`: writes a commented starter config.toml. */
import { existsSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { DEFAULT_CONFIG_FILE } from "../../config/layers.ts";
import { defineCommand } from "../command.ts";
import { INIT_TEMPLATE } from "../init-template.ts";
import { configFlag } from "../options.ts";

/** Runs `config init`. */
export default defineCommand({
  usage: "llmconf config init [--config-file PATH] [--force]",
  description: `Writes a commented starter config.toml (default ./config.toml): a default LLM config, two named
configs and two agents using them, with api_key read from \${OPENAI_API_KEY}.
Refuses to overwrite an existing file unless --force is given.`,
  flags: {
    "config-file": configFlag("config-file", "where to write it (default ./config.toml)"),
    force: { type: "boolean", help: "replace an existing file" },
  },
  run: async ({ values }, io) => {
    const named = values["config-file"] ?? values.config;
    const file = resolve(io.cwd, typeof named === "string" ? named : DEFAULT_CONFIG_FILE);
    const shown = relative(io.cwd, file) || file;
    if (existsSync(file) && values.force !== true) {
      io.stderr.write(`llmconf: ${shown} already exists; not overwriting it (use --force to replace it)\n`);
      return 1;
    }
    try {
      writeFileSync(file, INIT_TEMPLATE);
    } catch (error) {
      io.stderr.write(`llmconf: cannot write ${shown}: ${(error as Error).message}\n`);
      return 1;
    }
    io.stdout.write(
      `wrote ${shown}\nset OPENAI_API_KEY, then run: llmconf config check${typeof named === "string" ? ` --config-file ${shown}` : ""}\n`,
    );
    return 0;
  },
});
