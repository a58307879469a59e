/**
 * An MCP tool result as the agent's observation: text content joined, other content in short form
 * (`[image: image/png, 1.2 kB]`), structured content as JSON when there is nothing else, cut in the
 * middle past the agent's `max_message_chars`.
 */
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { truncateMiddle } from "../../llm/truncate.ts";

type Content = CallToolResult["content"][number];

/** The size of base64 data once decoded, in words. */
function formatSize(base64: string): string {
  const bytes = Math.floor((base64.replace(/=+$/, "").length * 3) / 4);
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

/** One content block in the observation. */
export function formatContent(content: Content): string {
  switch (content.type) {
    case "text":
      return content.text;
    case "image":
    case "audio":
      return `[${content.type}: ${content.mimeType}, ${formatSize(content.data)}]`;
    case "resource": {
      const { resource } = content;
      if ("text" in resource && typeof resource.text === "string")
        return `[resource ${resource.uri}]\n${resource.text}`;
      const blob =
        "blob" in resource && typeof resource.blob === "string" ? `, ${formatSize(resource.blob)}` : "";
      return `[resource ${resource.uri}${resource.mimeType ? `: ${resource.mimeType}` : ""}${blob}]`;
    }
    case "resource_link":
      return `[resource link ${content.uri}${content.name ? ` (${content.name})` : ""}]`;
    default:
      return `[${(content as { type: string }).type} content]`;
  }
}

/**
 * The observation text of a result, at most `maxChars` long.
 * @example formatToolResult({ content: [{ type: "text", text: "3" }] }, 30_000) // "3"
 */
export function formatToolResult(result: CallToolResult, maxChars: number): string {
  const parts = (result.content ?? []).map(formatContent);
  if (parts.length === 0 && result.structuredContent !== undefined)
    parts.push(JSON.stringify(result.structuredContent));
  const text = parts.join("\n");
  return truncateMiddle(text === "" ? "(no output)" : text, maxChars);
}
