// `llmconf run`, spawned as a user runs it, against the fake upstream: scripted tool calls over real
// HTTP, real files in a temporary workspace, real processes.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import type { Behaviour } from "../src/llm/replies/behaviours.ts";
import { root, runCli } from "./run-cli.ts";
import {
  breakdownRows,
  toolCall as call,
  lastObservations,
  setUpRun,
  startRunUntil,
  useFakeUpstream,
} from "./run-fixture.ts";

const secret = "sk-run-e2e-never-shown-4242";
const upstream = await useFakeUpstream();

/** The cost-optimisation example (examples/cost-optimization.toml), pointed at the fake upstream. */
function costOptimizationConfig(extra = ""): string {
  const example = readFileSync(join(root, "examples/cost-optimization.toml"), "utf8");
  return `${example
    .replace(
      'api_key = "your-api-key"',
      `api_key = "${secret}"\nbase_url = "${upstream.url}/v1"\nnum_retries = 1`,
    )
    .trimEnd()}\n${extra}`;
}

/** A fresh directory with a config file and a workspace holding one source file. */
function setUp(configText: string) {
  return setUpRun("llmconf-run-", configText, {
    "src/greet.js": "export function greet(name) {\n  return `hello ${name}`;\n}\n",
  });
}

function run(dir: string, args: string[]) {
  return runCli(["run", "-d", "repo", ...args], { cwd: dir });
}

