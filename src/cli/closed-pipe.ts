/**
 * A reader that goes away (`llmconf config schema | head -1`) closes our stdout; the next write then
 * fails with EPIPE, which Node raises as an unhandled stream error and prints as a stack trace. The
 * command has nobody left to talk to, so it ends quietly instead.
 */

/** A stream whose write errors arrive as `error` events (process.stdout, process.stderr). */
interface ErrorEmitter {
  on(event: "error", listener: (error: NodeJS.ErrnoException) => void): unknown;
}

/**
 * Ends the process quietly (exit 0) when a reader closes `streams`; any other write error ends it
 * with one line on stderr (exit 1), never a stack trace.
 */
export function endQuietlyOnClosedPipe(
  streams: readonly ErrorEmitter[],
  exit: (code: number) => void,
  report: (line: string) => void,
): void {
  for (const stream of streams) {
    stream.on("error", (error) => {
      if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") {
        exit(0);
        return;
      }
      report(`llmconf: cannot write output (${error.code ?? error.message})\n`);
      exit(1);
    });
  }
}
