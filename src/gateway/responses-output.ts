/**
 * The Responses dialect's answer side: the runtime's `Completion` → a `response` object, and its
 * stream → the typed events in OpenAI's order (response.created, response.in_progress, then per
 * output item: output_item.added, content_part.added, output_text.delta…, output_text.done,
 * content_part.done, output_item.done, or the function_call_arguments events of a tool call, and
 * last response.completed / response.incomplete, or response.failed), each with its sequence_number.
 */
import type { Completion, StreamDelta, Usage } from "../llm/index.ts";
import type { Dialect, StreamRenderer } from "./dialect.ts";
import type { GatewayError } from "./errors.ts";
import type { ResponsesRequest } from "./responses-input.ts";

type Json = Record<string, unknown>;

/** A fresh id in OpenAI's style: a prefix and 32 hex digits. */
export const newResponseId = (prefix: "resp" | "msg" | "fc") =>
  `${prefix}_${crypto.randomUUID().replaceAll("-", "")}`;

/** Who a response is and what its request said, for every response object it is rendered as. */
export interface ResponseIdentity {
  id: string;
  /** Unix seconds. */
  createdAt: number;
  request: ResponsesRequest;
  /** Called with the final completion, before it is rendered (to keep the response). */
  onCompleted?: (completion: Completion) => void;
}

/** OpenAI's usage object of a response. */
export function toResponsesUsage(usage: Usage) {
  return {
    input_tokens: usage.input_tokens,
    input_tokens_details: { cached_tokens: usage.cache_read_tokens },
    output_tokens: usage.output_tokens,
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: usage.input_tokens + usage.output_tokens,
  };
}

function incompleteReason(completion: Completion): string | null {
  if (completion.finishReason === "length") return "max_output_tokens";
  if (completion.finishReason === "content_filter") return "content_filter";
  return null;
}

type Status = "in_progress" | "completed" | "incomplete" | "failed";

function responseObject(identity: ResponseIdentity, model: string, status: Status, extra: Json = {}): Json {
  const { request } = identity;
  return {
    id: identity.id,
    object: "response",
    created_at: identity.createdAt,
    status,
    error: null,
    incomplete_details: null,
    instructions: request.instructions,
    model,
    output: [],
    parallel_tool_calls: request.echo.parallel_tool_calls,
    previous_response_id: request.previousResponseId,
    reasoning: { effort: request.call.params.reasoning_effort ?? null, summary: null },
    store: request.store,
    temperature: request.echo.temperature,
    text: request.echo.text,
    tool_choice: request.echo.tool_choice,
    tools: request.echo.tools,
    top_p: request.echo.top_p,
    max_output_tokens: request.echo.max_output_tokens,
    truncation: "disabled",
    metadata: request.echo.metadata,
    usage: null,
    ...extra,
  };
}

const messageItem = (id: string, text: string, status: string) => ({
  id,
  type: "message",
  status,
  role: "assistant",
  content: [{ type: "output_text", text, annotations: [] }],
});

const callItem = (id: string, call: { id: string; name: string; arguments: string }, status: string) => ({
  id,
  type: "function_call",
  status,
  call_id: call.id,
  name: call.name,
  arguments: call.arguments,
});

function finished(identity: ResponseIdentity, completion: Completion, output: Json[]): Json {
  const reason = incompleteReason(completion);
  return responseObject(identity, completion.model, reason === null ? "completed" : "incomplete", {
    completed_at: Math.max(identity.createdAt, Math.floor(Date.now() / 1000)),
    incomplete_details: reason === null ? null : { reason },
    output,
    usage: toResponsesUsage(completion.usage),
  });
}

/** The code of a `response.failed` event's error, from the gateway error behind it. */
function failureCode(error: GatewayError): string {
  if (error.status === 429) return "rate_limit_exceeded";
  if (error.status === 400) return "invalid_prompt";
  return "server_error";
}

/** The Responses dialect of one answer. */
export function createResponsesDialect(identity: ResponseIdentity): Dialect {
  return {
    renderCompletion(completion) {
      identity.onCompleted?.(completion);
      const status = incompleteReason(completion) === null ? "completed" : "incomplete";
      const output: Json[] = [];
      if (completion.text !== "") output.push(messageItem(newResponseId("msg"), completion.text, status));
      for (const call of completion.toolCalls)
        output.push(callItem(newResponseId("fc"), { id: call.id, ...call.function }, "completed"));
      return finished(identity, completion, output);
    },
    createStreamRenderer: (model) => createEventRenderer(identity, model),
  };
}

