/**
 * Runs the fake upstream standalone for benchmarks and manual checks:
 * `tsx src/fake-upstream/main.ts [--port 0] [--host 127.0.0.1] [--script replies.json]`.
 * Prints `listening on http://127.0.0.1:PORT` and serves until SIGINT or SIGTERM.
 */
import { parseArgs } from "node:util";
import type { Behaviour } from "../llm/replies/behaviours.ts";
import { readReplyScript } from "../llm/replies/reply-script.ts";
import { startFakeUpstream } from "./server.ts";

const usage = "usage: fake-upstream [--port <number>] [--host <address>] [--script <replies.json>]";

async function runFakeUpstream(argv: string[]): Promise<void> {
  let values: { port?: string; host?: string; script?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: "string" }, host: { type: "string" }, script: { type: "string" } },
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${usage}\n`);
    process.exit(2);
  }
  const port = Number(values.port ?? "0");
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    process.stderr.write(`--port must be an integer from 0 to 65535\n${usage}\n`);
    process.exit(2);
  }
  let script: Behaviour[] = [];
  if (values.script !== undefined) {
    try {
      script = readReplyScript(values.script);
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(1);
    }
  }
  const upstream = await startFakeUpstream({ port, host: values.host ?? "127.0.0.1", script });
  process.stdout.write(`listening on ${upstream.url}\n`);
  const stop = () => {
    upstream.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

await runFakeUpstream(process.argv.slice(2));