test("the cost-optimisation example: CodeActAgent delegates exploring and writing, each agent on its own config, and the bill is split", async () => {
  const { dir, workspace } = setUp(costOptimizationConfig());
  upstream.enqueue(
    call("delegate", { agent: "RepoExplorerAgent", task: "Where is greet defined?" }),
    call("grep", { pattern: "function greet" }),
    call("finish", { message: "greet() is defined in src/greet.js:1" }),
    call("delegate", { agent: "CodeWriterAgent", task: "Create src/farewell.js exporting farewell(name)" }),
    call("str_replace_editor", {
      command: "create",
      path: "src/farewell.js",
      file_text: "export function farewell(name) {\n  return `bye ${name}`;\n}\n",
    }),
    call("finish", { message: "Created src/farewell.js" }),
    call("finish", { message: "Added farewell() in src/farewell.js." }),
  );
  const result = await run(dir, ["-t", "Add a farewell function next to greet", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(upstream.pendingCount(), 0);
  assert.match(readFileSync(join(workspace, "src/farewell.js"), "utf8"), /export function farewell/);

  // Each agent's requests carried its own model, temperature and max tokens.
  const sent = upstream.requests.map((request) => {
    const body = request.body as {
      model: string;
      temperature: number;
      max_tokens: number;
      tools: { function: { name: string } }[];
    };
    return {
      model: body.model,
      temperature: body.temperature,
      max_tokens: body.max_tokens,
      tools: body.tools.map((tool) => tool.function.name),
    };
  });
  const explorer = sent.filter((request) => request.tools.includes("grep"));
  const writer = sent.filter(
    (request) => request.tools.includes("str_replace_editor") && !request.tools.includes("delegate"),
  );
  const main = sent.filter((request) => request.tools.includes("delegate"));
  assert.equal(explorer.length, 2);
  assert.equal(writer.length, 2);
  assert.equal(main.length, 3);
  for (const request of explorer)
    assert.deepEqual([request.model, request.temperature], ["gpt-3.5-turbo", 0.2]);
  for (const request of writer)
    assert.deepEqual([request.model, request.temperature, request.max_tokens], ["gpt-4", 0, 2000]);
  for (const request of main) assert.deepEqual([request.model, request.temperature], ["gpt-4", 0]);
  for (const request of [...explorer, ...main]) assert.notEqual(request.max_tokens, 2000);
  assert.ok(
    !explorer[0]?.tools.some((tool) => ["execute_bash", "str_replace_editor"].includes(tool)),
    "the explorer is read-only",
  );

  // --json splits the bill per agent and per named config, and the parts add up to the total.
  const output = JSON.parse(result.stdout);
  assert.equal(output.status, "finished");
  assert.equal(output.final_message, "Added farewell() in src/farewell.js.");
  assert.deepEqual(Object.keys(output.agents), ["CodeActAgent", "RepoExplorerAgent", "CodeWriterAgent"]);
  assert.equal(output.agents.RepoExplorerAgent.llm_config, "repo-explorer");
  assert.equal(output.agents.CodeWriterAgent.llm_config, "code-gen");
  assert.equal(output.agents.CodeActAgent.calls, 3);
  assert.deepEqual(output.llm_configs["repo-explorer"].model, "gpt-3.5-turbo");
  assert.deepEqual(breakdownRows(output), [
    ["CodeActAgent", "llm", "gpt-4", 3],
    ["RepoExplorerAgent", "repo-explorer", "gpt-3.5-turbo", 2],
    ["CodeWriterAgent", "code-gen", "gpt-4", 2],
  ]);
  const parts = output.breakdown.reduce((total: number, row: { cost: number }) => total + row.cost, 0);
  assert.ok(output.total_cost > 0);
  assert.ok(Math.abs(parts - output.total_cost) < 1e-9);
  assert.ok(
    output.agents.RepoExplorerAgent.cost < output.agents.CodeWriterAgent.cost,
    "the cheap model costs less",
  );

  // The table on stderr shows the same split; progress shows the delegations indented.
  assert.match(result.stderr, /^RepoExplorerAgent +repo-explorer +gpt-3\.5-turbo +2 /m);
  assert.match(result.stderr, /^CodeWriterAgent +code-gen +gpt-4 +2 /m);
  assert.match(result.stderr, /^total +7 /m);
  assert.match(result.stderr, /^ {2}delegate → RepoExplorerAgent: Where is greet defined\?/m);
  assert.match(result.stderr, /^ {4}grep "function greet"/m);
  assert.ok(!`${result.stdout}${result.stderr}`.includes(secret));
});

test("the trajectory is written as JSON with every call's config, usage and cost, and never a secret", async () => {
  const { dir } = setUp(costOptimizationConfig(`\n[core]\nsave_trajectory_path = "trajectory.json"\n`));
  upstream.enqueue(
    call("execute_bash", { command: `echo ${secret}` }),
    call("finish", { message: `the key was ${secret}` }),
  );
  const result = await run(dir, ["-t", "echo something"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "the key was **********\n");
  assert.ok(!result.stderr.includes(secret), "progress masks the key in the command line");
  const text = readFileSync(join(dir, "trajectory.json"), "utf8");
  assert.ok(!text.includes(secret), "the key printed by a command is masked");
  const events = JSON.parse(text) as { type: string; llm_config?: string; cost?: number; usage?: unknown }[];
  assert.deepEqual(
    events.map((event) => event.type),
    [
      "run_start",
      "agent_start",
      "llm_response",
      "tool_call",
      "observation",
      "llm_response",
      "tool_call",
      "observation",
      "agent_end",
      "run_end",
    ],
  );
  const response = events.find((event) => event.type === "llm_response");
  assert.equal(response?.llm_config, "llm");
  assert.ok(typeof response?.cost === "number" && response.usage !== undefined);
});

test("agent commands do not see llmconf's credential variables, only those runtime_startup_env_vars names", async () => {
  const { dir } = setUp(
    costOptimizationConfig(`\n[sandbox]\nruntime_startup_env_vars = { DEPLOY_TOKEN = "given-on-purpose" }\n`),
  );
  upstream.enqueue(call("execute_bash", { command: "env" }), call("finish", { message: "done" }));
  const result = await runCli(["run", "-d", "repo", "-t", "print the environment"], {
    cwd: dir,
    env: { ANTHROPIC_API_KEY: "sk-ant-from-env-7777", GITHUB_TOKEN: "ghp-from-env-8888", LANG: "C.UTF-8" },
  });
  assert.equal(result.code, 0, result.stderr);
  const [observation = ""] = lastObservations(upstream);
  assert.match(observation, /^LANG=C\.UTF-8$/m, "ordinary variables pass");
  assert.match(observation, /^DEPLOY_TOKEN=given-on-purpose$/m);
  for (const hidden of ["ANTHROPIC_API_KEY", "sk-ant-from-env-7777", "GITHUB_TOKEN", "ghp-from-env-8888"]) {
    assert.ok(!observation.includes(hidden), `${hidden} reached the command`);
  }
});

test("the iteration limit stops the run with a message naming it, exit 1", async () => {
  const { dir } = setUp(costOptimizationConfig());
  for (let index = 0; index < 5; index += 1) upstream.enqueue(call("think", { thought: `step ${index}` }));
  const result = await run(dir, ["-t", "think forever", "-i", "3", "--json"]);
  assert.equal(result.code, 1);
  assert.equal(upstream.requests.length, 3);
  const output = JSON.parse(result.stdout);
  assert.equal(output.status, "max_iterations");
  assert.match(output.final_message, /max_iterations 3/);
  assert.match(result.stderr, /iteration limit reached/);
});

test("the run's budget stops the run before the call that would start over it", async () => {
  const { dir } = setUp(costOptimizationConfig());
  // gpt-4 at $30 / M input tokens: 1000 input tokens cost $0.03 a call.
  for (let index = 0; index < 5; index += 1)
    upstream.enqueue({
      ...call("think", { thought: "hmm" }),
      usage: { input_tokens: 1000, output_tokens: 0 },
    });
  const result = await run(dir, ["-t", "spend", "-b", "0.05", "--json"]);
  assert.equal(result.code, 1);
  assert.equal(upstream.requests.length, 2);
  const output = JSON.parse(result.stdout);
  assert.equal(output.status, "budget_exceeded");
  assert.match(output.final_message, /spent \$0\.060000 of max_budget_per_task \$0\.050000/);
  assert.match(result.stderr, /warning: the run has spent \$0\.060000 of its \$0\.050000 budget/);
});

test("an agent's own cap stops that delegate; its delegator gets an observation and carries on", async () => {
  const { dir } = setUp(
    costOptimizationConfig().replace(
      'llm_config = "repo-explorer"\n',
      'llm_config = "repo-explorer"\nmax_budget_per_task = 0.0015\n',
    ),
  );
  // gpt-3.5-turbo at $0.5 / M input: 2000 input tokens cost $0.001 a call.
  const explorerCall = (thought: string): Behaviour => ({
    ...call("think", { thought }),
    usage: { input_tokens: 2000, output_tokens: 0 },
  });
  upstream.enqueue(
    call("delegate", { agent: "RepoExplorerAgent", task: "explore" }),
    explorerCall("one"),
    explorerCall("two"),
    call("finish", { message: "finished without the explorer" }),
  );
  const result = await run(dir, ["-t", "explore then finish", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).final_message, "finished without the explorer");
  assert.match(
    lastObservations(upstream)[0] ?? "",
    /RepoExplorerAgent stopped before finishing: RepoExplorerAgent reached its budget cap of \$0\.0015/,
  );
  assert.match(result.stderr, /RepoExplorerAgent stopped: RepoExplorerAgent reached its budget cap/);
  assert.match(result.stderr, /warning: RepoExplorerAgent has spent/);
});

test("a budget with an unpriced model is refused before any request", async () => {
  const { dir } = setUp(
    `[llm]\nmodel = "openai/fake-model"\nbase_url = "${upstream.url}/v1"\napi_key = "${secret}"\n`,
  );
  const result = await run(dir, ["-t", "anything", "-b", "1"]);
  assert.equal(result.code, 1);
  assert.equal(upstream.requests.length, 0);
  assert.match(
    result.stderr,
    /config "llm" \(model openai\/fake-model, used by CodeActAgent\) has no known price; set input_cost_per_token and output_cost_per_token in \[llm\]/,
  );
});

test("a refusal names what the config file or the command line said with control characters escaped", async () => {
  const { dir } = setUp(
    `[llm]\nmodel = "openai/fake\\u001b[2J"\nbase_url = "${upstream.url}/v1"\napi_key = "${secret}"\n`,
  );
  const unpriced = await run(dir, ["-t", "anything", "-b", "1"]);
  assert.equal(unpriced.code, 1);
  assert.ok(!unpriced.stderr.includes("\u001b"), unpriced.stderr);
  assert.match(unpriced.stderr, /config "llm" \(model openai\/fake\\x1b\[2J, used by CodeActAgent\)/);
  const unknown = await run(dir, ["-t", "x", "-c", "Evil\u001b]0;owned\u0007"]);
  assert.equal(unknown.code, 1);
  assert.ok(!unknown.stderr.includes("\u001b"), unknown.stderr);
  assert.match(unknown.stderr, /unknown agent "Evil\\x1b\]0;owned\\x07"/);
  assert.equal(upstream.requests.length, 0);
});

test("an unpriced model's cost is reported as unknown, never as 0", async () => {
  const { dir } = setUp(
    `[llm]\nmodel = "openai/fake-model"\nbase_url = "${upstream.url}/v1"\napi_key = "${secret}"\n`,
  );
  upstream.enqueue(call("finish", { message: "ok" }));
  const result = await run(dir, ["-t", "anything", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const output = JSON.parse(result.stdout);
  assert.equal(output.total_cost, null);
  assert.equal(output.agents.CodeActAgent.cost, null);
  assert.match(result.stderr, /^total +1 +\d+ +\d+ +unknown/m);
});

test("a 429 storm ends the run with one clear error after the config's retries", async () => {
  const { dir } = setUp(
    costOptimizationConfig().replace(
      "num_retries = 1",
      "num_retries = 3\nretry_min_wait = 0\nretry_multiplier = 0",
    ),
  );
  for (let index = 0; index < 3; index += 1) upstream.enqueue({ status: 429, message: "Rate limit reached" });
  const result = await run(dir, ["-t", "anything", "--json"]);
  assert.equal(result.code, 1);
  assert.equal(upstream.requests.length, 3);
  const output = JSON.parse(result.stdout);
  assert.equal(output.status, "error");
  assert.match(output.final_message, /3 attempts failed.*429/);
  assert.equal(result.stderr.match(/^llmconf: error/gm)?.length, 1);
});

test("file tools refuse paths outside the workspace: .., absolute elsewhere, symlinks that escape", async () => {
  const { dir, workspace } = setUp(costOptimizationConfig());
  mkdirSync(join(dir, "outside"));
  writeFileSync(join(dir, "outside/secret.txt"), "outside secret");
  symlinkSync(join(dir, "outside"), join(workspace, "link"));
  upstream.enqueue(
    {
      toolCalls: [
        { name: "str_replace_editor", arguments: { command: "view", path: "../outside/secret.txt" } },
        {
          name: "str_replace_editor",
          arguments: { command: "create", path: join(dir, "outside/new.txt"), file_text: "x" },
        },
        { name: "str_replace_editor", arguments: { command: "view", path: "link/secret.txt" } },
        {
          name: "str_replace_editor",
          arguments: { command: "create", path: "link/created.txt", file_text: "x" },
        },
      ],
    },
    call("finish", { message: "done" }),
  );
  const result = await run(dir, ["-t", "try to escape"]);
  assert.equal(result.code, 0, result.stderr);
  const observations = lastObservations(upstream);
  assert.equal(observations.length, 4);
  assert.match(observations[0] ?? "", /^ERROR: \.\.\/outside\/secret\.txt is outside the workspace/);
  assert.match(observations[1] ?? "", /is outside the workspace/);
  assert.match(observations[2] ?? "", /through a symbolic link/);
  assert.match(observations[3] ?? "", /through a symbolic link/);
  assert.ok(!observations.join("").includes("outside secret"));
  assert.ok(!existsSync(join(dir, "outside/new.txt")) && !existsSync(join(dir, "outside/created.txt")));
});

test("a command that outlives [sandbox] timeout is killed with its children, and the observation says so", async () => {
  // On the host, so the child's pid is the host's (test/sandbox.e2e.test.ts covers the sandbox).
  const { dir, workspace } = setUp(
    costOptimizationConfig(`\n[core]\nruntime = "local"\n\n[sandbox]\ntimeout = 1\n`),
  );
  upstream.enqueue(
    call("execute_bash", { command: "sleep 120 & echo $! > child.pid; sleep 120" }),
    call("finish", { message: "done" }),
  );
  const result = await run(dir, ["-t", "hang"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    lastObservations(upstream)[0] ?? "",
    /command timed out after 1 s and was killed with all its child processes/,
  );
  const pid = Number(readFileSync(join(workspace, "child.pid"), "utf8"));
  // The kernel closes a killed process's pipes before it marks it exited: allow it that moment.
  const running = () => {
    try {
      return !/^\d+ \(.*\) [ZX]/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
    } catch {
      return false;
    }
  };
  for (let check = 0; check < 100 && running(); check += 1) await new Promise((done) => setTimeout(done, 20));
  assert.equal(running(), false, "the background child is gone");
});

test("a delegate to an unknown agent is an observation listing the known agents", async () => {
  const { dir } = setUp(costOptimizationConfig());
  upstream.enqueue(
    call("delegate", { agent: "NoSuchAgent", task: "x" }),
    call("finish", { message: "done" }),
  );
  const result = await run(dir, ["-t", "delegate"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(
    lastObservations(upstream)[0],
    'ERROR: unknown agent "NoSuchAgent"; the agents you can delegate to are: CodeActAgent, RepoExplorerAgent, CodeWriterAgent',
  );
});

test("an agent whose llm_config names an unknown config is a located config error, and nothing is sent", async () => {
  const { dir } = setUp(
    costOptimizationConfig().replace('llm_config = "code-gen"', 'llm_config = "code-gne"'),
  );
  const result = await run(dir, ["-t", "anything"]);
  assert.equal(result.code, 1);
  assert.equal(upstream.requests.length, 0);
  assert.match(result.stderr, /config\.toml:\d+:\d+: error: .*"code-gne".*did you mean "code-gen"/);
});

test("confirmation_mode refuses a headless run unless --yes is given", async () => {
  const { dir } = setUp(costOptimizationConfig(`\n[security]\nconfirmation_mode = true\n`));
  const refused = await run(dir, ["-t", "anything"]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /confirmation_mode = true .* pass --yes/);
  assert.equal(upstream.requests.length, 0);
  upstream.enqueue(call("finish", { message: "done" }));
  const allowed = await run(dir, ["-t", "anything", "--yes"]);
  assert.equal(allowed.code, 0, allowed.stderr);
});

test("Ctrl-C mid-run kills the running command, prints the table so far and exits 130", async () => {
  const { dir, workspace } = setUp(costOptimizationConfig());
  upstream.enqueue(call("execute_bash", { command: "touch started; sleep 120" }));
  // Interrupted once the command is running.
  const running = await startRunUntil(dir, join(workspace, "started"));
  running.interrupt();
  assert.equal(await running.closed, 130);
  assert.match(running.stderr(), /^CodeActAgent +llm +gpt-4 +1 /m);
  assert.match(running.stderr(), /interrupted/);
});

test("the task comes from -f FILE or stdin; an unknown agent is refused with the known ones listed", async () => {
  const { dir } = setUp(costOptimizationConfig());
  writeFileSync(join(dir, "task.md"), "Task from a file\n");
  upstream.enqueue(call("finish", { message: "done" }));
  const fromFile = await run(dir, ["-f", "task.md"]);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  const firstBody = upstream.requests[0]?.body as { messages: { role: string; content: string }[] };
  const firstUser = firstBody.messages[1];
  assert.deepEqual(firstUser, { role: "user", content: "Task from a file" });

  upstream.reset();
  upstream.enqueue(call("finish", { message: "done" }));
  const fromStdin = await runCli(["run", "-d", "repo"], { cwd: dir, stdin: "Task from stdin\n" });
  assert.equal(fromStdin.code, 0, fromStdin.stderr);

  const unknown = await run(dir, ["-t", "x", "-c", "NoSuchAgent"]);
  assert.equal(unknown.code, 1);
  assert.match(
    unknown.stderr,
    /unknown agent "NoSuchAgent"; known agents: CodeActAgent, RepoExplorerAgent, CodeWriterAgent/,
  );
  const noTask = await runCli(["run", "-d", "repo"], { cwd: dir });
  assert.equal(noTask.code, 2);
  assert.match(noTask.stderr, /run needs a task/);
});

test("delegation deeper than max_delegation_depth is refused with an observation", async () => {
  const { dir } = setUp(costOptimizationConfig(`\n[core]\nmax_delegation_depth = 0\n`));
  upstream.enqueue(
    call("delegate", { agent: "RepoExplorerAgent", task: "x" }),
    call("finish", { message: "done" }),
  );
  const result = await run(dir, ["-t", "delegate"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    lastObservations(upstream)[0] ?? "",
    /delegation depth limit reached \(max_delegation_depth = 0\)/,
  );
  assert.equal(upstream.requests.length, 2);
});

test("[agent] options take effect: enable_cmd removes execute_bash, system_prompt_filename replaces the prompt", async () => {
  const { dir } = setUp(
    costOptimizationConfig(`\n[agent]\nenable_cmd = false\nsystem_prompt_filename = "prompts/custom.md"\n`),
  );
  mkdirSync(join(dir, "prompts"));
  writeFileSync(join(dir, "prompts/custom.md"), "You are a custom agent.");
  upstream.enqueue(call("finish", { message: "done" }));
  const result = await run(dir, ["-t", "anything"]);
  assert.equal(result.code, 0, result.stderr);
  const body = upstream.requests[0]?.body as {
    messages: { role: string; content: string }[];
    tools: { function: { name: string } }[];
  };
  assert.deepEqual(body.messages[0], { role: "system", content: "You are a custom agent." });
  assert.deepEqual(
    body.tools.map((tool) => tool.function.name),
    ["str_replace_editor", "think", "delegate", "finish"],
  );

  writeFileSync(
    join(dir, "config.toml"),
    costOptimizationConfig(`\n[agent]\nsystem_prompt_filename = "missing.md"\n`),
  );
  const missing = await run(dir, ["-t", "anything"]);
  assert.equal(missing.code, 1);
  assert.match(
    missing.stderr,
    /\[agent\] system_prompt_filename: cannot read .*missing\.md for agent CodeActAgent \(ENOENT\)/,
  );
});

test("a config that needs an unset ${VAR} cannot be used: a located error for the run's agent, an observation for a delegate", async () => {
  const { dir } = setUp(
    costOptimizationConfig().replace(
      'model = "gpt-3.5-turbo"',
      'model = "gpt-3.5-turbo"\napi_key = "${EXPLORER_KEY_NOT_SET}"',
    ),
  );
  upstream.enqueue(
    call("delegate", { agent: "RepoExplorerAgent", task: "x" }),
    call("finish", { message: "done" }),
  );
  const delegated = await run(dir, ["-t", "delegate"]);
  assert.equal(delegated.code, 0, delegated.stderr);
  assert.match(
    lastObservations(upstream)[0] ?? "",
    /RepoExplorerAgent cannot start: .*config\.toml:\d+:\d+: error: LLM config "repo-explorer" cannot be used/,
  );

  upstream.reset();
  const direct = await run(dir, ["-t", "explore", "-c", "RepoExplorerAgent"]);
  assert.equal(direct.code, 1);
  assert.equal(upstream.requests.length, 0);
  assert.match(direct.stderr, /config\.toml:\d+:\d+: error: LLM config "repo-explorer" cannot be used/);
});
