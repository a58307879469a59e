/**
 * Secret masking (H8): secret values never leave the process in any output. One rule decides what is
 * secret wherever a value is rendered — `config show`, `explain`, a diagnostic's `got {…}`, logs — so
 * a value is masked the same way whatever path it took (a file, an inline table, a JSON env variable).
 */
import { SECRET_FIELDS } from "./schema.ts";

/** What every set secret prints as. */
export const MASK = "**********";

/** Where a value sits in the configuration: section and keys, array indexes as numbers (`["mcp", "sse_servers", 0]`). */
export type ValuePath = readonly (string | number)[];

/**
 * Keys under which values hold credentials although the schema does not declare them secret: header
 * maps, environment maps, extra request parameters and MCP server entries.
 */
const CREDENTIAL_HOLDERS: ReadonlySet<string> = new Set([
  "completion_kwargs",
  "env",
  "runtime_startup_env_vars",
  "docker_runtime_kwargs",
  "sse_servers",
  "shttp_servers",
  "stdio_servers",
]);
const HEADER_MAP = /headers?$/i;

/** Key names that hold credentials (`GITHUB_TOKEN`, `x-api-key`, `Authorization`); `max_tokens` counts, it is no token. */
const CREDENTIAL_NAME = /key|secret|password|passwd|authorization|credential|cookie|token(?!s)/i;

/** Header values that carry a credential whatever the header is called (`Bearer …`, `Basic …`). */
const CREDENTIAL_VALUE = /^\s*(bearer|basic|token|digest)\s+\S/i;

/** The user's own free-form `[extended]` table: shown as written. */
function isFreeForm(path: ValuePath): boolean {
  return path[0] === "extended";
}

/** Whether a key name looks like a credential (case-insensitive `*key*`, `*token*`, `*secret*`, …). */
export function isCredentialName(key: string): boolean {
  return CREDENTIAL_NAME.test(key);
}

/**
 * Whether the value at `path` is a secret as a whole: a declared secret field (`api_key`, …), or a
 * credential-named key inside a header map, an `env` map, `completion_kwargs` or an MCP server entry.
 */
export function isSecretPath(path: ValuePath): boolean {
  if (isFreeForm(path)) return false;
  const key = path.at(-1);
  if (typeof key !== "string") return false;
  if (SECRET_FIELDS.has(key)) return true;
  return isCredentialName(key) && path.slice(0, -1).some(isCredentialHolder);
}

function isCredentialHolder(part: string | number): boolean {
  return typeof part === "string" && (CREDENTIAL_HOLDERS.has(part) || HEADER_MAP.test(part));
}

/** Whether a secret field's value is set: an empty key must never look set (H8), so `""` is not. */
export function isSetSecret(value: unknown): boolean {
  return value !== null && value !== undefined && value !== "";
}

/** The masked form of one secret: `null` and unset stay so, an empty secret stays `""` (it never looks set). */
function maskOne(value: unknown): unknown {
  return isSetSecret(value) ? MASK : value;
}

/** Options of `maskSecrets`. */
export interface MaskOptions {
  /**
   * Shows a secret's text in another safe form instead of the mask, or returns undefined to mask it:
   * `explain` shows a written `${VAR}` reference this way.
   */
  showAs?: (text: string) => string | undefined;
}

/**
 * A deep copy of a value as it may be printed: every secret inside it masked, at any depth. `path` says
 * where the value sits (a diagnostic about `[mcp] sse_servers` passes `["mcp", "sse_servers"]`), so
 * credentials in header and env maps are recognised even when the value is only a part of the config.
 * @example maskSecrets({ api_key: "sk-1", model: "gpt-4o" }) // { api_key: "**********", model: "gpt-4o" }
 */
export function maskSecrets<T>(value: T, path: ValuePath = [], options: MaskOptions = {}): T {
  if (isFreeForm(path)) return value;
  if (isSecretPath(path)) {
    const shown = typeof value === "string" && value !== "" ? options.showAs?.(value) : undefined;
    return (shown ?? maskOne(value)) as T;
  }
  if (Array.isArray(value)) {
    if (path.at(-1) === "args") return maskArguments(value) as T;
    return value.map((item, index) => maskSecrets(item, [...path, index], options)) as T;
  }
  if (typeof value === "string") {
    const masked = maskString(value, path);
    return (masked === value ? value : (options.showAs?.(value) ?? masked)) as T;
  }
  if (typeof value !== "object" || value === null) return value;
  // fromEntries defines each key, so a `__proto__` key stays a key instead of becoming a prototype.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, maskSecrets(item, [...path, key], options)]),
  ) as T;
}

/**
 * A string that is not a secret by position may still carry one: a URL's password, and inside a header
 * or env map a `Bearer …` value or a text that assigns a credential (`GITHUB_TOKEN=…`, `Authorization: …`).
 */
function maskString(text: string, path: ValuePath): string {
  const url = maskUrlCredentials(text);
  if (url !== text || !path.some(isCredentialHolder)) return url;
  return CREDENTIAL_VALUE.test(text) || CREDENTIAL_ASSIGNMENT.test(text) ? MASK : text;
}
const CREDENTIAL_ASSIGNMENT = new RegExp(`(${CREDENTIAL_NAME.source})[^=:]*[=:]`, "i");

