/**
 * The dialect endpoints by path, and the error shape of any path: a dialect's paths answer in its own
 * shape; elsewhere (models, unknown routes) an Anthropic client gets Anthropic's, anyone else OpenAI's.
 */
import type { DialectEndpoint, ErrorBodyRenderer } from "./dialect.ts";
import { toOpenAiErrorBody } from "./errors.ts";
import type { GatewayRequest } from "./http.ts";
import { wantsAnthropicShape } from "./messages-models.ts";
import { toAnthropicErrorBody } from "./messages-response.ts";

/** The endpoints of one app, looked up by path. */
export interface EndpointTable {
  /** The endpoint serving a path, if any. */
  find(path: string): DialectEndpoint | undefined;
  /** The error body shape of a path for a client sending these headers. */
  errorBodyFor(path: string, headers: GatewayRequest["headers"]): ErrorBodyRenderer;
  /** The `POST /v1/...` routes served, for the message of an unknown route. */
  served: string;
}

/** Indexes endpoints by each of their paths (a later endpoint wins a path named twice). */
export function createEndpointTable(endpoints: readonly DialectEndpoint[]): EndpointTable {
  const byPath = new Map<string, DialectEndpoint>();
  for (const endpoint of endpoints) for (const path of endpoint.paths) byPath.set(path, endpoint);
  const find = (path: string) => byPath.get(path);
  return {
    find,
    errorBodyFor: (path, headers) =>
      find(path)?.errorBody ??
      (wantsAnthropicShape(path, headers) ? toAnthropicErrorBody : toOpenAiErrorBody),
    served: [...byPath.keys()]
      .filter((path) => path.startsWith("/v1/"))
      .map((path) => `POST ${path}`)
      .join(", "),
  };
}
