/**
 * `${VAR}` references in string values (H8): `${VAR}`, `${VAR:-default}` (the default may itself hold
 * references, as in POSIX shells: `${A:-${B:-z}}`), and `$${` for a literal `${`. A malformed
 * reference is reported, never kept as literal text; an unset one is never silently empty.
 */

/** A parsed string: literal text and references, in order. */
type Part = { kind: "text"; text: string } | { kind: "reference"; name: string; fallback: Part[] | null };

/** The outcome of expanding one string. */
export type Expansion =
  | { status: "ok"; value: string; referenced: boolean }
  | { status: "unset"; missing: string[] }
  | { status: "malformed"; problem: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

class MalformedReference extends Error {}

/** Reads literal text and references from `at` to the end, or (nested) to the `}` closing a default. */
function parseParts(text: string, at: number, nested: boolean): { parts: Part[]; end: number } {
  const parts: Part[] = [];
  let literal = "";
  let index = at;
  const flush = () => {
    if (literal !== "") parts.push({ kind: "text", text: literal });
    literal = "";
  };
  while (index < text.length) {
    if (nested && text[index] === "}") {
      flush();
      return { parts, end: index };
    }
    if (text.startsWith("$${", index)) {
      literal += "${";
      index += 3;
    } else if (text.startsWith("${", index)) {
      flush();
      const reference = parseReference(text, index);
      parts.push(reference.part);
      index = reference.end;
    } else {
      literal += text[index];
      index++;
    }
  }
  if (nested) throw new MalformedReference("a default is not closed with }");
  flush();
  return { parts, end: index };
}

/** Reads one `${…}` starting at `at`; returns the index after its closing `}`. */
function parseReference(text: string, at: number): { part: Part; end: number } {
  let index = at + 2;
  while (index < text.length && /[A-Za-z0-9_]/.test(text[index] as string)) index++;
  const name = text.slice(at + 2, index);
  if (index >= text.length) {
    throw new MalformedReference(
      name === "" ? `"\${" starts no reference` : `"\${${name}" is not closed with }`,
    );
  }
  if (text[index] === "}" || text.startsWith(":-", index)) {
    if (name === "") throw new MalformedReference(`"\${}" names no variable`);
    if (!NAME.test(name)) throw new MalformedReference(`"${name}" is not a variable name`);
  }
  if (text[index] === "}") return { part: { kind: "reference", name, fallback: null }, end: index + 1 };
  if (text.startsWith(":-", index)) {
    const fallback = parseParts(text, index + 2, true);
    return { part: { kind: "reference", name, fallback: fallback.parts }, end: fallback.end + 1 };
  }
  const close = text.indexOf("}", index);
  const written = close < 0 ? text.slice(at) : text.slice(at, close + 1);
  throw new MalformedReference(
    close < 0
      ? `"${written.length > 40 ? `${written.slice(0, 37)}...` : written}" is not closed with }`
      : `"${written.length > 40 ? `${written.slice(0, 37)}...` : written}" is not a reference: write \${NAME} or \${NAME:-default} (NAME: letters, digits, _)`,
  );
}

function parse(text: string): Part[] | string {
  try {
    return parseParts(text, 0, false).parts;
  } catch (error) {
    if (error instanceof MalformedReference) return error.message;
    throw error;
  }
}

function evaluate(
  parts: readonly Part[],
  env: Readonly<Record<string, string | undefined>>,
  missing: string[],
) {
  let value = "";
  for (const part of parts) {
    if (part.kind === "text") {
      value += part.text;
      continue;
    }
    const set = env[part.name];
    if (set !== undefined && set !== "") value += set;
    else if (part.fallback !== null) value += evaluate(part.fallback, env, missing);
    else missing.push(part.name);
  }
  return value;
}

/**
 * Expands `${VAR}` and `${VAR:-default}` from `env` (an empty variable counts as unset); `$${` stays a
 * literal `${`.
 * @example expandReferences("Bearer ${TOKEN}", { TOKEN: "t" }) // { status: "ok", value: "Bearer t", referenced: true }
 */
export function expandReferences(text: string, env: Readonly<Record<string, string | undefined>>): Expansion {
  if (!text.includes("${")) return { status: "ok", value: text, referenced: false };
  const parts = parse(text);
  if (typeof parts === "string") return { status: "malformed", problem: parts };
  const missing: string[] = [];
  const value = evaluate(parts, env, missing);
  if (missing.length > 0) return { status: "unset", missing: [...new Set(missing)] };
  return { status: "ok", value, referenced: parts.some((part) => part.kind === "reference") };
}

function print(parts: readonly Part[], mask: string): string {
  return parts
    .map((part) => {
      if (part.kind === "text") return part.text.replaceAll("${", "$${");
      if (part.fallback === null) return `\${${part.name}}`;
      const literal = part.fallback.some((inner) => inner.kind === "text");
      return `\${${part.name}:-${literal ? mask : print(part.fallback, mask)}}`;
    })
    .join("");
}

/**
 * A reference as written, with every default that holds literal text replaced by `mask`: a default
 * given on a secret field is itself a secret (H8). Text that is not a reference at all is masked whole.
 * @example maskReferenceDefaults("${OPENAI_API_KEY:-sk-123}", "***") // "${OPENAI_API_KEY:-***}"
 */
export function maskReferenceDefaults(text: string, mask: string): string {
  const parts = parse(text);
  if (typeof parts === "string" || parts.some((part) => part.kind === "text")) return mask;
  return print(parts, mask);
}

/**
 * The variable name of a value that is a bare `$NAME` (upper-case), as shells write it: in a secret
 * field it is almost always meant as `${NAME}`.
 */
export function bareVariableName(text: string): string | undefined {
  return /^\s*\$([A-Z_][A-Z0-9_]*)\s*$/.exec(text)?.[1];
}
