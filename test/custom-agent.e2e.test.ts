// Custom agents (`[agent.<Name>] classpath`): a user's JS module written against the package's Agent
// API, loaded by the spawned CLI and run against the fake upstream; a broken classpath is a located
// config error in `config check` and in `run`.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { pathToFileURL } from "node:url";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { root, runCli } from "./run-cli.ts";

let upstream: FakeUpstream;

before(async () => {
  assert.ok(existsSync(join(root, "dist/index.js")), "run `npm run build` before the e2e tests");
  upstream = await startFakeUpstream();
});
after(() => upstream.close());
beforeEach(() => upstream.reset());

/** The agent file a user writes, importing the Agent API from the built package. */
const reviewerSource = `import { defineAgent, finishTool, viewTool } from ${JSON.stringify(pathToFileURL(join(root, "dist/index.js")).href)};

export const Reviewer = defineAgent({
  name: "Reviewer",
  description: "Reviews a file and reports problems.",
  tools: () => [viewTool, finishTool],
  systemPrompt: (setup) => \`You are Reviewer, on config \${setup.llmConfig} (\${setup.model}). Finish with your findings.\`,
});

export const notAnAgent = { description: "no tools, no prompt" };
`;

/** A directory with config.toml (the cost-optimisation example plus a Reviewer section), agents/ and a workspace. */
function setUp(classpath: string): { dir: string; classpathLine: number } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), "llmconf-custom-agent-")));
  mkdirSync(join(dir, "agents"));
  writeFileSync(join(dir, "agents/reviewer.js"), reviewerSource);
  mkdirSync(join(dir, "repo"));
  writeFileSync(join(dir, "repo/greet.js"), "export const greet = (name) => 'hello ' + name;\n");
  const example = readFileSync(join(root, "examples/cost-optimization.toml"), "utf8").replace(
    'api_key = "your-api-key"',
    `api_key = "sk-custom-agent-e2e-0000"\nbase_url = "${upstream.url}/v1"\nnum_retries = 0`,
  );
  const text = `${example.trimEnd()}\n\n[agent.Reviewer]\nllm_config = "repo-explorer"\nclasspath = ${JSON.stringify(classpath)}\n`;
  writeFileSync(join(dir, "config.toml"), text);
  const classpathLine = text.split("\n").findIndex((line) => line.startsWith("classpath")) + 1;
  return { dir, classpathLine };
}

interface SentRequest {
  model: string;
  messages: { role: string; content: string }[];
  tools?: { function: { name: string } }[];
}

function sent(index: number): SentRequest {
  return upstream.requests[index]?.body as SentRequest;
}

function call(name: string, args: Record<string, unknown>) {
  return { toolCalls: [{ name, arguments: args }] };
}

test("a custom agent from a classpath runs under its section name, on its own config, as a delegate of CodeActAgent", async () => {
  const { dir } = setUp("./agents/reviewer.js#Reviewer");
  upstream.enqueue(
    call("delegate", { agent: "Reviewer", task: "Review greet.js" }),
    call("view", { path: "greet.js" }),
    call("finish", { message: "greet.js: no problems" }),
    call("finish", { message: "Reviewed: no problems" }),
  );
  const result = await runCli(["run", "-d", "repo", "-t", "review greet.js", "--json"], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  const json = JSON.parse(result.stdout);
  assert.equal(json.final_message, "Reviewed: no problems");
  // CodeActAgent is told about the custom agent, with its description.
  assert.match(sent(0).messages[0]?.content ?? "", /- Reviewer: Reviews a file and reports problems\./);
  // The delegate ran the module's prompt and tools, on [agent.Reviewer]'s own config.
  const reviewer = sent(1);
  assert.equal(reviewer.model, "gpt-3.5-turbo");
  assert.equal(
    reviewer.messages[0]?.content,
    "You are Reviewer, on config repo-explorer (gpt-3.5-turbo). Finish with your findings.",
  );
  assert.deepEqual(
    reviewer.tools?.map((tool) => tool.function.name),
    ["view", "finish"],
  );
  const observation = sent(2).messages.find((message) => message.role === "tool")?.content ?? "";
  assert.match(observation, /hello ' \+ name/);
  assert.equal(json.agents.Reviewer.llm_config, "repo-explorer");
  assert.equal(json.agents.Reviewer.calls, 2);
});

test("the custom agent can be the run's agent (-c)", async () => {
  const { dir } = setUp("./agents/reviewer.js#Reviewer");
  upstream.enqueue(call("finish", { message: "looked" }));
  const result = await runCli(["run", "-d", "repo", "-c", "Reviewer", "-t", "look"], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "looked\n");
  assert.equal(sent(0).model, "gpt-3.5-turbo");
});

test("a ToolError from a tool the module imported from the package is the model's observation, not a crash", async () => {
  const { dir } = setUp("./agents/reviewer.js#Reviewer");
  upstream.enqueue(call("view", { path: "missing.js" }), call("finish", { message: "no such file" }));
  const result = await runCli(["run", "-d", "repo", "-c", "Reviewer", "-t", "look"], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, "no such file\n");
  const observation = sent(1).messages.find((message) => message.role === "tool")?.content ?? "";
  assert.match(observation, /^ERROR: .*missing\.js/);
});

const broken: [string, string, RegExp][] = [
  ["a missing file", "./agents/nope.js#Reviewer", /file not found: .*agents\/nope\.js/],
  [
    "a missing export",
    "./agents/reviewer.js#Reviwer",
    /has no export "Reviwer" \(it exports: Reviewer, notAnAgent\)/,
  ],
  [
    "an export that is not an agent",
    "./agents/reviewer.js#notAnAgent",
    /export "notAnAgent" .* is not an agent/,
  ],
  [
    "a missing package",
    "no-such-llmconf-agent-package#Agent",
    /cannot find package "no-such-llmconf-agent-package"/,
  ],
];

for (const [what, classpath, reason] of broken) {
  test(`a classpath with ${what} is a located config error in config check and in run, and nothing is sent`, async () => {
    const { dir, classpathLine } = setUp(classpath);
    const location = new RegExp(`config\\.toml:${classpathLine}:1: error: \\[agent\\.Reviewer\\] classpath `);
    const check = await runCli(["config", "check"], { cwd: dir });
    assert.equal(check.code, 1);
    assert.match(check.stderr, location);
    assert.match(check.stderr, reason);
    const run = await runCli(["run", "-d", "repo", "-t", "anything"], { cwd: dir });
    assert.equal(run.code, 1);
    assert.match(run.stderr, location);
    assert.match(run.stderr, reason);
    assert.doesNotMatch(run.stderr, /\n\s+at /, "no stack trace");
    assert.equal(upstream.requests.length, 0);
  });
}
