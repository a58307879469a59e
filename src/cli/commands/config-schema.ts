/** `llmconf config schema`: prints the JSON Schema of config.toml (the same as the shipped config.schema.json). */
import { createConfigJsonSchema, formatJsonSchema } from "../../config/json-schema.ts";
import { defineCommand } from "../command.ts";

/** Runs `config schema`. */
export default defineCommand({
  usage: "llmconf config schema",
  description: `Prints the JSON Schema (draft-07) of config.toml, generated from the schema llmconf validates with.
The package ships it as config.schema.json; point Taplo / Even Better TOML at it with a first line
  #:schema ./node_modules/llmconf/config.schema.json`,
  flags: {},
  run: async (_args, io) => {
    io.stdout.write(formatJsonSchema(createConfigJsonSchema()));
    return 0;
  },
});
