/**
 * The names agents call MCP tools by. Providers accept `^[a-zA-Z0-9_-]{1,64}$` (OpenAI; Anthropic and
 * Gemini are close), while MCP allows dots, slashes and 128 characters, and two servers may offer the
 * same name. A tool keeps its own name when that is valid and unique; otherwise it is made valid, and
 * every tool sharing a name (with another server's tool or a built-in tool) is qualified with its
 * server's name (`github__search`), numbered if that still clashes.
 */

/** The longest tool name every provider accepts. */
export const MAX_TOOL_NAME = 64;

/** A name providers accept: other characters become `_`, cut to 64. */
export function toValidToolName(name: string): string {
  const valid = name.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, MAX_TOOL_NAME);
  return valid === "" ? "tool" : valid;
}

/** One tool to name: its server and its own name. */
export interface ToolToName {
  readonly server: string;
  readonly tool: string;
}

/**
 * A provider-valid name for each tool, unique among them and distinct from `reserved` (the built-in
 * tools' names), in the order given.
 * @example assignToolNames([{ server: "a", tool: "search" }, { server: "b", tool: "search" }], [])
 * // ["a__search", "b__search"]
 */
export function assignToolNames(tools: readonly ToolToName[], reserved: readonly string[]): string[] {
  const plain = tools.map((tool) => toValidToolName(tool.tool));
  const counts = new Map<string, number>();
  for (const name of plain) counts.set(name, (counts.get(name) ?? 0) + 1);
  const taken = new Set(reserved);
  const wanted = plain.map((name, index) => {
    const clashes = (counts.get(name) ?? 0) > 1 || taken.has(name);
    if (!clashes) return name;
    const server = toValidToolName((tools[index] as ToolToName).server);
    return toValidToolName(`${server}__${name}`);
  });
  // Names kept as they are claim first, so a qualified name never takes a tool's own name.
  for (const [index, name] of wanted.entries()) if (name === plain[index]) taken.add(name);
  return wanted.map((name, index) => {
    if (name === plain[index]) return name;
    let candidate = name;
    for (let number = 2; taken.has(candidate); number++) {
      const suffix = `_${number}`;
      candidate = `${name.slice(0, MAX_TOOL_NAME - suffix.length)}${suffix}`;
    }
    taken.add(candidate);
    return candidate;
  });
}
