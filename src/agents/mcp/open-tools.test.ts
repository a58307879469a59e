// openMcpTools against the real fixture server (test/fixtures/mcp/echo-server.mjs): real processes,
// checked by pid.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, readlinkSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { echoServerEntry, isRunning, processesWith } from "../../../test/mcp-servers.ts";
import { loadConfig } from "../../config/load.ts";
import { runToolCall } from "../tool-calls.ts";
import type { ToolContext } from "../tools/tool.ts";
import type { Workspace } from "../workspace.ts";
import { openMcpTools } from "./open-tools.ts";

/** A config (`before` the [mcp] section) listing the fixture server (`args`, `env`) and a workspace beside it. */
async function setUp(args: string[] = [], options: { env?: Record<string, string>; before?: string } = {}) {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "llmconf-mcp-open-")));
  const pidFile = join(dir, "server.pid");
  const entry = echoServerEntry("echo", { args, env: options.env ?? { MCP_PID_FILE: pidFile } });
  writeFileSync(join(dir, "config.toml"), `${options.before ?? ""}[mcp]\nstdio_servers = [${entry}]\n`);
  const config = await loadConfig({
    configFile: join(dir, "config.toml"),
    userFiles: false,
    env: { PATH: process.env.PATH ?? "" },
  });
  return { dir, pidFile, config };
}

test("a config without MCP servers opens nothing and has no tools", async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "llmconf-mcp-open-")));
  writeFileSync(join(dir, "config.toml"), "[llm]\nmodel = 'mock/echo'\n");
  const config = await loadConfig({ configFile: join(dir, "config.toml"), userFiles: false, env: {} });
  const warnings: string[] = [];
  const mcp = await openMcpTools(config, { workspace: dir, onWarning: (message) => warnings.push(message) });
  assert.deepEqual([mcp.tools, mcp.servers, warnings], [[], [], []]);
});

test("close stops the server process, which was started in the workspace", async () => {
  const { dir, pidFile, config } = await setUp();
  const mcp = await openMcpTools(config, { workspace: dir, onWarning: assert.fail });
  const pid = Number(readFileSync(pidFile, "utf8"));
  assert.equal(mcp.servers[0]?.pid, pid);
  assert.ok(isRunning(pid));
  assert.equal(readlinkSync(`/proc/${pid}/cwd`), dir);
  const env = mcp.tools.find((tool) => tool.name === "env");
  assert.ok(env);
  await mcp.close();
  assert.equal(isRunning(pid), false);
  await mcp.close();
});

test("a server that does not answer within the start bound is a warning, and its process is killed", async () => {
  const marker = randomUUID();
  const { dir, config } = await setUp(["--hang-start", `--marker=${marker}`]);
  const warnings: string[] = [];
  const mcp = await openMcpTools(config, {
    workspace: dir,
    startTimeoutMs: 500,
    onWarning: (message) => warnings.push(message),
  });
  assert.deepEqual(mcp.tools, []);
  assert.equal(warnings.length, 1);
  assert.match(
    warnings[0] ?? "",
    /^MCP server "echo" \(\[mcp\] stdio_servers\[0\] at \S+config\.toml:2\) did not start: it did not answer initialize and tools\/list within 0\.5 s\. The run goes on without its tools; check its command, args and env/,
  );
  assert.deepEqual(processesWith(marker), []);
});

test("Ctrl-C while a server starts stops it, and opening returns without its tools", async () => {
  const { dir, pidFile, config } = await setUp(["--hang-start"]);
  const controller = new AbortController();
  const warnings: string[] = [];
  const opening = openMcpTools(config, {
    workspace: dir,
    signal: controller.signal,
    onWarning: (message) => warnings.push(message),
  });
  while (!existsSync(pidFile) || readFileSync(pidFile, "utf8") === "")
    await new Promise((done) => setImmediate(done));
  controller.abort();
  const mcp = await opening;
  assert.deepEqual(mcp.tools, []);
  assert.match(warnings[0] ?? "", /did not start: interrupted \(Ctrl-C\) while it started/);
  assert.equal(isRunning(Number(readFileSync(pidFile, "utf8"))), false);
});

test("a server that needs an unset ${VAR} is not started, and the warning names the variable and the line", async () => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "llmconf-mcp-open-")));
  writeFileSync(
    join(dir, "config.toml"),
    '[mcp]\nshttp_servers = [{ url = "http://127.0.0.1:9/mcp", api_key = "${NOTES_KEY}" }]\n',
  );
  const config = await loadConfig({ configFile: join(dir, "config.toml"), userFiles: false, env: {} });
  const warnings: string[] = [];
  const mcp = await openMcpTools(config, { workspace: dir, onWarning: (message) => warnings.push(message) });
  assert.deepEqual(mcp.tools, []);
  assert.match(
    warnings[0] ?? "",
    /^MCP server "127\.0\.0\.1_9" \(.*\) is not started: .*config\.toml:2:\d+: .*NOTES_KEY/,
  );
});

test("a stdio server gets [sandbox] runtime_startup_env_vars, and its own env wins over them", async () => {
  const { dir, config } = await setUp([], {
    env: { SHARED: "server" },
    before: '[sandbox]\nruntime_startup_env_vars = { FROM_STARTUP = "startup", SHARED = "startup" }\n\n',
  });
  const mcp = await openMcpTools(config, { workspace: dir, onWarning: assert.fail });
  try {
    const context: ToolContext = {
      workspace: { root: dir } as Workspace,
      signal: new AbortController().signal,
      agent: { name: "CodeActAgent", depth: 0 },
      maxOutputChars: 1_000,
      commandTimeoutMs: 5_000,
      fileHistory: new Map(),
    };
    const read = async (name: string) => {
      const call = {
        id: name,
        type: "function" as const,
        function: { name: "env", arguments: JSON.stringify({ name }) },
      };
      return (await runToolCall(call, mcp.tools, context)).content;
    };
    assert.equal(await read("FROM_STARTUP"), "startup");
    assert.equal(await read("SHARED"), "server");
  } finally {
    await mcp.close();
  }
});
