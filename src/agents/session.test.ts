// A chat session against the fake upstream over real HTTP: scripted tool calls, real files, real commands.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, test } from "node:test";
import { loadConfig } from "../config/load.ts";
import { type FakeUpstream, startFakeUpstream } from "../fake-upstream/server.ts";
import type { Behaviour } from "../llm/replies/behaviours.ts";
import { openSession, type Session, SessionInputError, type SessionOptions } from "./session.ts";

const secret = "sk-session-test-never-shown-1234";
let upstream: FakeUpstream;

before(async () => {
  upstream = await startFakeUpstream();
});
after(() => upstream.close());
beforeEach(() => upstream.reset());

async function open(extra = "", options: Partial<SessionOptions> = {}): Promise<Session> {
  return openWith(
    `[core]\nruntime = "local"\n\n[llm]\nmodel = "openai/gpt-4o"\nbase_url = "${upstream.url}/v1"\napi_key = "${secret}"\nnum_retries = 0\ninput_cost_per_token = 0.00001\noutput_cost_per_token = 0.00002\n\n` +
      `[llm.cheap]\nmodel = "openai/gpt-4o-mini"\nbase_url = "${upstream.url}/v1"\napi_key = "${secret}"\nnum_retries = 0\ninput_cost_per_token = 0.000001\noutput_cost_per_token = 0.000002\n${extra}`,
    options,
  );
}

/** A session over a config.toml of `text`, in a fresh directory with an empty workspace. */
async function openWith(text: string, options: Partial<SessionOptions> = {}): Promise<Session> {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "llmconf-session-")));
  const workspace = join(dir, "repo");
  mkdirSync(workspace);
  writeFileSync(join(dir, "config.toml"), text);
  const config = await loadConfig({ configFile: join(dir, "config.toml"), cwd: dir, env: {} });
  return openSession({ config, workspace, cwd: dir, env: {}, ...options });
}

function call(name: string, args: Record<string, unknown>): Behaviour {
  return { toolCalls: [{ name, arguments: args }] };
}

/** The messages of one recorded request, as role: text lines. */
function sentMessages(index: number): string[] {
  const body = upstream.requests[index]?.body as { messages: { role: string; content: unknown }[] };
  return body.messages.map((message) => `${message.role}: ${String(message.content ?? "")}`);
}

