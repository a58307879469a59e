/** `llmconf config schema`: prints the JSON Schema of config.toml (the same as the shipped config.schema.json). */
import { createConfigJsonSchema, formatJsonSchema } from "../../config/json-schema.ts";
import type { CliIo } from "../io.ts";
import { parseCommandArgs } from "../options.ts";

const HELP = `Usage: llmconf config schema

Prints the JSON Schema (draft-07) of config.toml, generated from the schema llmconf validates with.
The package ships it as config.schema.json; point Taplo / Even Better TOML at it with a first line
  #:schema ./node_modules/llmconf/config.schema.json
`;

/** Runs `config schema`. */
export default async function configSchema(args: string[], io: CliIo): Promise<number> {
  const parsed = parseCommandArgs(args);
  if (parsed.values.help) {
    io.stdout.write(HELP);
    return 0;
  }
  io.stdout.write(formatJsonSchema(createConfigJsonSchema()));
  return 0;
}
