// MCP servers of [mcp] as agent tools in `llmconf run`, spawned as a user runs it against the fake
// upstream: a real stdio MCP server (test/fixtures/mcp/echo-server.mjs, on the host and inside the
// bubblewrap sandbox), real HTTP MCP servers started here, scripted tool calls, real processes checked
// by pid and command line after the run and after Ctrl-C.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { startSseServer, startStreamableHttpServer } from "./fixtures/mcp/http-server.ts";
import { echoServer, echoServerEntry, processesWith } from "./mcp-servers.ts";
import { runCli } from "./run-cli.ts";
import {
  toolCall as call,
  lastObservations,
  setUpRun,
  startRunUntil,
  trajectoryOf as trajectory,
  useFakeUpstream,
} from "./run-fixture.ts";

const llmKey = "sk-mcp-e2e-never-shown-4242";
const envSecret = "mcp-env-secret-never-shown-7777";
const apiKey = "mcp-api-key-never-shown-9999";
const upstream = await useFakeUpstream();

/** A stdio server entry running the fixture, marked with a token that finds its processes later. */
function echoEntry(name: string, marker: string, extraArgs: string[] = []): string {
  return echoServerEntry(name, {
    args: [`--marker=${marker}`, ...extraArgs],
    env: { SECRET_TOKEN: envSecret },
  });
}

/** A directory with a config (the fake upstream, `runtime`, the given [mcp] lines) and a workspace. */
function setUp(options: { runtime?: string; mcp: string; extra?: string }): {
  dir: string;
  workspace: string;
} {
  return setUpRun(
    "llmconf-mcp-e2e-",
    `[core]
runtime = "${options.runtime ?? "local"}"
save_trajectory_path = "trajectory.json"

[llm]
model = "gpt-4o"
api_key = "${llmKey}"
base_url = "${upstream.url}/v1"
num_retries = 0

${options.extra ?? ""}

[mcp]
${options.mcp}
`,
  );
}

function run(dir: string, task: string) {
  return runCli(["run", "-d", "repo", "-t", task], { cwd: dir });
}

/** The tool names sent in the first request. */
function toolsSent(): string[] {
  const body = upstream.requests[0]?.body as { tools: { function: { name: string } }[] };
  return body.tools.map((tool) => tool.function.name);
}

for (const runtime of ["local", "sandbox"]) {
  test(`an agent calls a stdio MCP server's tools (runtime ${runtime}); observations carry the results and the server is gone after the run`, async () => {
    const marker = randomUUID();
    const { dir } = setUp({ runtime, mcp: `stdio_servers = [${echoEntry("echo", marker)}]` });
    upstream.enqueue(
      call("echo", { text: "hello" }),
      call("add", { a: 2, b: 3 }),
      call("picture", {}),
      call("env", { name: "SECRET_TOKEN" }),
      call("finish", { message: "done" }),
    );
    const result = await run(dir, "Use the echo server");
    assert.equal(result.code, 0, result.stderr);
    assert.equal(upstream.pendingCount(), 0);
    assert.ok(toolsSent().includes("echo") && toolsSent().includes("execute_bash"), toolsSent().join());
    const [echoed, sum, picture, env] = lastObservations(upstream);
    assert.equal(echoed, "echo: hello");
    assert.equal(sum, "5");
    assert.equal(picture, "a red dot\n[image: image/png, 8 B]");
    assert.equal(env, envSecret, "the server got its env");
    assert.match(result.stderr, /MCP server "echo": echo, add, fail, hang, exit, picture, env/);
    // Secrets never printed: not on stderr/stdout, not in the trajectory (the observation is redacted).
    const events = trajectory(dir);
    const written = JSON.stringify(events) + result.stdout + result.stderr;
    for (const secret of [envSecret, llmKey]) assert.ok(!written.includes(secret), `${secret} was printed`);
    const started = events.find((event) => event.type === "mcp_servers") as unknown as {
      servers: { name: string; pid: number }[];
    };
    assert.equal(started.servers[0]?.name, "echo");
    assert.throws(() => process.kill(started.servers[0]?.pid as number, 0), { code: "ESRCH" });
    assert.deepEqual(processesWith(marker), []);
  });
}

