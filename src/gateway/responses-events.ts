/**
 * The Responses dialect's stream: the runtime's deltas → the typed events in OpenAI's order
 * (response.created, response.in_progress, then per output item: output_item.added,
 * content_part.added, output_text.delta…, output_text.done, content_part.done, output_item.done, or
 * the function_call_arguments events of a tool call, and last response.completed /
 * response.incomplete, or response.failed), each with its sequence_number.
 */
import type { Completion, StreamDelta } from "../llm/index.ts";
import type { StreamRenderer } from "./dialect.ts";
import type { GatewayError } from "./errors.ts";
import {
  callItem,
  finishedResponse,
  incompleteReason,
  messageItem,
  newResponseId,
  type ResponseIdentity,
  responseObject,
} from "./responses-object.ts";

type Json = Record<string, unknown>;

interface OpenItem {
  outputIndex: number;
  id: string;
  /** The runtime's tool-call index, for a function call. */
  callIndex?: number;
  call?: { id: string; name: string; arguments: string };
  text: string;
  open: boolean;
}

/** One stream's state: the events numbered so far and the output items, the last one open. */
interface EventStream {
  identity: ResponseIdentity;
  model: string;
  sequence: number;
  items: OpenItem[];
  current: OpenItem | undefined;
}

/** Renders one streamed answer as Responses events. */
export function createEventRenderer(identity: ResponseIdentity, model: string): StreamRenderer {
  const stream: EventStream = { identity, model, sequence: 0, items: [], current: undefined };
  return {
    start() {
      const response = responseObject(identity, model, "in_progress");
      return (
        event(stream, "response.created", { response }) + event(stream, "response.in_progress", { response })
      );
    },
    delta: (delta: StreamDelta) =>
      delta.type === "text-delta" ? textDelta(stream, delta.text) : callDelta(stream, delta),
    end: (completion) => endEvents(stream, completion),
    error(error: GatewayError) {
      const response = responseObject(identity, model, "failed", {
        error: { code: failureCode(error), message: error.message },
        output: stream.items.map((item) => itemOf(item, "incomplete")),
      });
      return event(stream, "response.failed", { response });
    },
  };
}

function event(stream: EventStream, type: string, fields: Json): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: stream.sequence++, ...fields })}\n\n`;
}

const part = (text: string) => ({ type: "output_text", text, annotations: [] });

const itemOf = (item: OpenItem, status: string) =>
  item.call === undefined ? messageItem(item.id, item.text, status) : callItem(item.id, item.call, status);

function closeItem(stream: EventStream, item: OpenItem, status = "completed"): string {
  if (!item.open) return "";
  item.open = false;
  const where = { item_id: item.id, output_index: item.outputIndex };
  let text = "";
  if (item.call === undefined) {
    text += event(stream, "response.output_text.done", {
      ...where,
      content_index: 0,
      text: item.text,
      logprobs: [],
    });
    text += event(stream, "response.content_part.done", {
      ...where,
      content_index: 0,
      part: part(item.text),
    });
  } else
    text += event(stream, "response.function_call_arguments.done", {
      ...where,
      name: item.call.name,
      arguments: item.call.arguments,
    });
  return (
    text +
    event(stream, "response.output_item.done", { output_index: item.outputIndex, item: itemOf(item, status) })
  );
}

/** Closes the open item and opens the next (it becomes `stream.current`). */
function openItem(stream: EventStream, item: Omit<OpenItem, "outputIndex" | "open">): string {
  const closing = stream.current === undefined ? "" : closeItem(stream, stream.current);
  const current: OpenItem = { ...item, outputIndex: stream.items.length, open: true };
  stream.current = current;
  stream.items.push(current);
  // A message starts without parts: content_part.added adds its one output_text part.
  const added = itemOf(current, "in_progress");
  let text = event(stream, "response.output_item.added", {
    output_index: current.outputIndex,
    item: current.call === undefined ? { ...added, content: [] } : added,
  });
  if (current.call === undefined)
    text += event(stream, "response.content_part.added", {
      item_id: current.id,
      output_index: current.outputIndex,
      content_index: 0,
      part: part(""),
    });
  return closing + text;
}

function textDelta(stream: EventStream, delta: string): string {
  const { current } = stream;
  const head =
    current?.call === undefined && current?.open
      ? ""
      : openItem(stream, { id: newResponseId("msg"), text: "" });
  const item = stream.current as OpenItem;
  item.text += delta;
  const where = { item_id: item.id, output_index: item.outputIndex, content_index: 0 };
  return head + event(stream, "response.output_text.delta", { ...where, delta, logprobs: [] });
}

function callDelta(stream: EventStream, delta: Extract<StreamDelta, { type: "tool-call-delta" }>): string {
  let item = stream.items.find((candidate) => candidate.callIndex === delta.index);
  let head = "";
  if (item === undefined) {
    head = openItem(stream, {
      id: newResponseId("fc"),
      callIndex: delta.index,
      call: { id: delta.id, name: delta.name, arguments: "" },
      text: "",
    });
    item = stream.current as OpenItem;
  }
  (item.call as { arguments: string }).arguments += delta.argumentsDelta;
  if (delta.argumentsDelta === "") return head;
  return (
    head +
    event(stream, "response.function_call_arguments.delta", {
      item_id: item.id,
      output_index: item.outputIndex,
      delta: delta.argumentsDelta,
    })
  );
}

function endEvents(stream: EventStream, completion: Completion): string {
  stream.identity.onCompleted?.(completion);
  // The runtime's final arguments are the ones it parsed: they win over the streamed pieces.
  let text = "";
  for (const call of completion.toolCalls) {
    const item = stream.items.find((candidate) => candidate.call?.id === call.id);
    if (item?.call !== undefined) item.call.arguments = call.function.arguments;
    else
      text += openItem(stream, {
        id: newResponseId("fc"),
        call: { id: call.id, ...call.function },
        text: "",
      });
  }
  const status = incompleteReason(completion) === null ? "completed" : "incomplete";
  for (const item of stream.items)
    text += closeItem(stream, item, item.call === undefined ? status : "completed");
  const response = finishedResponse(
    stream.identity,
    completion,
    stream.items.map((item) => itemOf(item, item.call === undefined ? status : "completed")),
  );
  return (
    text + event(stream, status === "completed" ? "response.completed" : "response.incomplete", { response })
  );
}

/** The code of a `response.failed` event's error, from the gateway error behind it. */
function failureCode(error: GatewayError): string {
  if (error.status === 429) return "rate_limit_exceeded";
  if (error.status === 400) return "invalid_prompt";
  return "server_error";
}
