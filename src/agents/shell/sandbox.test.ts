import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { SandboxUnavailableError } from "./runtime-choice.ts";
import { openSandbox, type Sandbox, type SpawnPlan } from "./sandbox.ts";

// These tests start the real bubblewrap (CI installs it); nothing here is simulated but the one
// broken `bwrap` used to see how a sandbox that cannot start is reported.

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(plan: SpawnPlan, cwd: string): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(plan.file, plan.args, { cwd, timeout: 30_000, encoding: "utf8" }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Host processes running `sleep <marker>`, read from the host's /proc (zombies excluded). */
async function hostProcessesWith(marker: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, "utf8").catch(() => "");
    const state = await readFile(`/proc/${entry}/stat`, "utf8").catch(() => "");
    if (cmdline === `sleep\0${marker}\0` && !/\) Z /.test(state)) pids.push(Number(entry));
  }
  return pids;
}

/** Polls until `check` holds; fails after a generous bound rather than asserting any speed. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`never happened: ${what}`);
}

describe("openSandbox on Linux (real bubblewrap)", () => {
  let root: string;
  let workspace: string;
  let beside: string;
  let sandbox: Sandbox;

  before(async () => {
    // Under /tmp on purpose: the workspace stays writable even though the sandbox's /tmp is private.
    root = await mkdtemp(join(tmpdir(), "llmconf-sandbox-test-"));
    workspace = join(root, "workspace");
    beside = join(root, "beside");
    await mkdir(workspace);
    await mkdir(beside);
    sandbox = await openSandbox({ workspace });
  });
  after(async () => {
    await sandbox.close();
    await rm(root, { recursive: true, force: true });
  });

  test("a command writes a file into the workspace", async () => {
    const outcome = await run(sandbox.wrapShell("echo made-inside > note.txt", workspace), workspace);
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(await readFile(join(workspace, "note.txt"), "utf8"), "made-inside\n");
  });

  test("a write beside the workspace fails with the file system's error and leaves no file", async () => {
    const outcome = await run(
      sandbox.wrapShell("echo escaped > ../beside/escaped.txt", workspace),
      workspace,
    );
    assert.notEqual(outcome.code, 0);
    assert.match(outcome.stderr, /Read-only file system/);
    assert.equal(await exists(join(beside, "escaped.txt")), false);
  });

  test("a write into the home directory fails", async () => {
    const home = process.env.HOME ?? "/root";
    const name = `llmconf-sandbox-escape-${process.pid}`;
    const outcome = await run(sandbox.wrapShell(`echo escaped > "$HOME/${name}"`, workspace), workspace);
    assert.notEqual(outcome.code, 0);
    assert.match(outcome.stderr, /Read-only file system|Permission denied/);
    assert.equal(await exists(join(home, name)), false);
  });

  test("host settings under /proc/sys stay read-only even for uid 0 inside", async () => {
    // Writes the current value back, so nothing changes even if the protection were missing.
    const command = 'read -r name < /proc/sys/kernel/hostname && echo "$name" > /proc/sys/kernel/hostname';
    const outcome = await run(sandbox.wrapShell(command, workspace), workspace);
    assert.notEqual(outcome.code, 0);
    assert.match(outcome.stderr, /Read-only file system/);
  });

  test("/tmp inside is private: writable there, invisible on the host", async () => {
    const name = `llmconf-private-${process.pid}`;
    const outcome = await run(
      sandbox.wrapShell(`echo scratch > /tmp/${name} && cat /tmp/${name}`, workspace),
      workspace,
    );
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(outcome.stdout, "scratch\n");
    assert.equal(await exists(join("/tmp", name)), false);
  });

  test("kill of a host process fails and the process lives on", async () => {
    const host = spawn("sleep", ["300"], { stdio: "ignore" });
    try {
      const pid = host.pid as number;
      const outcome = await run(sandbox.wrapShell(`kill -9 ${pid}`, workspace), workspace);
      assert.notEqual(outcome.code, 0);
      assert.match(outcome.stderr, /No such process/);
      assert.doesNotThrow(() => process.kill(pid, 0));
      assert.equal(host.exitCode, null);
    } finally {
      host.kill("SIGKILL");
    }
  });

  test("killing the sandbox's process group ends every process inside, children included", async () => {
    const marker = `9999.${process.pid}${Date.now() % 100000}`;
    const plan = sandbox.wrapShell(`sleep ${marker} & sleep ${marker} & echo started; wait`, workspace);
    const child = spawn(plan.file, plan.args, {
      cwd: workspace,
      detached: true,
      stdio: ["ignore", "pipe", "ignore"],
    });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    try {
      await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
      await eventually(async () => (await hostProcessesWith(marker)).length === 2, "both sleeps started");
      // What runCommand's timeout does: kill the group it started. The sleeps are in a session of
      // their own inside the sandbox, so only the PID namespace ending can take them down.
      process.kill(-(child.pid as number), "SIGKILL");
      await exited;
      await eventually(
        async () => (await hostProcessesWith(marker)).length === 0,
        "the sleeps inside were killed",
      );
    } finally {
      if (child.exitCode === null && child.signalCode === null)
        process.kill(-(child.pid as number), "SIGKILL");
      for (const pid of await hostProcessesWith(marker)) process.kill(pid, "SIGKILL");
    }
  });

  test("the network stays reachable by default and is cut with network: false", async () => {
    const server = createServer((socket) => socket.end("hello\n"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const command = `exec 3<>/dev/tcp/127.0.0.1/${port} && head -1 <&3`;
    try {
      const online = await run(sandbox.wrapShell(command, workspace), workspace);
      assert.equal(online.stdout, "hello\n", online.stderr);
      const offlineSandbox = await openSandbox({ workspace, network: false });
      const offline = await run(offlineSandbox.wrapShell(command, workspace), workspace);
      assert.notEqual(offline.code, 0);
      assert.match(offline.stderr, /Connection refused/);
    } finally {
      server.close();
    }
  });

  test("wrapArgv confines any program, not only the shell", async () => {
    const outcome = await run(sandbox.wrapArgv(["touch", join(beside, "argv.txt")], workspace), workspace);
    assert.notEqual(outcome.code, 0);
    assert.match(outcome.stderr, /Read-only file system/);
    assert.equal(await exists(join(beside, "argv.txt")), false);
  });
});

describe("openSandbox when no sandbox can start", () => {
  test("a PATH without bwrap stops with what is missing, how to install it and how to opt out", async () => {
    const error = await openSandbox({
      workspace: tmpdir(),
      runtime: "docker",
      env: { PATH: "/nonexistent" },
    }).then(
      () => assert.fail("opened without bwrap"),
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof SandboxUnavailableError);
    assert.equal(error.problem, "no-bwrap");
    assert.match(error.message, /\[core\] runtime = "docker"/);
    assert.match(error.message, /bubblewrap \(bwrap\) is not on PATH/);
    assert.match(error.message, /apt-get install bubblewrap/);
    assert.match(error.message, /runtime = "local"/);
  });

  test("a bwrap that cannot create namespaces is reported in its own words, with the fix", async () => {
    const bin = await mkdtemp(join(tmpdir(), "llmconf-broken-bwrap-"));
    try {
      // Prints what Debian's bwrap prints when unprivileged user namespaces are off.
      await writeFile(
        join(bin, "bwrap"),
        "#!/bin/sh\necho 'bwrap: No permissions to creating new namespace, likely because the kernel does not allow non-privileged user namespaces.' >&2\nexit 1\n",
      );
      await chmod(join(bin, "bwrap"), 0o755);
      const error = await openSandbox({ workspace: tmpdir(), env: { PATH: bin } }).catch(
        (thrown: unknown) => thrown,
      );
      assert.ok(error instanceof SandboxUnavailableError);
      assert.equal(error.problem, "bwrap-failed");
      assert.match(error.message, /No permissions to creating new namespace/);
      assert.match(error.message, /kernel\.unprivileged_userns_clone=1/);
      assert.match(error.message, /runtime = "local"/);
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });

  test("a platform without a sandbox stops instead of running on the host", async () => {
    const error = await openSandbox({ workspace: tmpdir(), platform: "win32" }).catch(
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof SandboxUnavailableError);
    assert.equal(error.problem, "unsupported-platform");
    assert.match(error.message, /no sandbox for win32/);
  });
});
