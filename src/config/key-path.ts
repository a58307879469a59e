/**
 * `key-path`: how a reader writes a place inside a value, shared by the stages that name one
 * (collect, validate-section) so neither imports the other.
 */

/**
 * A key and the path inside its value as a reader writes it.
 * @example formatKeyPath("sse_servers", [0, "api_key"]) // "sse_servers[0].api_key"
 */
export function formatKeyPath(key: string, inner: readonly (string | number)[]): string {
  return inner.reduce<string>(
    (text, part) => (typeof part === "number" ? `${text}[${part}]` : `${text}.${part}`),
    key,
  );
}
