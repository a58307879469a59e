/**
 * What to say about a key a section does not have: a renamed legacy key, a close spelling, the section
 * the key belongs to (`volumes` in `[core]` → `[sandbox]`), or another tool's name for one of ours.
 */
import type { IssueFact } from "./issues.ts";
import {
  agentSchema,
  DROPPED_KEYS,
  fieldNames,
  KEY_ALIASES,
  llmSchema,
  plainSectionSchemas,
  RENAMED_KEYS,
  SECTION_NAMES,
} from "./schema.ts";
import { didYouMean } from "./suggest.ts";

const FIELDS_BY_SECTION: ReadonlyMap<string, readonly string[]> = new Map(
  SECTION_NAMES.flatMap((section) => {
    const schema =
      section === "llm"
        ? llmSchema
        : section === "agent"
          ? agentSchema
          : section in plainSectionSchemas
            ? plainSectionSchemas[section as keyof typeof plainSectionSchemas]
            : undefined;
    return schema ? [[section, fieldNames(schema)] as const] : [];
  }),
);

/** The first section (in OpenHands' order) other than `except` that has a field named `key`. */
export function sectionOfKey(key: string, except: string | null): string | undefined {
  for (const [section, fields] of FIELDS_BY_SECTION)
    if (section !== except && fields.includes(key)) return section;
  return undefined;
}

/** An unknown key in the section it was found in: what to say about it, as an issue fact. */
export type UnknownKeyFact = Extract<IssueFact, { code: "unknown_key" }>;

/** The issue fact, not words, of an unknown `key` in `[section]` whose fields are `known`. */
export function unknownKeyFact(key: string, section: string, known: readonly string[]): UnknownKeyFact {
  const fact = {
    code: "unknown_key",
    name: key,
    place: { in: "section" },
    section,
    key,
  } satisfies UnknownKeyFact;
  const renamed = Object.hasOwn(RENAMED_KEYS, key) ? RENAMED_KEYS[key] : undefined;
  if (renamed !== undefined && known.includes(renamed))
    return { ...fact, hint: { kind: "renamed", to: renamed }, suggestion: renamed };
  if (renamed?.startsWith("[")) return { ...fact, hint: { kind: "moved", to: renamed }, suggestion: renamed };
  const dropped = Object.hasOwn(DROPPED_KEYS, key) ? DROPPED_KEYS[key] : undefined;
  if (dropped !== undefined) return { ...fact, hint: { kind: "dropped", why: dropped }, suggestion: null };
  const close = didYouMean(key, known);
  if (close !== undefined) return { ...fact, suggestion: close };
  const family = section.split(".")[0] ?? section;
  const home = sectionOfKey(key, family);
  if (home !== undefined)
    return { ...fact, hint: { kind: "other_section", home }, suggestion: `[${home}] ${key}` };
  const alias = KEY_ALIASES[key];
  if (alias !== undefined && known.includes(alias)) return { ...fact, suggestion: alias };
  return { ...fact, suggestion: null };
}
