/** The provenance of resolved fields: which layer set each one, and whether a named section inherited it. */
import type { z } from "zod";
import { fieldNames } from "./schema.ts";
import type { Assignments, ValueSource } from "./sources.ts";

/** The origin of one resolved field: its source, and whether a named section took it from its base. */
export interface FieldProvenance {
  source: ValueSource;
  /** True when a named section did not set the field and took it from `[llm]` / `[agent]`. */
  inherited: boolean;
}

/** The provenance of every field of one resolved section. */
export type SectionProvenance = Readonly<Record<string, FieldProvenance>>;

/** Where every field of a schema came from: the section's own keys, else its base's, else the default. */
export function provenanceOf(
  schema: z.ZodObject,
  own: Assignments,
  base: Assignments | undefined,
): Record<string, FieldProvenance> {
  const provenance: Record<string, FieldProvenance> = {};
  for (const key of fieldNames(schema)) {
    const mine = own.get(key);
    const inherited = base?.get(key);
    provenance[key] = mine
      ? { source: mine.source, inherited: false }
      : inherited
        ? { source: inherited.source, inherited: true }
        : { source: { kind: "default" }, inherited: base !== undefined };
  }
  return provenance;
}
