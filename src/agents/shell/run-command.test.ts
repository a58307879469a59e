import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { formatCommandResult, runCommand } from "./run-command.ts";

const workspace = mkdtempSync(join(tmpdir(), "llmconf-run-command-"));

/** Whether a process runs; a killed process nobody has reaped yet (a zombie) does not. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) [ZX]/.test(stat);
  } catch {
    return false;
  }
}

/**
 * Whether a killed process is still running after the kernel has had time to finish its exit: it closes
 * a process's pipes before it marks the process a zombie, so "output closed" can precede "exited".
 */
async function isAlive(pid: number): Promise<boolean> {
  for (let check = 0; check < 100 && isRunning(pid); check += 1)
    await new Promise((done) => setTimeout(done, 20));
  return isRunning(pid);
}

test("a command runs with the workspace as cwd and reports its exit code", async () => {
  const result = await runCommand({
    command: "pwd; echo oops >&2; exit 3",
    cwd: workspace,
    timeoutMs: 10_000,
  });
  assert.equal(result.exitCode, 3);
  assert.equal(result.output, `${workspace}\noops\n`);
  assert.equal(formatCommandResult(result, 10_000), `${workspace}\noops\n[exit code 3]`);
});

test("a command that outlives its timeout is killed with every child it started", async () => {
  const pidFile = join(workspace, "child.pid");
  const result = await runCommand({
    command: `sleep 300 & echo $! > ${pidFile}; sleep 300`,
    cwd: workspace,
    timeoutMs: 300,
  });
  assert.equal(result.timedOut, true);
  assert.equal(result.exitCode, null);
  const child = Number(readFileSync(pidFile, "utf8"));
  assert.equal(await isAlive(child), false, "the background child was killed too");
  assert.match(formatCommandResult(result, 300), /timed out after 0\.3 s and was killed with all its child/);
});

test("an abort kills the running command and says it was interrupted", async () => {
  const controller = new AbortController();
  const running = runCommand({
    command: "echo started; sleep 300",
    cwd: workspace,
    timeoutMs: 60_000,
    signal: controller.signal,
  });
  setImmediate(() => controller.abort());
  const result = await running;
  assert.equal(result.aborted, true);
  assert.match(formatCommandResult(result, 60_000), /interrupted: killed with all its child processes/);
});

test("background processes do not outlive the command that started them", async () => {
  const pidFile = join(workspace, "background.pid");
  const result = await runCommand({
    command: `sleep 300 & echo $! > ${pidFile}; echo done`,
    cwd: workspace,
    timeoutMs: 60_000,
  });
  assert.equal(result.exitCode, 0);
  assert.equal(result.output, "done\n");
  assert.equal(await isAlive(Number(readFileSync(pidFile, "utf8"))), false);
});

test("long output is cut in the middle with a note saying how much was cut", async () => {
  const result = await runCommand({
    command: "for i in $(seq 1 2000); do echo line$i; done",
    cwd: workspace,
    timeoutMs: 60_000,
    maxOutputChars: 100,
  });
  assert.ok(result.output.startsWith("line1\nline2\n"));
  assert.ok(result.output.endsWith("line2000\n"));
  assert.match(result.output, /\[\.\.\. Observation truncated due to length \.\.\.\]/);
  assert.ok(result.truncatedChars > 10_000);
  assert.match(
    formatCommandResult(result, 60_000),
    /\[output truncated: \d+ characters cut from the middle\]/,
  );
});

test("a wrapper decides which program runs the command", async () => {
  const result = await runCommand({
    command: "ignored",
    cwd: workspace,
    timeoutMs: 10_000,
    wrap: (command, cwd) => ({ file: "printf", args: ["%s|%s", command, cwd] }),
  });
  assert.equal(result.output, `ignored|${workspace}`);
});
