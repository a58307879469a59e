// The agent's sandbox as a user meets it: which runtime `config explain` says is in force, and what
// `llmconf run`'s commands can and cannot do in each runtime (real bubblewrap, real processes).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import type { Behaviour } from "../src/llm/replies/behaviours.ts";
import { runCli } from "./run-cli.ts";

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "llmconf-sandbox-e2e-")), "config.toml");
  writeFileSync(path, text);
  return path;
}

test("config explain says the default runtime confines commands with bubblewrap", async () => {
  const result = await runCli([
    "config",
    "explain",
    "--config-file",
    configFile("[llm]\nmodel = 'mock/echo'\n"),
  ]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^Commands: runtime "docker": agent commands run in a sandbox, bubblewrap \(\/\S+\/bwrap\), network on \(core\.runtime, default\)$/m,
  );
});

test("config explain names the file line that chose the host, and --json carries the choice", async () => {
  const path = configFile('[core]\nruntime = "local"\n');
  const text = await runCli(["config", "explain", "--config-file", path]);
  assert.match(
    text.stdout,
    /^Commands: runtime "local": agent commands run on the host, unconfined \(core\.runtime, .*config\.toml:2 \[core\]\)$/m,
  );
  const json = await runCli(["config", "explain", "--config-file", path, "--json"]);
  assert.deepEqual(JSON.parse(json.stdout).runtime, {
    mode: "host",
    runtime: "local",
    description: 'runtime "local": agent commands run on the host, unconfined',
  });
});

test("config explain warns that runs will stop when bwrap is not on PATH, and names unsupported runtimes", async () => {
  const path = configFile("[sandbox]\nnetwork = false\n");
  const missing = await runCli(["config", "explain", "--config-file", path], {
    env: { PATH: "/nonexistent" },
  });
  assert.equal(missing.code, 0, missing.stderr);
  assert.match(
    missing.stdout,
    /network off; bwrap is not on PATH, so runs will stop \(apt-get install bubblewrap\)/,
  );
  const kubernetes = await runCli(["config", "explain", "--config-file", path], {
    env: { RUNTIME: "kubernetes" },
  });
  assert.equal(kubernetes.code, 0, kubernetes.stderr);
  assert.match(
    kubernetes.stdout,
    /runtime = "kubernetes" is not supported by llmconf run\/chat; use one of "docker", "sandbox", "local", "cli"/,
  );
});

// `llmconf run` against the fake upstream, the model's execute_bash calls scripted.

let upstream: FakeUpstream;
before(async () => {
  upstream = await startFakeUpstream();
});
after(() => upstream.close());
beforeEach(() => upstream.reset());

/** A directory holding config.toml and two siblings: the workspace `repo` and `beside`. */
function setUpRun(extra = ""): { dir: string; workspace: string; beside: string } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "llmconf-sandbox-run-")));
  const workspace = join(dir, "repo");
  const beside = join(dir, "beside");
  mkdirSync(workspace);
  mkdirSync(beside);
  writeFileSync(
    join(dir, "config.toml"),
    `[llm]\nmodel = "gpt-4o"\napi_key = "sk-sandbox-e2e-0000"\nbase_url = "${upstream.url}/v1"\nnum_retries = 1\n${extra}`,
  );
  return { dir, workspace, beside };
}

function bash(command: string): Behaviour {
  return { toolCalls: [{ name: "execute_bash", arguments: { command } }] };
}

const finish: Behaviour = { toolCalls: [{ name: "finish", arguments: { message: "done" } }] };

/** The tool observations the upstream was sent in its last request. */
function observations(): string[] {
  const body = upstream.requests.at(-1)?.body as { messages: { role: string; content: string }[] };
  return body.messages.filter((message) => message.role === "tool").map((message) => message.content);
}

function runIn(dir: string, env: Record<string, string> = {}) {
  return runCli(["run", "-d", "repo", "-t", "try the sandbox"], { cwd: dir, env });
}

/** Host processes running exactly `sleep <marker>` (zombies excluded). */
function sleepsWith(marker: string): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const running = !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
        return running && readFileSync(`/proc/${pid}/cmdline`, "utf8") === `sleep\0${marker}\0`;
      } catch {
        return false;
      }
    })
    .map(Number);
}

