/** `llmconf serve [--host H] [--port N]`: the OpenAI-compatible gateway, every named config a model. */
import { loadConfig } from "../../config/load.ts";
import { startGateway } from "../../gateway/serve.ts";
import { defineCommand } from "../command.ts";
import { type CliIo, UsageError } from "../io.ts";
import { loadConfigOrReport, loadOptionsFrom } from "../load.ts";
import type { ParsedArgs } from "../options.ts";

const FLAGS = {
  host: {
    type: "string",
    value: "ADDRESS",
    help: "address to listen on (default [gateway] host, 127.0.0.1)",
  },
  port: { type: "string", value: "N", help: "port (default [gateway] port, 4000; 0 picks a free one)" },
} as const;

/** Runs `serve` until SIGTERM or SIGINT. */
export default defineCommand({
  usage: "llmconf serve [--config-file PATH] [--host ADDRESS] [--port N]",
  description: `Serves every named LLM config as a model behind the OpenAI API:
  POST /v1/chat/completions   model = a config name ("llm" or "default" for [llm])
  GET  /v1/models             the configs
  GET  /health, GET /metrics  liveness, Prometheus metrics

Settings live in [gateway] (host, port, keys, limits); --host and --port override them.
The config files are watched: a valid edit applies to new requests, an invalid one is reported
and the last good configuration kept. SIGTERM or Ctrl-C stops accepting, lets in-flight requests
finish (shutdown_grace_seconds), then exits 0; a second Ctrl-C exits at once (130).
One JSON access-log line per request goes to stdout; notices go to stderr.`,
  flags: FLAGS,
  run: serve,
});

async function serve(parsed: ParsedArgs<typeof FLAGS>, io: CliIo): Promise<number> {
  const portText = parsed.values.port;
  const port = typeof portText === "string" ? Number(portText) : undefined;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535))
    throw new UsageError(`--port takes a port number from 0 to 65535, not "${portText}"`);
  const config = await loadConfigOrReport(parsed, io);
  if (!config) return 1;
  const options = loadOptionsFrom(parsed, io);
  let gateway: Awaited<ReturnType<typeof startGateway>>;
  try {
    gateway = await startGateway({
      config,
      reload: () => loadConfig(options),
      host: typeof parsed.values.host === "string" ? parsed.values.host : undefined,
      port,
      cwd: io.cwd,
      env: io.env,
      accessLog: (line) => io.stdout.write(line),
      notice: (line) => io.stderr.write(`${line}\n`),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === "EADDRINUSE"
        ? `port ${port ?? config.gateway.port} is in use; pick another with --port`
        : (error as Error).message;
    io.stderr.write(`llmconf serve: ${message}\n`);
    return 1;
  }
  const names = Object.keys(config.llms);
  io.stderr.write(
    `llmconf serve: listening on ${gateway.url}/v1 (${names.length} config${names.length === 1 ? "" : "s"}: ${names.join(", ")})\n`,
  );
  return new Promise<number>((done) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        // A second signal: the user does not want to wait for the grace period.
        io.stderr.write(`llmconf serve: ${signal} again; exiting now\n`);
        process.exit(130);
      }
      stopping = true;
      io.stderr.write(`llmconf serve: ${signal}: stopping (in-flight requests may finish)\n`);
      gateway.close().then(() => {
        process.removeListener("SIGINT", stop);
        process.removeListener("SIGTERM", stop);
        io.stderr.write("llmconf serve: stopped\n");
        done(0);
      });
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