interface OpenItem {
  outputIndex: number;
  id: string;
  /** The runtime's tool-call index, for a function call. */
  callIndex?: number;
  call?: { id: string; name: string; arguments: string };
  text: string;
  open: boolean;
}

function createEventRenderer(identity: ResponseIdentity, model: string): StreamRenderer {
  let sequence = 0;
  const items: OpenItem[] = [];
  let current: OpenItem | undefined;
  const event = (type: string, fields: Json) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`;
  const part = (text: string) => ({ type: "output_text", text, annotations: [] });
  const itemOf = (item: OpenItem, status: string) =>
    item.call === undefined ? messageItem(item.id, item.text, status) : callItem(item.id, item.call, status);

  const close = (item: OpenItem, status = "completed"): string => {
    if (!item.open) return "";
    item.open = false;
    const where = { item_id: item.id, output_index: item.outputIndex };
    let text = "";
    if (item.call === undefined) {
      text += event("response.output_text.done", {
        ...where,
        content_index: 0,
        text: item.text,
        logprobs: [],
      });
      text += event("response.content_part.done", { ...where, content_index: 0, part: part(item.text) });
    } else
      text += event("response.function_call_arguments.done", {
        ...where,
        name: item.call.name,
        arguments: item.call.arguments,
      });
    return (
      text +
      event("response.output_item.done", { output_index: item.outputIndex, item: itemOf(item, status) })
    );
  };

  const open = (item: Omit<OpenItem, "outputIndex" | "open">): string => {
    const closing = current === undefined ? "" : close(current);
    current = { ...item, outputIndex: items.length, open: true };
    items.push(current);
    // A message starts without parts: content_part.added adds its one output_text part.
    const added = itemOf(current, "in_progress");
    let text = event("response.output_item.added", {
      output_index: current.outputIndex,
      item: current.call === undefined ? { ...added, content: [] } : added,
    });
    if (current.call === undefined)
      text += event("response.content_part.added", {
        item_id: current.id,
        output_index: current.outputIndex,
        content_index: 0,
        part: part(""),
      });
    return closing + text;
  };

  return {
    start() {
      const response = responseObject(identity, model, "in_progress");
      return event("response.created", { response }) + event("response.in_progress", { response });
    },
    delta(delta: StreamDelta) {
      if (delta.type === "text-delta") {
        const head =
          current?.call === undefined && current?.open ? "" : open({ id: newResponseId("msg"), text: "" });
        const item = current as OpenItem;
        item.text += delta.text;
        const where = { item_id: item.id, output_index: item.outputIndex, content_index: 0 };
        return head + event("response.output_text.delta", { ...where, delta: delta.text, logprobs: [] });
      }
      let item = items.find((candidate) => candidate.callIndex === delta.index);
      let head = "";
      if (item === undefined) {
        head = open({
          id: newResponseId("fc"),
          callIndex: delta.index,
          call: { id: delta.id, name: delta.name, arguments: "" },
          text: "",
        });
        item = current as OpenItem;
      }
      (item.call as { arguments: string }).arguments += delta.argumentsDelta;
      if (delta.argumentsDelta === "") return head;
      return (
        head +
        event("response.function_call_arguments.delta", {
          item_id: item.id,
          output_index: item.outputIndex,
          delta: delta.argumentsDelta,
        })
      );
    },
    end(completion) {
      identity.onCompleted?.(completion);
      // The runtime's final arguments are the ones it parsed: they win over the streamed pieces.
      let text = "";
      for (const call of completion.toolCalls) {
        const item = items.find((candidate) => candidate.call?.id === call.id);
        if (item?.call !== undefined) item.call.arguments = call.function.arguments;
        else text += open({ id: newResponseId("fc"), call: { id: call.id, ...call.function }, text: "" });
      }
      const status = incompleteReason(completion) === null ? "completed" : "incomplete";
      for (const item of items) text += close(item, item.call === undefined ? status : "completed");
      const response = finished(
        identity,
        completion,
        items.map((item) => itemOf(item, item.call === undefined ? status : "completed")),
      );
      return (
        text + event(status === "completed" ? "response.completed" : "response.incomplete", { response })
      );
    },
    error(error: GatewayError) {
      const response = responseObject(identity, model, "failed", {
        error: { code: failureCode(error), message: error.message },
        output: items.map((item) => itemOf(item, "incomplete")),
      });
      return event("response.failed", { response });
    },
  };
}
