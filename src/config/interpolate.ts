/** `${VAR}` references in string values (H8): expanded from the environment, never silently empty. */

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** The outcome of expanding one string: its value, or the names of the unset variables. */
export type Expansion = { ok: true; value: string; referenced: boolean } | { ok: false; missing: string[] };

/**
 * Expands `${VAR}` (and `${VAR:-fallback}`) from `env`; `$${` stays a literal `${`.
 * @example expandReferences("Bearer ${TOKEN}", { TOKEN: "t" }) // { ok: true, value: "Bearer t", referenced: true }
 */
export function expandReferences(text: string, env: Readonly<Record<string, string | undefined>>): Expansion {
  if (!text.includes("${")) return { ok: true, value: text, referenced: false };
  const missing: string[] = [];
  let referenced = false;
  const escaped = text.split("$${");
  const expanded = escaped.map((piece) =>
    piece.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
      referenced = true;
      const value = env[name];
      if (value !== undefined && value !== "") return value;
      if (fallback !== undefined) return fallback;
      missing.push(name);
      return "";
    }),
  );
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, value: expanded.join("${"), referenced };
}
