import assert from "node:assert/strict";
import { test } from "node:test";
import { EFFECTS } from "./effect.ts";
import {
  agentSchema,
  condenserSchemas,
  fieldNames,
  llmSchema,
  plainSectionSchemas,
  SECTION_NAMES,
} from "./schema.ts";

/** The keys a section of the schema has; `extended` is free-form and has none. */
function schemaFields(section: string): readonly string[] {
  if (section === "llm") return fieldNames(llmSchema);
  if (section === "agent") return fieldNames(agentSchema);
  if (section === "condenser") return Object.values(condenserSchemas).flatMap((schema) => fieldNames(schema));
  if (Object.hasOwn(plainSectionSchemas, section))
    return fieldNames(plainSectionSchemas[section as keyof typeof plainSectionSchemas]);
  return [];
}

test("every section and field the effects table names exists in the schema", () => {
  const sections: readonly string[] = SECTION_NAMES;
  for (const [section, effects] of Object.entries(EFFECTS)) {
    assert.ok(sections.includes(section), `[${section}] is not a section of the schema`);
    const known = schemaFields(section);
    for (const field of Object.keys(effects.fields))
      assert.ok(known.includes(field), `${section}.${field} is not a field of the schema`);
  }
});

test("every section of the schema has an entry in the effects table", () => {
  for (const section of SECTION_NAMES) assert.ok(Object.hasOwn(EFFECTS, section), `[${section}] is missing`);
});
