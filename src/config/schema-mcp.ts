/** `[mcp]`: Model Context Protocol servers, each list with its entry schema. */
import { z } from "zod";
import { laxInt } from "./schema-fields.ts";

const url = z.string().refine((text) => {
  try {
    const parsed = new URL(text);
    return ["http:", "https:", "ws:", "wss:"].includes(parsed.protocol) && parsed.hostname !== "";
  } catch {
    return false;
  }
}, "must be a URL with scheme http, https, ws or wss and a host");
const shorthand = <T extends z.ZodType>(server: T) =>
  z.preprocess((value) => (typeof value === "string" ? { url: value } : value), server);
const envText = z.preprocess(
  (value) =>
    typeof value === "string"
      ? Object.fromEntries(
          value
            .split(",")
            .filter((pair) => pair.trim() !== "")
            .map((pair) => [pair.slice(0, pair.indexOf("=")).trim(), pair.slice(pair.indexOf("=") + 1)]),
        )
      : value,
  z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name"), z.string()),
);

/** An `[mcp] sse_servers` entry (OpenHands allows extra keys; here a misspelt key is an error). */
export const sseServerSchema = z.strictObject({
  url: url.describe("URL of the SSE server."),
  api_key: z.string().nullable().default(null).describe("API key sent to the server. Secret."),
});

/** An `[mcp] shttp_servers` entry. */
export const shttpServerSchema = z.strictObject({
  url: url.describe("URL of the streamable HTTP server."),
  api_key: z.string().nullable().default(null).describe("API key sent to the server. Secret."),
  timeout: laxInt()
    .pipe(z.int().min(1).max(3600))
    .nullable()
    .default(60)
    .describe("Timeout of one call, in seconds (1-3600)."),
});

/** An `[mcp] stdio_servers` entry: a local server started as a process. */
export const stdioServerSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .regex(/^[a-zA-Z0-9_-]+$/, "must be letters, digits, _ or -")
    .describe("Name of the server (letters, digits, _ or -)."),
  command: z.string().regex(/^\S+$/, "must be one word without spaces").describe("Command to start."),
  args: z
    .preprocess(
      (value) => (typeof value === "string" ? value.split(/\s+/).filter(Boolean) : value),
      z.array(z.string()),
    )
    .default([])
    .describe("Arguments of the command (a string is split at spaces)."),
  env: envText.default({}).describe("Environment of the process (a table, or `K=V,K2=V2`)."),
});

/** `[mcp]`: Model Context Protocol servers. */
export const mcpSchema = z.object({
  sse_servers: z
    .array(shorthand(sseServerSchema))
    .default([])
    .refine((servers) => {
      const urls = servers.map((server) => (server as { url: string }).url);
      return new Set(urls).size === urls.length;
    }, "duplicate SSE server URL")
    .describe("SSE servers: URLs or `{ url, api_key }` tables."),
  shttp_servers: z
    .array(shorthand(shttpServerSchema))
    .default([])
    .describe("Streamable HTTP servers: URLs or `{ url, api_key, timeout }` tables."),
  stdio_servers: z
    .array(stdioServerSchema)
    .default([])
    .describe("Local servers started as processes: `{ name, command, args, env }` tables."),
});

/** The entry schema of each `[mcp]` server list: the did-you-mean candidates for keys inside an entry. */
export const mcpServerSchemas: Readonly<Record<string, z.ZodObject>> = {
  sse_servers: sseServerSchema,
  shttp_servers: shttpServerSchema,
  stdio_servers: stdioServerSchema,
};
