/**
 * What to say about a key a section does not have: a renamed legacy key, a close spelling, the section
 * the key belongs to (`volumes` in `[core]` → `[sandbox]`), or another tool's name for one of ours.
 */
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

/** The message and did-you-mean for an unknown `key` in `[section]`, whose fields are `known`. */
export function describeUnknownKey(
  key: string,
  section: string,
  known: readonly string[],
): { message: string; suggestion: string | null } {
  const unknown = `unknown key "${key}" in [${section}]`;
  const renamed = Object.hasOwn(RENAMED_KEYS, key) ? RENAMED_KEYS[key] : undefined;
  if (renamed !== undefined && known.includes(renamed))
    return { message: `${unknown}: OpenHands renamed it; did you mean "${renamed}"?`, suggestion: renamed };
  if (renamed?.startsWith("["))
    return { message: `${unknown}: OpenHands moved it; did you mean ${renamed}?`, suggestion: renamed };
  if (Object.hasOwn(DROPPED_KEYS, key))
    return {
      message: `${unknown}: OpenHands dropped it (${DROPPED_KEYS[key]}); delete it`,
      suggestion: null,
    };
  const close = didYouMean(key, known);
  if (close !== undefined) return { message: `${unknown}; did you mean "${close}"?`, suggestion: close };
  const family = section.split(".")[0] ?? section;
  const home = sectionOfKey(key, family);
  if (home !== undefined)
    return { message: `${unknown}; did you mean [${home}] ${key}?`, suggestion: `[${home}] ${key}` };
  const alias = KEY_ALIASES[key];
  if (alias !== undefined && known.includes(alias))
    return { message: `${unknown}; did you mean "${alias}"?`, suggestion: alias };
  return { message: unknown, suggestion: null };
}