describe("a session", () => {
  test("keeps the conversation across tasks: the second request carries the first task and its answer", async () => {
    const session = await open();
    upstream.enqueue({ text: "It greets people." }, { text: "Yes, in greet.js." });
    const first = await session.send("What does this repo do?");
    assert.deepEqual(first, { status: "finished", message: "It greets people." });
    const second = await session.send("Is there a file for it?");
    assert.equal(second.message, "Yes, in greet.js.");
    const sent = sentMessages(1);
    assert.equal(sent[0]?.startsWith("system: "), true);
    assert.deepEqual(sent.slice(1), [
      "user: What does this repo do?",
      "assistant: It greets people.",
      "user: Is there a file for it?",
    ]);
    await session.close();
  });

  test("tool calls and their observations stay in the history of the next task", async () => {
    const session = await open();
    upstream.enqueue(
      call("str_replace_editor", { command: "create", path: "notes.md", file_text: "hello\n" }),
      call("finish", { message: "Created notes.md" }),
      { text: "It says hello." },
    );
    assert.equal((await session.send("Create notes.md")).message, "Created notes.md");
    assert.equal(readFileSync(join(session.setup.workspace.root, "notes.md"), "utf8"), "hello\n");
    await session.send("What does it say?");
    const body = upstream.requests[2]?.body as { messages: { role: string; content: string }[] };
    const tools = body.messages
      .filter((message) => message.role === "tool")
      .map((message) => message.content);
    assert.equal(tools.length, 2);
    assert.match(tools[0] ?? "", /File created successfully at: notes.md/);
    await session.close();
  });

  test("one ledger covers every task, split per agent and named config, /llm included", async () => {
    const session = await open();
    assert.deepEqual(
      session.rows().map((row) => [row.agent, row.llmConfig, row.calls, row.costUsd]),
      [["CodeActAgent", "llm", 0, 0]],
      "a row of zeros before any call",
    );
    upstream.enqueue({ text: "one" }, { text: "two" }, { text: "three" });
    await session.send("first");
    await session.send("second");
    const switched = session.useLlm("cheap");
    assert.deepEqual(
      [switched.llmConfig, switched.model, switched.reason],
      ["cheap", "openai/gpt-4o-mini", "switched"],
    );
    await session.send("third");
    const rows = session.rows();
    assert.deepEqual(
      rows.map((row) => [row.agent, row.llmConfig, row.model, row.calls]),
      [
        ["CodeActAgent", "llm", "openai/gpt-4o", 2],
        ["CodeActAgent", "cheap", "openai/gpt-4o-mini", 1],
      ],
    );
    const models = upstream.requests.map((request) => (request.body as { model: string }).model);
    assert.deepEqual(models, ["gpt-4o", "gpt-4o", "gpt-4o-mini"]);
    // The switched client continues the same conversation.
    assert.deepEqual(sentMessages(2).slice(-3), ["user: second", "assistant: two", "user: third"]);
    const total = rows.reduce((sum, row) => sum + row.costUsd, 0);
    assert.ok(total > 0);
    assert.equal(session.ledger.totalUsd(), total);
    await session.close();
  });

  test("an unknown config for /llm is a did-you-mean and changes nothing", async () => {
    const session = await open();
    assert.throws(
      () => session.useLlm("chaep"),
      (error: unknown) =>
        error instanceof SessionInputError &&
        /unknown LLM config "chaep"; did you mean "cheap"\?/.test(error.message),
    );
    assert.equal(session.active.llmConfig, "llm");
    assert.throws(() => session.useAgent("CodeActAgnet"), /did you mean "CodeActAgent"/);
    assert.equal(session.active.name, "CodeActAgent");
    await session.close();
  });

  test("/llm onto a config without a price is refused while a budget is set, naming the config and what to do", async () => {
    // [llm] is priced by the price table, so [llm.house] inherits no price of its own.
    const llm = (model: string) =>
      `model = "${model}"\nbase_url = "${upstream.url}/v1"\napi_key = "${secret}"\n`;
    const configs = `[llm]\n${llm("openai/gpt-4o")}\n[llm.house]\n${llm("openai/house-model")}\n[llm.guarded]\n${llm("openai/gpt-4o-mini")}fallbacks = ["house"]\n`;
    const runtime = `[core]\nruntime = "local"\n`;
    const session = await openWith(`${runtime}max_budget_per_task = 5\n\n${configs}`);
    assert.throws(
      () => session.useLlm("house"),
      (error: unknown) =>
        error instanceof SessionInputError &&
        error.message ===
          'CodeActAgent stays on llm: the budget of $5 ([core] max_budget_per_task) cannot be enforced on config "house" (model openai/house-model), which has no known price; set input_cost_per_token and output_cost_per_token in [llm.house], or remove max_budget_per_task to chat without a budget',
    );
    assert.throws(
      () => session.useLlm("guarded"),
      /cannot be enforced on config "house" \(model openai\/house-model, a fallback of "guarded"\)/,
    );
    assert.equal(session.active.llmConfig, "llm");
    assert.equal(session.useLlm("llm").llmConfig, "llm", "a priced config is switched to");
    await session.close();

    const capped = await openWith(`${runtime}\n${configs}\n[agent]\nmax_budget_per_task = 1\n`);
    assert.throws(
      () => capped.useLlm("house"),
      /^SessionInputError: CodeActAgent stays on llm: a per-agent budget cap/,
    );
    await capped.close();

    const unbudgeted = await openWith(`${runtime}\n${configs}`);
    assert.equal(unbudgeted.useLlm("house").llmConfig, "house", "without a budget nothing needs a price");
    await unbudgeted.close();
  });

  test("an aborted task keeps the history so far and the next task continues it", async () => {
    const session = await open();
    upstream.enqueue(call("think", { thought: "let me look" }), { fault: "stall" }, { text: "Back again." });
    const controller = new AbortController();
    const aborting = session.send("Look around", controller.signal);
    // Abort once the stalled (second) request has arrived; no clock involved.
    while (upstream.requests.length < 2) await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    const stopped = await aborting;
    assert.deepEqual(stopped, { status: "interrupted", message: "interrupted (Ctrl-C)" });
    assert.equal(session.busy, false);
    assert.deepEqual(
      session.messages.slice(1).map((message) => message.role),
      ["user", "assistant", "tool"],
    );
    const next = await session.send("Are you there?");
    assert.equal(next.message, "Back again.");
    assert.deepEqual(sentMessages(2).slice(-2), [
      "tool: Your thought has been logged.",
      "user: Are you there?",
    ]);
    await session.close();
  });

  test("an abort during a running command kills it and answers its call as interrupted", async () => {
    const session = await open();
    upstream.enqueue(call("execute_bash", { command: "touch started && sleep 30 && touch finished" }), {
      text: "ok",
    });
    const controller = new AbortController();
    const aborting = session.send("Run the slow thing", controller.signal);
    const started = join(session.setup.workspace.root, "started");
    while (!existsSync(started)) await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    assert.equal((await aborting).status, "interrupted");
    assert.equal(existsSync(join(session.setup.workspace.root, "finished")), false);
    const last = session.messages.at(-1);
    assert.equal(last?.role, "tool");
    assert.equal((await session.send("next")).message, "ok");
    await session.close();
  });

  test("/new starts a fresh conversation while the ledger keeps counting", async () => {
    const session = await open();
    upstream.enqueue({ text: "a" }, { text: "b" });
    await session.send("first");
    session.reset();
    assert.equal(session.messages.length, 0);
    await session.send("second");
    assert.deepEqual(sentMessages(1).slice(1), ["user: second"]);
    assert.equal(session.rows()[0]?.calls, 2);
    await session.close();
  });

  test("a confirm hook that refuses keeps the command from running and tells the agent", async () => {
    const asked: string[] = [];
    const session = await open("", {
      confirm: async (action) => {
        asked.push(`${action.agent} ${action.tool}: ${action.description}`);
        return false;
      },
    });
    upstream.enqueue(
      call("str_replace_editor", { command: "view", path: "." }),
      call("execute_bash", { command: "touch made" }),
      { text: "Understood." },
    );
    await session.send("Make a file");
    assert.deepEqual(asked, ["CodeActAgent execute_bash: $ touch made"], "viewing is not asked about");
    assert.equal(existsSync(join(session.setup.workspace.root, "made")), false);
    const body = upstream.requests[2]?.body as { messages: { role: string; content: string }[] };
    assert.match(
      body.messages.at(-1)?.content ?? "",
      /^The user rejected this action; it did not run: \$ touch made/,
    );
    await session.close();
  });

  test("/agent switches the agent and keeps the conversation under the new agent's system prompt", async () => {
    const session = await open();
    upstream.enqueue({ text: "a" }, { text: "b" });
    await session.send("first");
    const active = session.useAgent("RepoExplorerAgent");
    assert.equal(active.name, "RepoExplorerAgent");
    await session.send("second");
    const body = upstream.requests[1]?.body as { tools: { function: { name: string } }[] };
    assert.ok(!body.tools.some((tool) => tool.function.name === "execute_bash"), "the explorer is read-only");
    assert.deepEqual(sentMessages(1).slice(1), ["user: first", "assistant: a", "user: second"]);
    assert.deepEqual(
      session.rows().map((row) => [row.agent, row.calls]),
      [
        ["CodeActAgent", 1],
        ["RepoExplorerAgent", 1],
      ],
    );
    await session.close();
  });
});
