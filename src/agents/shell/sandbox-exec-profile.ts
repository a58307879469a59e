/**
 * The macOS counterpart of the bubblewrap policy: a `sandbox-exec` profile (Apple's SBPL) of the same
 * meaning, kept deliberately small. UNTESTED HERE: llmconf's tests and CI run on Linux only, so this
 * profile has only been written against Apple's documented SBPL, never executed. Paths arrive as
 * `-D` parameters, never spliced into the text, so no path can change the profile.
 *
 * Differences from Linux: macOS has no private mount of `/tmp`, so `/tmp` is read-only like the rest
 * and `TMPDIR` points at a fresh per-run directory that is writable; there is no PID namespace, so
 * other processes are hidden and unsignalable by rule instead.
 */

/** What the profile allows, as in `BwrapPolicy`. */
export interface SandboxExecPolicy {
  /** Real absolute path of the workspace (macOS: `/private/...` for anything under `/tmp`). */
  readonly workspace: string;
  /** Per-run scratch directory, set as `TMPDIR` for the command. */
  readonly scratch: string;
  /** Keep the network; `false` denies every network operation but local (Unix) sockets. */
  readonly network: boolean;
}

/** The SBPL text: everything allowed, then writes, signals, process inspection (and the network) narrowed. */
export function formatSandboxExecProfile(network: boolean): string {
  return [
    "(version 1)",
    "(allow default)",
    // Last matching rule wins: deny all writes, then allow the workspace, the scratch dir and devices.
    "(deny file-write*)",
    '(allow file-write* (subpath (param "WORKSPACE")) (subpath (param "SCRATCH"))',
    '  (literal "/dev/null") (literal "/dev/zero") (literal "/dev/dtracehelper") (regex #"^/dev/tty") (regex #"^/dev/fd/"))',
    // No PID namespace on macOS: hide and protect every process outside this sandbox.
    "(deny signal)",
    "(allow signal (target same-sandbox))",
    "(deny process-info*)",
    "(allow process-info* (target same-sandbox))",
    ...(network ? [] : ["(deny network*)", "(allow network* (remote unix-socket))"]),
    "",
  ].join("\n");
}

/** `sandbox-exec`'s arguments before the command: the profile and its parameters. */
export function sandboxExecArguments(policy: SandboxExecPolicy): string[] {
  return [
    "-p",
    formatSandboxExecProfile(policy.network),
    "-D",
    `WORKSPACE=${policy.workspace}`,
    "-D",
    `SCRATCH=${policy.scratch}`,
    "/usr/bin/env",
    `TMPDIR=${policy.scratch}`,
  ];
}
