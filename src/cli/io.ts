/** What a command may touch: its streams, environment and working directory (injected for tests). */

/** A writable text stream. */
export interface TextOut {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
}

/** The world a CLI command runs in. */
export interface CliIo {
  stdout: TextOut;
  stderr: TextOut;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean | undefined };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** A CLI command: arguments after its name → exit code (0 ok, 1 failure, 2 usage error). */
export type Command = (args: string[], io: CliIo) => Promise<number>;

/** A usage mistake: printed with the command's help hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** Whether colour may be used on this stream (a terminal, and NO_COLOR unset). */
export function useColor(out: TextOut, env: CliIo["env"]): boolean {
  return out.isTTY === true && !env.NO_COLOR && env.TERM !== "dumb";
}

/** All of stdin as text (a piped prompt or task). */
export async function readStdin(stdin: CliIo["stdin"]): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin)
    chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString("utf8");
}
