/**
 * The sandbox an agent's processes run in: bubblewrap on Linux, `sandbox-exec` on macOS. Opening one
 * checks that it can really start (a confined `true`), so a run that asked for isolation stops before
 * its first command with a message saying what is missing, never falling back to the host.
 */
import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { mkdtemp, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { bwrapArguments, tmpDirsNamedIn } from "./bwrap-arguments.ts";
import { HOST_OPT_OUT, type SandboxProblem, SandboxUnavailableError } from "./runtime-choice.ts";
import { sandboxExecArguments } from "./sandbox-exec-profile.ts";

/** A program and its arguments, ready for `spawn(file, args)`. */
export interface SpawnPlan {
  readonly file: string;
  readonly args: string[];
}

/** An open sandbox: wraps any command line so that it runs confined. */
export interface Sandbox {
  /** Which mechanism confines the commands. */
  readonly kind: "bubblewrap" | "sandbox-exec";
  /** Absolute path of `bwrap` or `sandbox-exec`. */
  readonly executable: string;
  /** Real path of the workspace, the one place commands may write. */
  readonly workspace: string;
  readonly network: boolean;
  /** Wraps a program and its arguments (e.g. a stdio MCP server) to run confined, starting in `cwd`. */
  wrapArgv(argv: readonly string[], cwd: string): SpawnPlan;
  /** Wraps `bash -c command`: the shape of `runCommand`'s `wrap` option. */
  wrapShell(command: string, cwd: string): SpawnPlan;
  /** One line for humans: what the sandbox allows. */
  describe(): string;
  /** Removes what opening created (macOS: the per-run scratch directory). */
  close(): Promise<void>;
}

/** Options of `openSandbox`. */
export interface OpenSandboxOptions {
  /** The workspace directory (must exist); commands may write here and nowhere else outside `/tmp`. */
  readonly workspace: string;
  /** Keep the network. @default true */
  readonly network?: boolean;
  /** The `[core] runtime` that asked for isolation, for messages. @default "sandbox" */
  readonly runtime?: string;
  /** Environment whose `PATH` is searched for `bwrap`. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default process.platform */
  readonly platform?: NodeJS.Platform;
}

const PROBE_TIMEOUT_MS = 10_000;

/**
 * Opens a sandbox for a workspace after checking it can start; throws `SandboxUnavailableError` when
 * it cannot, saying what is missing and how to choose the host knowingly.
 * @example
 * const sandbox = await openSandbox({ workspace: "/home/me/repo" });
 * const { file, args } = sandbox.wrapShell("make test", "/home/me/repo");
 */
export async function openSandbox(options: OpenSandboxOptions): Promise<Sandbox> {
  const env = options.env ?? process.env;
  const runtime = options.runtime ?? "sandbox";
  const network = options.network ?? true;
  const platform = options.platform ?? process.platform;
  const fail = (problem: SandboxProblem, message: string) =>
    new SandboxUnavailableError(problem, runtime, `${message}\n${HOST_OPT_OUT}`);
  const asked = `[core] runtime = "${runtime}" asks for the agent's commands to run in a sandbox`;
  const workspace = await realpath(options.workspace);
  const networkWord = network ? "network on" : "network off ([sandbox] network = false)";

  if (platform === "linux") {
    const executable = findExecutable("bwrap", env.PATH);
    if (!executable) {
      throw fail(
        "no-bwrap",
        `${asked}, but bubblewrap (bwrap) is not on PATH. Install it: apt-get install bubblewrap (Debian, Ubuntu), dnf install bubblewrap (Fedora).`,
      );
    }
    const wrap = (argv: readonly string[], cwd: string, shownTmpDirs: readonly string[] = []): SpawnPlan => ({
      file: executable,
      args: [...bwrapArguments({ workspace, network }, cwd, shownTmpDirs), "--", ...argv],
    });
    // A program started by path (an MCP server's script in a checkout under /tmp) sees the directories
    // its command line names; an agent's shell command sees only the workspace under the private /tmp.
    const wrapArgv = (argv: readonly string[], cwd: string): SpawnPlan =>
      wrap(argv, cwd, tmpDirsNamedIn(argv));
    const failure = await probe(wrapArgv(["true"], workspace), env);
    if (failure !== null) {
      throw fail(
        "bwrap-failed",
        `${asked}, but bubblewrap (${executable}) cannot start one here: ${failure}\n` +
          "Unprivileged user namespaces are probably disabled: enable them (sysctl kernel.unprivileged_userns_clone=1, " +
          "user.max_user_namespaces > 0; Ubuntu 24.04+: kernel.apparmor_restrict_unprivileged_userns=0 or an AppArmor profile for bwrap).",
      );
    }
    return {
      kind: "bubblewrap",
      executable,
      workspace,
      network,
      wrapArgv,
      wrapShell: (command, cwd) => wrap(["bash", "-c", command], cwd),
      describe: () =>
        `bubblewrap (${executable}): workspace ${workspace} read-write, the rest of the file system read-only, private /tmp, own PID namespace, ${networkWord}`,
      close: async () => {},
    };
  }

  if (platform === "darwin") {
    const executable = "/usr/bin/sandbox-exec";
    if (!findExecutable("sandbox-exec", "/usr/bin")) {
      throw fail("no-sandbox-exec", `${asked}, but ${executable} is missing.`);
    }
    const scratch = await realpath(await mkdtemp(join(tmpdir(), "llmconf-sandbox-")));
    const prefix = sandboxExecArguments({ workspace, scratch, network });
    const wrapArgv = (argv: readonly string[]): SpawnPlan => ({
      file: executable,
      args: [...prefix, ...argv],
    });
    const failure = await probe(wrapArgv(["true"]), env);
    if (failure !== null) {
      await rm(scratch, { recursive: true, force: true });
      throw fail("sandbox-exec-failed", `${asked}, but sandbox-exec cannot start one here: ${failure}`);
    }
    return {
      kind: "sandbox-exec",
      executable,
      workspace,
      network,
      wrapArgv,
      wrapShell: (command) => wrapArgv(["bash", "-c", command]),
      describe: () =>
        `sandbox-exec: workspace ${workspace} read-write, the rest of the file system read-only, TMPDIR ${scratch}, other processes hidden, ${networkWord}`,
      close: () => rm(scratch, { recursive: true, force: true }),
    };
  }

  throw fail(
    "unsupported-platform",
    `${asked}, but llmconf has no sandbox for ${platform} (Linux: bubblewrap; macOS: sandbox-exec).`,
  );
}

/** The absolute path of an executable found on a `PATH`-style list, or `null`. */
export function findExecutable(name: string, path: string | undefined): string | null {
  for (const directory of (path ?? "").split(delimiter)) {
    if (directory === "") continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {}
  }
  return null;
}

/** Runs a confined `true`: `null` when it worked, else what went wrong (the sandbox's own words). */
function probe(plan: SpawnPlan, env: Readonly<Record<string, string | undefined>>): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(
      plan.file,
      plan.args,
      { env, timeout: PROBE_TIMEOUT_MS, killSignal: "SIGKILL", encoding: "utf8" },
      (error, _stdout, stderr) => {
        if (!error) return resolve(null);
        const said = stderr.trim().split("\n").slice(0, 3).join(" ");
        resolve(said || (error.killed ? `no answer within ${PROBE_TIMEOUT_MS / 1000} s` : error.message));
      },
    );
  });
}
