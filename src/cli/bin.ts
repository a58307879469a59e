#!/usr/bin/env node
/** The executable: runs `main` against the real process and sets the exit code. */
import { endQuietlyOnClosedPipe } from "./closed-pipe.ts";
import { main } from "./main.ts";

endQuietlyOnClosedPipe(
  [process.stdout, process.stderr],
  (code) => process.exit(code),
  (line) => {
    // stderr itself may be the closed stream: never let the report raise a second error.
    try {
      process.stderr.write(line);
    } catch {}
  },
);

main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // A bug, not a user mistake: say so in one line; the stack only with LLMCONF_DEBUG set.
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`llmconf: internal error: ${message}\n`);
    if (process.env.LLMCONF_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    process.exitCode = 1;
  },
);