test("the default runtime (docker) confines execute_bash: the workspace is writable, its neighbour is not", async () => {
  const { dir, workspace, beside } = setUpRun();
  upstream.enqueue(
    bash("echo inside > made.txt && cat made.txt"),
    bash("echo outside > ../beside/escaped.txt"),
    finish,
  );
  const result = await runIn(dir);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^llmconf: runtime "docker": commands run in a sandbox, bubblewrap \(/m);
  assert.equal(readFileSync(join(workspace, "made.txt"), "utf8"), "inside\n");
  const [inside, outside] = observations();
  assert.match(inside ?? "", /inside/);
  assert.match(outside ?? "", /\.\.\/beside\/escaped\.txt: Read-only file system/);
  assert.equal(existsSync(join(beside, "escaped.txt")), false);
});

test("in the sandbox, kill of a host process started by the test fails and the process lives on", async () => {
  const { dir } = setUpRun();
  const host = spawn("sleep", ["300"], { stdio: "ignore" });
  try {
    upstream.enqueue(bash(`kill -9 ${host.pid}`), finish);
    const result = await runIn(dir);
    assert.equal(result.code, 0, result.stderr);
    assert.match(observations()[0] ?? "", /No such process/);
    assert.doesNotThrow(() => process.kill(host.pid as number, 0));
    assert.equal(host.exitCode, null);
  } finally {
    host.kill("SIGKILL");
  }
});

test("in the sandbox, a command that outlives [sandbox] timeout is killed with its children", async () => {
  const { dir } = setUpRun("\n[sandbox]\ntimeout = 1\n");
  const marker = `7777.${process.pid}`;
  upstream.enqueue(bash(`sleep ${marker} & sleep ${marker} & sleep ${marker}`), finish);
  const result = await runIn(dir);
  assert.equal(result.code, 0, result.stderr);
  assert.match(observations()[0] ?? "", /timed out after 1 s and was killed with all its child processes/);
  // The kernel tears the PID namespace down as the sandbox dies: give it that moment, no clock asserted.
  for (let check = 0; check < 200 && sleepsWith(marker).length > 0; check += 1) {
    await new Promise((done) => setTimeout(done, 25));
  }
  const left = sleepsWith(marker);
  for (const pid of left) process.kill(pid, "SIGKILL");
  assert.deepEqual(left, [], "no sleep outlived the command");
});

test('runtime = "local" runs on the host, as asked: the write beside the workspace succeeds', async () => {
  const { dir, beside } = setUpRun('\n[core]\nruntime = "local"\n');
  upstream.enqueue(bash("echo outside > ../beside/escaped.txt"), finish);
  const result = await runIn(dir);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stderr, /^llmconf: runtime "local": commands run on the host, unconfined$/m);
  assert.equal(readFileSync(join(beside, "escaped.txt"), "utf8"), "outside\n");
});

test("with bwrap not on PATH the run stops before any command or request, saying what to do", async () => {
  const { dir, workspace } = setUpRun();
  upstream.enqueue(bash("touch ran.txt"), finish);
  const result = await runIn(dir, { PATH: "/nonexistent" });
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /\[core\] runtime = "docker" asks for the agent's commands to run in a sandbox, but bubblewrap \(bwrap\) is not on PATH/,
  );
  assert.match(result.stderr, /apt-get install bubblewrap/);
  assert.match(result.stderr, /set \[core\] runtime = "local"/);
  assert.equal(upstream.requests.length, 0);
  assert.equal(existsSync(join(workspace, "ran.txt")), false);
});

test("a runtime llmconf cannot honour stops the run before the first step, naming the supported values", async () => {
  const { dir } = setUpRun('\n[core]\nruntime = "kubernetes"\n');
  const result = await runIn(dir);
  assert.equal(result.code, 1);
  assert.match(
    result.stderr,
    /runtime = "kubernetes" is not supported by llmconf run\/chat; use one of "docker", "sandbox", "local", "cli"/,
  );
  assert.equal(upstream.requests.length, 0);
});
