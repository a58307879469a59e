/**
 * The body api.openai.com sends for an HTTP error, `{ error: { message, type, param, code } }`, as a
 * scripted HTTP error renders it: on the fake upstream's OpenAI wire and in the `mock/` provider alike.
 */
import type { HttpErrorBehaviour } from "./behaviours.ts";
import type { Conversation } from "./replies.ts";

const defaultErrors: Record<number, { message: string; type: string; code: string | null }> = {
  400: { message: "Invalid request.", type: "invalid_request_error", code: null },
  401: { message: "Incorrect API key provided.", type: "invalid_request_error", code: "invalid_api_key" },
  403: {
    message: "You are not allowed to sample from this model.",
    type: "invalid_request_error",
    code: null,
  },
  404: {
    message: "The model does not exist or you do not have access to it.",
    type: "invalid_request_error",
    code: "model_not_found",
  },
  429: {
    message: "Rate limit reached for requests. Please try again later.",
    type: "requests",
    code: "rate_limit_exceeded",
  },
  500: {
    message: "The server had an error while processing your request. Sorry about that!",
    type: "server_error",
    code: null,
  },
  503: {
    message: "The engine is currently overloaded, please try again later.",
    type: "server_error",
    code: null,
  },
};

/**
 * Renders a scripted HTTP error in OpenAI's shape; `code: "context_length_exceeded"` gives the real
 * context-length message, sized from the conversation.
 */
export function renderOpenAiError(error: HttpErrorBehaviour, conversation: Conversation | undefined) {
  if (error.code === "context_length_exceeded") {
    const tokens = 128_001 + (conversation?.promptText.length ?? 0);
    return {
      error: {
        message:
          error.message ??
          `This model's maximum context length is 128000 tokens. However, your messages resulted in ${tokens} tokens. Please reduce the length of the messages.`,
        type: "invalid_request_error",
        param: "messages",
        code: "context_length_exceeded",
      },
    };
  }
  const fallback = defaultErrors[error.status] ?? defaultErrors[error.status >= 500 ? 500 : 400];
  return {
    error: {
      message: error.message ?? fallback?.message ?? "Error.",
      type: fallback?.type ?? "invalid_request_error",
      param: null,
      code: error.code ?? fallback?.code ?? null,
    },
  };
}