test("a server that fails to start is a located warning; the run goes on with the other servers' tools", async () => {
  const marker = randomUUID();
  const { dir } = setUp({
    mcp: `stdio_servers = [
  ${echoEntry("echo", marker)},
  ${echoEntry("broken", marker, ["--fail-start"])},
  { name = "missing", command = "no-such-mcp-server-xyz", env = { GITHUB_TOKEN = "${envSecret}" } },
]`,
  });
  upstream.enqueue(call("echo", { text: "still here" }), call("finish", { message: "done" }));
  const result = await run(dir, "Use what works");
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /warning: MCP server "broken" \(\[mcp\] stdio_servers\[1\] at \S+config\.toml:\d+\) did not start: its process exited with code 3 before it answered; its stderr: echo-server: refusing to start \(--fail-start\)\. The run goes on without its tools; check its command, args and env/,
  );
  assert.match(
    result.stderr,
    /warning: MCP server "missing" \(\[mcp\] stdio_servers\[2\] at \S+config\.toml:\d+\) did not start: command "no-such-mcp-server-xyz" was not found/,
  );
  assert.deepEqual(lastObservations(upstream), ["echo: still here"]);
  assert.ok(!result.stderr.includes(envSecret));
  assert.deepEqual(processesWith(marker), []);
});

test("a tool that fails, hangs past its timeout or kills its server is an error observation; the run finishes", async () => {
  const marker = randomUUID();
  const { dir } = setUp({
    mcp: `stdio_servers = [${echoEntry("echo", marker)}]`,
    extra: "[sandbox]\ntimeout = 1\n",
  });
  upstream.enqueue(
    call("fail", {}),
    call("add", { a: "two" }),
    call("hang", {}),
    call("exit", {}),
    call("echo", { text: "anyone?" }),
    call("finish", { message: "done" }),
  );
  const result = await run(dir, "Try everything");
  assert.equal(result.code, 0, result.stderr);
  const [failed, invalid, hung, exited, afterDeath] = lastObservations(upstream);
  assert.equal(failed, "ERROR: fail failed: the fail tool failed on purpose");
  assert.match(invalid ?? "", /^ERROR: add failed: .*Input validation error/);
  assert.match(hung ?? "", /^ERROR: hang timed out after 1 s \(MCP server "echo"\); the call was cancelled/);
  assert.match(
    exited ?? "",
    /^ERROR: exit failed: .*(MCP server "echo" stopped \(its process exited with code 7\)|closed)/,
  );
  assert.match(
    afterDeath ?? "",
    /^ERROR: MCP server "echo" is not running \(its process exited with code 7\); its tools cannot be used in this run\./,
  );
  assert.match(
    result.stderr,
    /warning: MCP server "echo" \(\[mcp\] stdio_servers\[0\] at \S+\) stopped during the run: its process exited with code 7/,
  );
  assert.deepEqual(processesWith(marker), []);
});

for (const runtime of ["local", "sandbox"]) {
  test(`Ctrl-C while an MCP tool runs stops its server and exits 130 (runtime ${runtime})`, async () => {
    const marker = randomUUID();
    const { dir, workspace } = setUp({ runtime, mcp: `stdio_servers = [${echoEntry("echo", marker)}]` });
    upstream.enqueue(call("hang", {}));
    // Interrupted once the tool call is running in the server.
    const running = await startRunUntil(dir, join(workspace, "mcp-hang-started"));
    assert.notDeepEqual(processesWith(marker), []);
    running.interrupt();
    assert.equal(await running.closed, 130, running.stderr());
    assert.match(running.stderr(), /interrupted/);
    assert.deepEqual(processesWith(marker), []);
  });
}

