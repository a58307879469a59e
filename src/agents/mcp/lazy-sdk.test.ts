// The MCP SDK is loaded only when a run opens a server: no module of llmconf imports it statically
// (type imports vanish at compile time), so `config check`, `serve` and runs without [mcp] never pay for it.
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { test } from "node:test";

const src = resolve(import.meta.dirname, "../..");

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

test("no source module imports the MCP SDK at load time; it is imported dynamically, in connect.ts only", () => {
  const staticImports: string[] = [];
  const dynamicImports: string[] = [];
  for (const file of sourceFiles(src)) {
    const text = readFileSync(file, "utf8");
    for (const match of text.matchAll(
      /^(import|export)\s+(?!type\b)[^;]*?from\s+"@modelcontextprotocol\/[^"]+"/gms,
    ))
      staticImports.push(`${relative(src, file)}: ${match[0].split("\n")[0]}`);
    if (/(?<!typeof )import\(\s*"@modelcontextprotocol\//.test(text))
      dynamicImports.push(relative(src, file));
  }
  assert.deepEqual(staticImports, []);
  assert.deepEqual(dynamicImports, [join("agents", "mcp", "connect.ts")]);
});
