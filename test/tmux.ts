// A real pseudo-terminal for end-to-end tests: a program started in its own tmux server, typed into
// with send-keys and read back with capture-pane, waited on by polling the screen until a deadline.
import { execFileSync } from "node:child_process";

/** How long a wait may take before the test fails: generous, since the machine may be busy. */
const deadlineMs = 60_000;

/** A program running in a tmux pane of its own server (its own socket, so tests never meet). */
export interface TmuxPane {
  /** Types text literally (no key names), then Enter unless `enter` is false. */
  type(text: string, enter?: boolean): void;
  /** Sends keys by name: `C-c`, `C-d`, `Enter`. */
  keys(...keys: string[]): void;
  /** The whole screen and its scrollback, as plain text. */
  screen(): string;
  /** Resolves with the screen once `test` holds; fails after the deadline, showing the screen. */
  waitFor(test: RegExp | ((screen: string) => boolean), what?: string): Promise<string>;
  /** Resolves with the program's exit status once it has ended. */
  exitCode(): Promise<number>;
  close(): void;
}

let panes = 0;

/** Whether tmux is installed. */
export function hasTmux(): boolean {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `argv` in a new detached tmux session of `columns` × `rows`, in `cwd`, with exactly `env`.
 * @example const pane = startInTmux(["node", bin, "chat"], { cwd, env: { PATH, HOME, TERM: "xterm-256color" } });
 */
export function startInTmux(
  argv: readonly string[],
  options: { cwd: string; env: Record<string, string>; columns?: number; rows?: number },
): TmuxPane {
  const socket = `llmconf-test-${process.pid}-${++panes}`;
  const tmux = (...args: string[]) =>
    execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
  const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`;
  const environment = Object.entries(options.env).map(([name, value]) => `${name}=${value}`);
  // The exit status is printed on the screen when the program ends (tmux's own #{pane_dead_status} is
  // empty when the pane's terminal closes before tmux reaps the process).
  const command = ["env", "-i", ...environment, "sh", "-c", '"$@"; echo "[exit $?]"', "sh", ...argv]
    .map(quote)
    .join(" ");
  tmux(
    "new-session",
    "-d",
    "-s",
    "test",
    "-x",
    String(options.columns ?? 140),
    "-y",
    String(options.rows ?? 50),
    "-c",
    options.cwd,
    command,
  );
  // The pane, and the exit line on it, stay after the program ends.
  tmux("set-option", "-t", "test", "remain-on-exit", "on");
  tmux("set-option", "-t", "test", "history-limit", "5000");

  const screen = () => tmux("capture-pane", "-p", "-J", "-S", "-", "-t", "test");
  const poll = async <T>(probe: () => T | undefined, what: string): Promise<T> => {
    const end = Date.now() + deadlineMs;
    for (;;) {
      const found = probe();
      if (found !== undefined) return found;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; the screen:\n${screen()}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  };
  const waitFor = (test: RegExp | ((screen: string) => boolean), what?: string) => {
    const holds = typeof test === "function" ? test : (text: string) => test.test(text);
    return poll(() => {
      const text = screen();
      return holds(text) ? text : undefined;
    }, what ?? String(test));
  };
  return {
    type(text, enter = true) {
      tmux("send-keys", "-t", "test", "-l", text);
      if (enter) tmux("send-keys", "-t", "test", "Enter");
    },
    keys(...keys) {
      tmux("send-keys", "-t", "test", ...keys);
    },
    screen,
    waitFor,
    async exitCode() {
      const screen = await waitFor(/^\[exit \d+\]$/m, "the program to exit");
      return Number(/^\[exit (\d+)\]$/m.exec(screen)?.[1]);
    },
    close() {
      try {
        tmux("kill-server");
      } catch {}
    },
  };
}