test("agents with enable_mcp = false get no MCP tools, and no server is started", async () => {
  const marker = randomUUID();
  const { dir, workspace } = setUp({
    mcp: `stdio_servers = [${echoEntry("echo", marker)}]`,
    extra: "[agent]\nenable_mcp = false\n",
  });
  upstream.enqueue(call("finish", { message: "done" }));
  const result = await run(dir, "Nothing to do");
  assert.equal(result.code, 0, result.stderr);
  assert.ok(!toolsSent().includes("echo"));
  assert.doesNotMatch(result.stderr, /MCP server/);
  assert.ok(!existsSync(join(workspace, "mcp-hang-started")));
});

test("Streamable HTTP and SSE servers get the api_key as OpenHands sends it; clashing tool names are qualified", async () => {
  const shttp = await startStreamableHttpServer();
  const sse = await startSseServer();
  try {
    const { dir } = setUp({
      mcp: `shttp_servers = [{ url = "${shttp.url}", api_key = "${apiKey}", timeout = 5 }]
sse_servers = [{ url = "${sse.url}", api_key = "${apiKey}" }]`,
    });
    const shttpName = `127_0_0_1_${new URL(shttp.url).port}__shout`;
    const sseName = `127_0_0_1_${new URL(sse.url).port}__shout`;
    upstream.enqueue(
      call(shttpName, { text: "over http" }),
      call(sseName, { text: "over sse" }),
      call("finish", { message: "done" }),
    );
    const result = await run(dir, "Shout twice");
    assert.equal(result.code, 0, result.stderr);
    assert.ok(toolsSent().includes(shttpName) && toolsSent().includes(sseName), toolsSent().join());
    assert.deepEqual(lastObservations(upstream), ["OVER HTTP", "OVER SSE"]);
    for (const headers of [...shttp.headers, ...sse.headers]) {
      assert.equal(headers.authorization, `Bearer ${apiKey}`);
      assert.equal(headers["x-session-api-key"], apiKey);
    }
    const written = JSON.stringify(trajectory(dir)) + result.stdout + result.stderr;
    assert.ok(!written.includes(apiKey), "the api_key was printed");
  } finally {
    await shttp.close();
    await sse.close();
  }
});

test("an HTTP server that is not there is a warning naming its URL without its credentials", async () => {
  const { dir } = setUp({
    mcp: `shttp_servers = [{ url = "http://user:${apiKey}@127.0.0.1:9/mcp", api_key = "${apiKey}" }]`,
  });
  upstream.enqueue(call("finish", { message: "done" }));
  const result = await run(dir, "Nothing");
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stderr,
    /warning: MCP server "127\.0\.0\.1_9" \(\[mcp\] shttp_servers\[0\] at \S+\) did not start: .*check that the server is running at http:\/\/user:\*{10}@127\.0\.0\.1:9\/mcp/,
  );
  assert.ok(!result.stderr.includes(apiKey));
});

test("servers listed in MCP_STDIO_SERVERS (OpenHands' env form) start too, and warnings name the variable", async () => {
  const marker = randomUUID();
  const { dir } = setUp({ mcp: "" });
  const servers = [
    { name: "echo", command: process.execPath, args: [echoServer, `--marker=${marker}`] },
    { name: "broken", command: process.execPath, args: [echoServer, `--marker=${marker}`, "--fail-start"] },
  ];
  upstream.enqueue(call("echo", { text: "from env" }), call("finish", { message: "done" }));
  const result = await runCli(["run", "-d", "repo", "-t", "Use env servers"], {
    cwd: dir,
    env: { MCP_STDIO_SERVERS: JSON.stringify(servers) },
  });
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(lastObservations(upstream), ["echo: from env"]);
  assert.match(
    result.stderr,
    /warning: MCP server "broken" \(\[mcp\] stdio_servers\[1\] from MCP_STDIO_SERVERS\) did not start: its process exited with code 3/,
  );
  assert.deepEqual(processesWith(marker), []);
});
