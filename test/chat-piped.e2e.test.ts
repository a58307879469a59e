// `llmconf chat` with stdin piped, spawned as a script runs it, against the fake upstream: one task per
// line, each answer on stdout, slash commands, confirmations read from the input, exit 0 at its end.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "./run-cli.ts";
import { toolCall as call, setUpRun, strongAndCheapConfig, useFakeUpstream } from "./run-fixture.ts";

const secret = "sk-chat-e2e-never-shown-5151";
const upstream = await useFakeUpstream();

/** A directory with a config (a strong and a cheap config on the fake upstream) and an empty workspace. */
function setUp(extra = ""): string {
  return setUpRun("llmconf-chat-", strongAndCheapConfig(upstream, secret, extra)).dir;
}

/** The messages the upstream was sent in request `index`. */
function sentMessages(index: number): { role: string; content: string }[] {
  const body = upstream.requests[index]?.body as
    | { messages: { role: string; content: string }[] }
    | undefined;
  return body?.messages ?? [];
}

function chat(dir: string, input: string) {
  return runCli(["chat", "-d", "repo"], { cwd: dir, stdin: input });
}

test("piped chat answers each line on stdout, continues the conversation, switches config with /llm and exits 0 at the end of input", async () => {
  const dir = setUp();
  upstream.enqueue({ text: "First answer." }, { text: "Second answer." });
  const result = await chat(dir, "What is here?\n/llm chaep\n/llm cheap\nAnd now?\n/status\n");
  assert.equal(result.code, 0, result.stderr);
  const [first, switched, second, ...status] = result.stdout.split("\n");
  assert.deepEqual(
    [first, switched, second],
    ["First answer.", "CodeActAgent now uses cheap (openai/gpt-4o-mini)", "Second answer."],
  );
  // The unknown config changed nothing and said what was meant, on stderr.
  assert.match(result.stderr, /llmconf: unknown LLM config "chaep"; did you mean "cheap"\?/);
  assert.deepEqual(
    upstream.requests.map((request) => (request.body as { model: string }).model),
    ["gpt-4o", "gpt-4o-mini"],
  );
  const sent = sentMessages(1);
  assert.deepEqual(
    sent.slice(1).map((message) => `${message.role}: ${message.content}`),
    ["user: What is here?", "assistant: First answer.", "user: And now?"],
  );
  // /status: both configs of the agent, and the total.
  const table = status.join("\n");
  assert.match(table, /^CodeActAgent\s+llm\s+openai\/gpt-4o\s+1\s/m);
  assert.match(table, /^CodeActAgent\s+cheap\s+openai\/gpt-4o-mini\s+1\s/m);
  assert.match(table, /^total\s+2\s+\d+\s+\d+\s+\$0\.\d{6}/m);
  assert.ok(!`${result.stdout}${result.stderr}`.includes(secret));
});

test("/status prints a table of zeros before any call", async () => {
  const dir = setUp();
  const result = await chat(dir, "/status\n");
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^CodeActAgent\s+llm\s+openai\/gpt-4o\s+0\s+0\s+0\s+\$0\.000000/m);
  assert.match(result.stdout, /^total\s+0\s+0\s+0\s+\$0\.000000/m);
  assert.equal(upstream.requests.length, 0);
});

test("with confirmation_mode the next input line answers: n keeps the command from running and the agent is told, y runs it", async () => {
  const dir = setUp("\n[security]\nconfirmation_mode = true\n");
  upstream.enqueue(
    call("execute_bash", { command: "touch refused" }),
    { text: "You said no." },
    call("execute_bash", { command: "touch allowed" }),
    { text: "Done." },
  );
  const result = await chat(dir, "Make a file\nn\nMake another\ny\n");
  assert.equal(result.code, 0, result.stderr);
  assert.equal(existsSync(join(dir, "repo/refused")), false);
  assert.equal(existsSync(join(dir, "repo/allowed")), true);
  assert.match(
    result.stderr,
    /CodeActAgent wants to run:\n {4}\$ touch refused\nRun it\? \[y\]es \/ \[n\]o \/ \[a\]lways: no/,
  );
  const observations = sentMessages(1)
    .filter((message) => message.role === "tool")
    .map((message) => message.content);
  assert.deepEqual(observations, ["The user rejected this action; it did not run: $ touch refused"]);
  assert.deepEqual(result.stdout.split("\n").slice(0, 2), ["You said no.", "Done."]);
});

test("a setup problem is one located line and exit 1, never a stack trace", async () => {
  const dir = setUp();
  const result = await runCli(["chat", "-d", "repo", "-c", "NoSuchAgent"], { cwd: dir, stdin: "hi\n" });
  assert.equal(result.code, 1);
  assert.match(result.stderr, /unknown agent "NoSuchAgent"/);
  assert.doesNotMatch(result.stderr, /\n\s+at /);
  const missing = await runCli(["chat", "-d", "nowhere"], { cwd: dir, stdin: "" });
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /-d nowhere: not a directory/);
});

test("the README's session works without a key on examples/chat-mock.toml", async () => {
  const workspace = realpathSync(mkdtempSync(join(tmpdir(), "llmconf-chat-demo-")));
  const result = await runCli(["chat", "--config-file", "examples/chat-mock.toml", "-d", workspace], {
    stdin: "Say hello\n/llm cheap\nNow more cheaply\n/status\n/exit\nnot read\n",
  });
  assert.equal(result.code, 0, result.stderr);
  const lines = result.stdout.split("\n");
  assert.deepEqual(lines.slice(0, 3), [
    "echo: Say hello",
    "CodeActAgent now uses cheap (mock/echo)",
    "echo: Now more cheaply",
  ]);
  assert.match(result.stdout, /^CodeActAgent\s+llm\s+mock\/echo\s+1\s+\d+\s+\d+\s+\$0\.0\d{5}/m);
  assert.match(result.stdout, /^CodeActAgent\s+cheap\s+mock\/echo\s+1\s+\d+\s+\d+\s+\$0\.000\d{3}/m);
  assert.doesNotMatch(result.stdout, /not read/);
  assert.match(result.stderr, /CodeActAgent \[cheap · mock\/echo\] \(\/llm\)/);
});
