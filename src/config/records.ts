/**
 * Names from a config file are data, never JavaScript object internals: `[llm.__proto__]`,
 * `[agent.constructor]` or `getLlmConfig("toString")` must mean a config of that name (or none),
 * not `Object.prototype` and its methods.
 */

/** An empty record without a prototype: every key, `__proto__` included, is only ever its own entry. */
export function createRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** The same entries in a record without a prototype. */
export function toRecord<T>(entries: Iterable<readonly [string, T]>): Record<string, T> {
  const record = createRecord<T>();
  for (const [key, value] of entries) record[key] = value;
  return record;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null;

/**
 * zod builds records and loose objects by assignment, which makes a `__proto__` key a prototype
 * change and loses it. Puts such keys of `input` back into `output`, at any depth.
 */
export function restoreProtoKeys(input: unknown, output: unknown): void {
  if (!isObject(input) || !isObject(output) || input === output) return;
  if (Array.isArray(input)) {
    if (Array.isArray(output)) {
      for (const [index, item] of input.entries()) restoreProtoKeys(item, output[index]);
    }
    return;
  }
  if (Object.hasOwn(input, "__proto__") && !Object.hasOwn(output, "__proto__")) {
    Object.setPrototypeOf(output, Object.prototype);
    Object.defineProperty(output, "__proto__", {
      value: Object.getOwnPropertyDescriptor(input, "__proto__")?.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  for (const key of Object.keys(input)) {
    if (Object.hasOwn(output, key)) restoreProtoKeys(input[key], output[key]);
  }
}
