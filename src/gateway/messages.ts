/**
 * `POST /v1/messages` (Anthropic Messages) and `POST /v1/messages/count_tokens` over the shared request
 * pipeline: the body is translated to a chat call, admitted (config, key, budget) and run through the
 * runtime, so any config answers whatever its provider; answers, streams and errors are in
 * Anthropic's shapes so `@anthropic-ai/sdk` and Claude Code use the gateway as they use Anthropic.
 */
import type { ResolvedLlmConfig } from "../config/schema.ts";
import { countPromptTokens } from "../llm/index.ts";
import { loadModelCatalog } from "../llm/model-catalog.ts";
import { getModelInfo } from "../llm/model-info.ts";
import type { ChatCall } from "./chat-call.ts";
import type { Dialect, DialectEndpoint } from "./dialect.ts";
import { jsonResponse } from "./http.ts";
import { toMessagesCall, toMessagesPrompt } from "./messages-request.ts";
import { createMessageId, renderMessage, toAnthropicErrorBody } from "./messages-response.ts";
import { createMessageEventRenderer } from "./messages-stream.ts";
import { admit, llmconfHeaders, serveWithRuntime } from "./pipeline.ts";

/** `POST /v1/messages`: one Anthropic Messages request, whole or streamed. */
export const messagesEndpoint: DialectEndpoint = {
  paths: ["/v1/messages"],
  errorBody: toAnthropicErrorBody,
  async serve(json, context) {
    const call = toMessagesCall(json);
    const admission = await admit(
      call,
      context,
      () => call,
      (config) => withinOutputLimit(config, call),
    );
    const id = createMessageId();
    const dialect: Dialect = {
      renderCompletion: (completion) => renderMessage(completion, { id, model: completion.model }),
      createStreamRenderer: (model) => createMessageEventRenderer({ id, model }),
    };
    return serveWithRuntime(call, dialect, admission, context);
  },
};

/**
 * Anthropic requires `max_tokens`, so clients ask for a lot (Claude Code: 32000) whatever the model;
 * a model known to stop sooner gets its own limit instead of refusing the request. The answer cannot
 * be longer either way. A pinned value is the config's decision and is left alone. Applied before
 * the budget check, so a key's budget holds the cost of the max_tokens actually sent.
 */
async function withinOutputLimit(
  config: Readonly<ResolvedLlmConfig>,
  call: ChatCall,
): Promise<Readonly<ResolvedLlmConfig>> {
  const asked = call.params.max_output_tokens;
  const limit = await outputLimitOf(config.model);
  if (asked === undefined || limit === undefined || config.max_output_tokens !== asked || asked <= limit)
    return config;
  return { ...config, max_output_tokens: limit };
}

// Per model: a lookup costs a millisecond or two, and a model's limit does not change while serving.
const outputLimits = new Map<string, number | undefined>();

async function outputLimitOf(model: string): Promise<number | undefined> {
  if (outputLimits.has(model)) return outputLimits.get(model);
  // The runtime loads the model's catalog on its first call; the limit is needed before it.
  await loadModelCatalog(model);
  const limit = getModelInfo(model)?.maxOutputTokens;
  outputLimits.set(model, limit);
  return limit;
}

/**
 * `POST /v1/messages/count_tokens`: the prompt's input tokens by the runtime's counter (the model's
 * own encoding for OpenAI models, an estimate for others), without calling the upstream.
 */
export const countTokensEndpoint: DialectEndpoint = {
  paths: ["/v1/messages/count_tokens"],
  errorBody: toAnthropicErrorBody,
  async serve(json, context) {
    const prompt = toMessagesPrompt(json);
    const admission = await admit({ model: prompt.model, params: {}, stream: false }, context, () => prompt);
    void admission.settle(undefined);
    const { config, configName } = admission;
    const counted = await countPromptTokens(config.model, prompt.messages, {
      ...(prompt.tools === undefined ? {} : { tools: prompt.tools }),
      customTokenizer: config.custom_tokenizer,
    });
    const headers = llmconfHeaders(context, { configName, model: config.model, attempts: 0, upstreamMs: 0 });
    return jsonResponse(200, { input_tokens: counted.count }, headers);
  },
};
