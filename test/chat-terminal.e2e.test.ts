// `llmconf chat` in a real pseudo-terminal (tmux) against the fake upstream: typed tasks, the screen
// read back, confirmations answered, configs switched with /llm, a stalled step interrupted with Ctrl-C
// and the conversation going on afterwards, /status, and the ways out.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { bin, root } from "./run-cli.ts";
import { toolCall as call, setUpRun, strongAndCheapConfig } from "./run-fixture.ts";
import { hasTmux, startInTmux, type TmuxPane } from "./tmux.ts";

const secret = "sk-chat-tty-never-shown-6262";
let upstream: FakeUpstream;
const panes: TmuxPane[] = [];

before(async () => {
  assert.ok(existsSync(join(root, "dist/cli/bin.js")), "run `npm run build` before the e2e tests");
  assert.ok(hasTmux(), "these tests need tmux (apt-get install tmux; .ci/run installs it)");
  upstream = await startFakeUpstream();
});
after(async () => {
  for (const pane of panes) pane.close();
  await upstream.close();
});
beforeEach(() => upstream.reset());

/** `llmconf chat` in a fresh directory (a strong and a cheap config on the fake upstream) in a terminal. */
function startChat(extra = ""): { pane: TmuxPane; workspace: string } {
  const { dir, workspace } = setUpRun("llmconf-chat-tty-", strongAndCheapConfig(upstream, secret, extra));
  const pane = startInTmux([process.execPath, bin, "chat", "-d", "repo"], {
    cwd: dir,
    env: { PATH: process.env.PATH ?? "", HOME: "/nonexistent", TERM: "xterm-256color" },
  });
  panes.push(pane);
  return { pane, workspace };
}

/** Lines of the screen after the last one matching `marker` (what the latest command printed). */
function printedAfter(screen: string, marker: string): string {
  return screen.slice(screen.lastIndexOf(marker) + marker.length);
}

/** Waits until `count` requests have reached the upstream. */
async function requestsReach(count: number, pane: TmuxPane): Promise<void> {
  await pane.waitFor(() => upstream.requests.length >= count, `${count} requests at the upstream`);
}

test("a terminal session: confirm with n and y, switch config with /llm, interrupt a stalled step with Ctrl-C, go on, /status, /exit", async () => {
  const { pane, workspace } = startChat("\n[security]\nconfirmation_mode = true\n");
  await pane.waitFor(/CodeActAgent · llm > $/m, "the prompt");

  // /status before any call: a table of zeros.
  pane.type("/status");
  let screen = await pane.waitFor(/^total\s+0\s+0\s+0\s+\$0\.000000/m, "a /status of zeros");
  assert.match(screen, /^CodeActAgent\s+llm\s+openai\/gpt-4o\s+0\s+0\s+0\s+\$0\.000000/m);

  // n: the command does not run and the agent is told.
  upstream.enqueue(call("execute_bash", { command: "touch refused" }), { text: "Fine, I left it." });
  pane.type("Create a file named refused");
  await pane.waitFor(/\$ touch refused\nRun it\? \[y\]es \/ \[n\]o \/ \[a\]lways: $/m, "the question");
  pane.type("n");
  await pane.waitFor(/^Fine, I left it\.$/m, "the answer after n");
  assert.equal(existsSync(join(workspace, "refused")), false);
  assert.match(pane.screen(), /→ The user rejected this action; it did not run: \$ touch refused/);

  // y: it runs.
  upstream.enqueue(call("execute_bash", { command: "touch allowed" }), { text: "Created it." });
  pane.type("Create a file named allowed");
  await pane.waitFor(/\$ touch allowed\nRun it\? \[y\]es \/ \[n\]o \/ \[a\]lways: $/m, "the second question");
  pane.type("y");
  await pane.waitFor(/^Created it\.$/m, "the answer after y");
  assert.equal(existsSync(join(workspace, "allowed")), true);

  // /llm: an unknown name changes nothing; a known one switches the active agent's client.
  pane.type("/llm chaep");
  await pane.waitFor(/unknown LLM config "chaep"; did you mean "cheap"\?/, "the did-you-mean");
  pane.type("/llm cheap");
  await pane.waitFor(
    /CodeActAgent now uses cheap \(openai\/gpt-4o-mini\)\nCodeActAgent · cheap > $/m,
    "the switch",
  );

  // A stalled step: Ctrl-C stops it and the prompt comes back.
  upstream.enqueue({ fault: "stall" });
  const before = upstream.requests.length;
  pane.type("Take your time");
  await requestsReach(before + 1, pane);
  pane.keys("C-c");
  screen = await pane.waitFor(
    /Interrupted\. The conversation so far is kept; type the next task\.\nCodeActAgent · cheap > $/m,
    "the prompt after Ctrl-C",
  );

  // The conversation goes on, on the cheap config, with everything said so far.
  upstream.enqueue({ text: "Still here." });
  pane.type("Are you still there?");
  await pane.waitFor(/^Still here\.$/m, "the answer after the interrupt");
  const last = upstream.requests.at(-1)?.body as {
    model: string;
    messages: { role: string; content: string }[];
  };
  assert.equal(last.model, "gpt-4o-mini");
  const users = last.messages.filter((message) => message.role === "user").map((message) => message.content);
  assert.deepEqual(users, [
    "Create a file named refused",
    "Create a file named allowed",
    "Take your time",
    "Are you still there?",
  ]);

  // /status: the spend per agent × config and the total, over every task.
  pane.type("/status");
  screen = printedAfter(await pane.waitFor(/^total\s+5\s/m, "the /status after five calls"), "> /status");
  assert.match(screen, /^CodeActAgent\s+llm\s+openai\/gpt-4o\s+4\s+\d+\s+\d+\s+\$0\.\d{6}/m);
  assert.match(screen, /^CodeActAgent\s+cheap\s+openai\/gpt-4o-mini\s+1\s+\d+\s+\d+\s+\$0\.\d{6}/m);
  assert.ok(!pane.screen().includes(secret));

  pane.type("/exit");
  assert.equal(await pane.exitCode(), 0);
});