/** Command-line arguments (an MCP server's `args`): `--token X` and `--api-key=X` masked. */
function maskArguments(args: readonly unknown[]): unknown[] {
  return args.map((arg, index) => {
    const previous = args[index - 1];
    if (typeof previous === "string" && CREDENTIAL_FLAG.test(previous) && isCredentialName(previous)) {
      return typeof arg === "string" && !arg.startsWith("-") ? MASK : arg;
    }
    if (typeof arg !== "string") return arg;
    const assigned = /^(-{1,2}[^=\s]+)=(.+)$/.exec(arg);
    if (assigned && isCredentialName(assigned[1] as string)) return `${assigned[1]}=${MASK}`;
    return maskUrlCredentials(arg);
  });
}
const CREDENTIAL_FLAG = /^-{1,2}[^=\s]+$/;

/** A URL's password and credential-named query parameters masked (`https://user:**********@host`), text kept as written. */
function maskUrlCredentials(text: string): string {
  if (!URL_START.test(text)) return text;
  return text
    .replace(
      URL_PASSWORD,
      (_, before: string, password: string) => `${before}${password === "" ? "" : MASK}@`,
    )
    .replace(URL_PARAMETER, (whole, before: string, name: string, value: string) =>
      isCredentialName(name) && value !== "" ? `${before}${name}=${MASK}` : whole,
    );
}
const URL_START = /^\s*[a-z][a-z0-9+.-]*:\/\//i;
const URL_PASSWORD = /^(\s*[a-z][a-z0-9+.-]*:\/\/[^/@:?#\s]*:)([^@/?#\s]*)@/i;
const URL_PARAMETER = /([?&])([^=&#\s]+)=([^&#\s]*)/g;

/**
 * Every secret string a value holds, by the same rule as `maskSecrets` (it compares the value with its
 * masked copy): the values a log or an error message must have redacted, such as an `Authorization`
 * header in `completion_kwargs` (both `Bearer sk-…` and the bare `sk-…`).
 */
export function findSecretValues(value: unknown, path: ValuePath = []): string[] {
  const found = new Set<string>();
  const compare = (original: unknown, masked: unknown) => {
    if (original === masked) return;
    if (typeof original === "string" && typeof masked === "string") {
      for (const secret of replacedParts(original, masked)) {
        found.add(secret);
        const bare = secret.replace(CREDENTIAL_VALUE_PREFIX, "");
        if (bare !== secret) found.add(bare);
      }
    } else if (masked === MASK) {
      collectStrings(original, found);
    } else if (typeof original === "object" && original !== null && typeof masked === "object" && masked) {
      for (const [key, item] of Object.entries(original))
        compare(item, (masked as Record<string, unknown>)[key]);
    }
  };
  compare(value, maskSecrets(value, path));
  return [...found].filter((text) => text.trim() !== "");
}

const CREDENTIAL_VALUE_PREFIX = /^\s*(bearer|basic|token|digest)\s+/i;

/** The parts of `original` that stand where `masked` has the mask. */
function replacedParts(original: string, masked: string): string[] {
  if (masked === MASK) return [original];
  const pieces = masked.split(MASK);
  const parts: string[] = [];
  let cursor = (pieces[0] as string).length;
  for (const [index, piece] of pieces.slice(1).entries()) {
    const last = index === pieces.length - 2;
    const end = last && piece === "" ? original.length : original.indexOf(piece, cursor);
    if (end < cursor) break;
    const part = original.slice(cursor, end);
    parts.push(part);
    try {
      parts.push(decodeURIComponent(part));
    } catch {}
    cursor = end + piece.length;
  }
  return parts;
}

function collectStrings(value: unknown, into: Set<string>) {
  if (typeof value === "string") into.add(value);
  else if (typeof value === "object" && value !== null)
    for (const item of Object.values(value)) collectStrings(item, into);
}

/**
 * A value as a diagnostic shows it (`got {…}`): masked, as JSON, cut at `maxLength` characters.
 * @example formatMaskedValue({ url: "http://x", api_key: "sk-1" }, ["mcp", "sse_servers"]) // '{"url":"http://x","api_key":"**********"}'
 */
export function formatMaskedValue(value: unknown, path: ValuePath = [], maxLength = 60): string {
  const masked = maskSecrets(value, path);
  // nan and inf as TOML writes them: JSON would print null, which is not what the file says.
  const marker = "\u0000";
  const json = JSON.stringify(masked, (_key, item: unknown) =>
    typeof item === "number" && !Number.isFinite(item) ? `${marker}${tomlNumber(item)}${marker}` : item,
  );
  const text = json?.replace(/"\\u0000(.*?)\\u0000"/g, "$1") ?? String(masked);
  return text.length > maxLength ? `${text.slice(0, maxLength - 3)}...` : text;
}

/** `nan`, `inf` or `-inf`, as TOML writes a number JSON cannot. */
function tomlNumber(value: number): string {
  if (Number.isNaN(value)) return "nan";
  return value > 0 ? "inf" : "-inf";
}

/**
 * The values of `secrets` that are masked: very short values would mask ordinary words, and no real
 * key is that short.
 */
export function maskableSecrets(secrets: readonly string[]): string[] {
  return secrets.filter((secret) => secret.length >= 4);
}

/** Replaces every occurrence of a secret value in a text (an error message, a log) with the mask. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let result = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const secret of maskableSecrets(secrets).sort((a, b) => b.length - a.length))
    result = result.split(secret).join(MASK);
  return result;
}
