/**
 * The bubblewrap command line for one confined process: pure, so the mount plan can be read and tested
 * without starting anything.
 */
import { isAbsolute, relative, sep } from "node:path";

/** What the sandbox lets a command do. */
export interface BwrapPolicy {
  /** Real (symlink-free) absolute path of the workspace, the one place the command may write. */
  readonly workspace: string;
  /** Keep the host's network; `false` gives the command a network namespace with only loopback. */
  readonly network: boolean;
}

/**
 * The directories under `/tmp` that a command line names (an MCP server's script in a checkout under
 * `/tmp`, say): the private `/tmp` would hide them, so they are shown read-only, by their top directory
 * so that what the script imports beside it is there too.
 */
export function tmpDirsNamedIn(argv: readonly string[]): string[] {
  const tops = new Set<string>();
  for (const arg of argv) {
    const inside = isAbsolute(arg) ? relativeInside("/tmp", arg) : null;
    if (inside) tops.add(`/tmp/${inside.split(sep)[0]}`);
  }
  return [...tops];
}

/**
 * bwrap's options, before `--` and the command: the whole file system read-only, the workspace
 * read-write at its own path, a private `/tmp`, a fresh `/dev` and `/proc`, and namespaces of its own
 * for users, processes, IPC and the host name, with every capability dropped.
 */
export function bwrapArguments(
  policy: BwrapPolicy,
  cwd: string,
  shownTmpDirs: readonly string[] = [],
): string[] {
  const { workspace } = policy;
  const args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"];
  // Even a process that is uid 0 inside could write host sysctls through a fresh /proc's sys/.
  args.push("--ro-bind", "/proc/sys", "/proc/sys");
  const underTmp = relativeInside("/tmp", workspace);
  if (underTmp !== "") args.push("--tmpfs", "/tmp");
  if (underTmp !== null && underTmp !== "") {
    // The tmpfs would make the workspace's neighbours silently writable (and invisible to the host);
    // show the real ones, read-only, so a write beside the workspace fails as it does elsewhere.
    const top = `/tmp/${underTmp.split(sep)[0]}`;
    if (top !== workspace) args.push("--ro-bind", top, top);
  }
  if (underTmp !== "") {
    const workspaceTop = underTmp === null ? null : `/tmp/${underTmp.split(sep)[0]}`;
    for (const dir of shownTmpDirs) if (dir !== workspaceTop) args.push("--ro-bind-try", dir, dir);
  }
  args.push("--bind", workspace, workspace);
  args.push("--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts");
  if (!policy.network) args.push("--unshare-net");
  // --new-session: no terminal to push keystrokes into (TIOCSTI); --die-with-parent: the sandbox
  // ends when llmconf does, so nothing outlives a killed run.
  args.push("--die-with-parent", "--new-session", "--cap-drop", "ALL", "--chdir", cwd);
  return args;
}

/** `child` relative to `parent` ("" when equal), or `null` when it lies outside. */
function relativeInside(parent: string, child: string): string | null {
  const path = relative(parent, child);
  if (path === "") return "";
  if (path.startsWith("..") || isAbsolute(path)) return null;
  return path;
}