test("Ctrl-C during a running command kills it and returns to the prompt; 'a' stops the questions", async () => {
  const { pane, workspace } = startChat("\n[security]\nconfirmation_mode = true\n");
  await pane.waitFor(/CodeActAgent · llm > $/m, "the prompt");
  upstream.enqueue(call("execute_bash", { command: "touch started && sleep 60 && touch finished" }));
  pane.type("Run the slow script");
  await pane.waitFor(/Run it\? \[y\]es \/ \[n\]o \/ \[a\]lways: $/m, "the question");
  pane.type("a");
  await pane.waitFor(() => existsSync(join(workspace, "started")), "the command to start");
  pane.keys("C-c");
  await pane.waitFor(
    /Interrupted\. The conversation so far is kept; type the next task\.\nCodeActAgent · llm > $/m,
    "the prompt after Ctrl-C",
  );
  assert.equal(existsSync(join(workspace, "finished")), false);

  // After 'a', the next command runs without a question.
  upstream.enqueue(call("execute_bash", { command: "touch unasked" }), { text: "Done without asking." });
  pane.type("Once more");
  await pane.waitFor(/^Done without asking\.$/m, "the answer");
  assert.equal(existsSync(join(workspace, "unasked")), true);
  assert.equal(pane.screen().match(/Run it\?/g)?.length, 1);

  // Ctrl-C twice at an empty prompt leaves with 0.
  pane.keys("C-c");
  await pane.waitFor(/\(Ctrl-C again, Ctrl-D or \/exit to leave\)/, "the hint");
  pane.keys("C-c");
  assert.equal(await pane.exitCode(), 0);
});

test("the answer streams onto the screen as it is written; Ctrl-C stops a stream that stalls halfway", async () => {
  const { pane } = startChat();
  await pane.waitFor(/CodeActAgent · llm > $/m, "the prompt");

  // Half the answer arrives, then the upstream goes silent: the half is on the screen while the step runs.
  upstream.enqueue({
    fault: "stall-stream",
    afterEvents: 5,
    text: "Reading the files one by one before I answer.",
  });
  pane.type("Summarise the repository");
  await pane.waitFor(/^Reading the files/m, "the first words of the answer");
  assert.ok(!pane.screen().includes("before I answer."), "the rest has not been sent");
  pane.keys("C-c");
  await pane.waitFor(
    /^Reading the files[^\n]*\n\^C stopping the task…\nInterrupted\. The conversation so far is kept; type the next task\.\nCodeActAgent · llm > $/m,
    "the stream's line ended, then the prompt after Ctrl-C",
  );

  // A whole answer streams too, and is printed once.
  upstream.enqueue({ text: "Three files, \u001b[2Jall of them tests." });
  pane.type("And now?");
  const screen = await pane.waitFor(
    /^Three files, \\x1b\[2Jall of them tests\.\nCodeActAgent · llm > $/m,
    "the answer",
  );
  assert.equal(screen.match(/Three files/g)?.length, 1, "the answer is not repeated at the end of the step");
  const streamed = upstream.requests.at(-1)?.body as { stream?: boolean };
  assert.equal(streamed.stream, true, "the call was streamed");

  pane.type("/exit");
  assert.equal(await pane.exitCode(), 0);
});

test("Ctrl-D at the prompt leaves with 0; /help lists the commands; typed text is dropped by Ctrl-C", async () => {
  const { pane } = startChat();
  await pane.waitFor(/CodeActAgent · llm > $/m, "the prompt");
  pane.type("/help");
  const help = await pane.waitFor(/Ctrl-C stops the task in progress/, "the help");
  for (const command of ["/exit", "/new", "/status", "/agent NAME", "/llm NAME", "/config"])
    assert.ok(help.includes(command), command);
  pane.type("half a thought", false);
  await pane.waitFor(/> half a thought$/m, "the typed text");
  pane.keys("C-c");
  await pane.waitFor((screen) => !screen.includes("half a thought"), "the typed text dropped");
  // Enter now sends nothing: the dropped text is gone from the line too.
  pane.keys("Enter");
  await pane.waitFor(/^(CodeActAgent · llm > \n){3}/m, "a third empty prompt");
  pane.keys("C-d");
  assert.equal(await pane.exitCode(), 0);
  assert.equal(upstream.requests.length, 0, "nothing typed was sent");
});
