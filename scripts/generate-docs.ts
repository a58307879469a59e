/**
 * Regenerates config.schema.json and docs/config.md from the zod schemas (`npm run generate`); a test
 * fails when the committed files differ from what this writes.
 */
import { writeFileSync } from "node:fs";
import { formatConfigReference } from "../src/config/docs.ts";
import { createConfigJsonSchema, formatJsonSchema } from "../src/config/json-schema.ts";

const root = new URL("../", import.meta.url);
const schema = createConfigJsonSchema();
writeFileSync(new URL("config.schema.json", root), formatJsonSchema(schema));
writeFileSync(new URL("docs/config.md", root), formatConfigReference(schema));
process.stdout.write("wrote config.schema.json and docs/config.md\n");
