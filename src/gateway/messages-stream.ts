/**
 * A runtime stream as Anthropic's named server-sent events, in the order its SDK accumulates them:
 * `message_start`, then per content block `content_block_start` (a `ping` after the first),
 * `content_block_delta` (`text_delta` or `input_json_delta`) and `content_block_stop`, then
 * `message_delta` (stop reason and usage) and `message_stop`; a failure after the first byte is an
 * `error` event, which the SDK raises as the matching error class.
 */
import type { Completion, StreamDelta } from "../llm/index.ts";
import type { GatewayError } from "./errors.ts";
import { type MessageIdentity, toAnthropicErrorBody, toAnthropicUsage, toStop } from "./messages-response.ts";

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/** The block being written: text, or the tool call with this runtime index. */
type OpenBlock = { kind: "text" } | { kind: "tool"; call: number };

/** Renders one message's events; each method returns the text to write next. */
export interface MessageEventRenderer {
  /** `message_start`, before any delta. */
  start(): string;
  delta(delta: StreamDelta): string;
  /** Closes the open block, then `message_delta` and `message_stop`. */
  end(completion: Completion): string;
  /** An `error` event: the stream fails in the client. */
  error(error: GatewayError): string;
}

/** Creates the event renderer of one streamed message. */
export function createMessageEventRenderer(identity: MessageIdentity): MessageEventRenderer {
  let open: OpenBlock | undefined;
  let index = -1;
  let pinged = false;

  const stopOpen = () =>
    open === undefined ? "" : event("content_block_stop", { type: "content_block_stop", index });
  const startBlock = (block: OpenBlock, contentBlock: unknown) => {
    let text = stopOpen();
    open = block;
    index += 1;
    text += event("content_block_start", { type: "content_block_start", index, content_block: contentBlock });
    if (!pinged) {
      // Anthropic pings once the first block is open; clients skip it, proxies see the stream is alive.
      pinged = true;
      text += event("ping", { type: "ping" });
    }
    return text;
  };

  return {
    start: () =>
      event("message_start", {
        type: "message_start",
        message: {
          id: identity.id,
          type: "message",
          role: "assistant",
          model: identity.model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          // The runtime learns the usage at the end: message_delta carries the totals.
          usage: {
            input_tokens: 0,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
            output_tokens: 0,
          },
        },
      }),
    delta(delta) {
      let text = "";
      if (delta.type === "text-delta") {
        if (open?.kind !== "text") text += startBlock({ kind: "text" }, { type: "text", text: "" });
        return (
          text +
          event("content_block_delta", {
            type: "content_block_delta",
            index,
            delta: { type: "text_delta", text: delta.text },
          })
        );
      }
      if (open?.kind !== "tool" || open.call !== delta.index)
        text += startBlock(
          { kind: "tool", call: delta.index },
          { type: "tool_use", id: delta.id, name: delta.name, input: {} },
        );
      if (delta.argumentsDelta === "") return text;
      return (
        text +
        event("content_block_delta", {
          type: "content_block_delta",
          index,
          delta: { type: "input_json_delta", partial_json: delta.argumentsDelta },
        })
      );
    },
    end(completion) {
      const text = stopOpen();
      open = undefined;
      return (
        text +
        event("message_delta", {
          type: "message_delta",
          delta: toStop(completion),
          usage: toAnthropicUsage(completion.usage),
        }) +
        event("message_stop", { type: "message_stop" })
      );
    },
    error: (error) => event("error", toAnthropicErrorBody(error)),
  };
}
