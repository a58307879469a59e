// The floor for any Node gateway: node:http in, undici out, the body forwarded untouched and the
// answer piped back. No auth, no routing, no accounting. Usage: node minimal-proxy.mjs PORT UPSTREAM_URL
import { createServer } from "node:http";
import { Agent } from "undici";

const [port, upstream] = process.argv.slice(2);
const origin = new URL(upstream).origin;
const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: null });

createServer(async (request, response) => {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  try {
    const answer = await dispatcher.request({
      origin,
      path: request.url,
      method: request.method,
      headers: { "content-type": "application/json" },
      body: Buffer.concat(chunks),
    });
    response.writeHead(answer.statusCode, {
      "content-type": answer.headers["content-type"] ?? "application/json",
    });
    for await (const chunk of answer.body) response.write(chunk);
    response.end();
  } catch {
    response.writeHead(502).end();
  }
}).listen(Number(port), "127.0.0.1", () => process.stdout.write(`listening on ${port}\n`));
