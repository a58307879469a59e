// `config explain`, `config schema` and `config init`, spawned as a user runs them (dist/ is built by
// scripts/run-tests.mjs before any test runs).
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, test } from "node:test";
import type { CliIo } from "../src/cli/io.ts";
import { main } from "../src/cli/main.ts";
import { bin, root, runCli } from "./run-cli.ts";

const CUSTOM = "examples/custom-configs.toml";

before(() => {
  assert.ok(existsSync(bin), "run `npm run build` (or node scripts/run-tests.mjs, which builds) first");
});

const run = runCli;

test("explain --llm --json gives value, source (file, line, section) and status for every field", async () => {
  const result = await run(["config", "explain", "--config-file", CUSTOM, "--llm", "gpt3", "--json"]);
  assert.equal(result.code, 0, result.stderr);
  const fields = JSON.parse(result.stdout);
  const file = join(root, CUSTOM);
  assert.deepEqual(fields.model, {
    value: "gpt-3.5-turbo",
    source: { kind: "file", file, line: 12, section: "llm.gpt3" },
    status: "overridden",
  });
  assert.deepEqual(fields.api_key, {
    value: "**********",
    source: { kind: "file", file, line: 7, section: "llm" },
    status: "inherited",
  });
  assert.deepEqual(fields.top_p, { value: 1, source: { kind: "default" }, status: "default" });
  assert.ok(Object.keys(fields).length > 30, "every field, defaults included");
});

test("explain --llm prints a plain table without colour when stdout is not a terminal, folding defaults", async () => {
  const result = await run(["config", "explain", "--config-file", CUSTOM, "--llm", "gpt3"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.includes("\u001b["), false);
  assert.match(result.stdout, /^LLM config "gpt3"$/m);
  assert.match(result.stdout, /^field +value +source +status$/m);
  assert.match(
    result.stdout,
    /^model +gpt-3\.5-turbo +examples\/custom-configs\.toml:12 \[llm\.gpt3\] +overridden$/m,
  );
  assert.match(result.stdout, /^api_key +\*{10} +examples\/custom-configs\.toml:7 \[llm\] +inherited$/m);
  assert.match(result.stdout, /^38 more fields at their defaults \(--all shows them\)$/m);
  const all = await run(["config", "explain", "--config-file", CUSTOM, "--llm", "gpt3", "--all"]);
  assert.match(all.stdout, /^top_p +1 +default +default$/m);
});

test("explain names the environment variable, and -l as the reason for an agent's config", async () => {
  const result = await run(
    ["config", "explain", "--config-file", CUSTOM, "--agent", "CodeActAgent", "-l", "gpt3", "--json"],
    {
      env: { LLM_TOP_P: "0.7" },
    },
  );
  assert.equal(result.code, 0, result.stderr);
  const explained = JSON.parse(result.stdout);
  assert.deepEqual(Object.keys(explained), [
    "agent",
    "llm_config_name",
    "llm_config_reason",
    "llm_config_source",
    "llm",
  ]);
  assert.equal(explained.llm_config_name, "gpt3");
  assert.equal(explained.llm_config_reason, "cli");
  assert.deepEqual(explained.llm_config_source, { kind: "cli", flag: "-l" });
  assert.deepEqual(explained.llm.top_p, {
    value: 0.7,
    source: { kind: "env", env: "LLM_TOP_P" },
    status: "inherited",
  });
  const text = await run([
    "config",
    "explain",
    "--config-file",
    CUSTOM,
    "--agent",
    "CodeActAgent",
    "-l",
    "gpt3",
  ]);
  assert.match(text.stdout, /^Uses LLM config "gpt3" \(-l\)$/m);
});

test("explain shows a ${VAR} reference and never the secret it expands to", async () => {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-explain-"));
  writeFileSync(join(dir, "config.toml"), '[llm]\nmodel = "gpt-4o"\napi_key = "${OPENAI_API_KEY}"\n');
  const secret = "sk-e2e-never-printed";
  for (const args of [["--llm", "llm"], ["--llm", "llm", "--json"], ["--agent", "X", "--all"], []]) {
    const result = await run(["config", "explain", ...args], { cwd: dir, env: { OPENAI_API_KEY: secret } });
    assert.equal(result.code, 0, result.stderr);
    assert.equal(`${result.stdout}${result.stderr}`.includes(secret), false, args.join(" "));
  }
  const text = await run(["config", "explain", "--llm", "llm"], {
    cwd: dir,
    env: { OPENAI_API_KEY: secret },
  });
  assert.match(text.stdout, /^api_key +\$\{OPENAI_API_KEY\} +config\.toml:3 \[llm\] +set$/m);
});

test("explain with no selector maps every agent to its config, model, provider and reason", async () => {
  const result = await run(["config", "explain", "--config-file", "examples/cost-optimization.toml"]);
  assert.equal(result.code, 0, result.stderr);
  assert.match(
    result.stdout,
    /^RepoExplorerAgent +repo-explorer +gpt-3\.5-turbo +openai +its own llm_config$/m,
  );
  assert.match(result.stdout, /^CodeWriterAgent +code-gen +gpt-4 +openai +its own llm_config$/m);
  assert.match(
    result.stdout,
    /^CodeActAgent \* \(no section: \[agent\]\) +llm +gpt-4 +openai +default \[llm\]$/m,
  );
  const json = JSON.parse(
    (await run(["config", "explain", "--config-file", "examples/cost-optimization.toml", "--json"])).stdout,
  );
  assert.deepEqual(json.agents.RepoExplorerAgent, {
    has_section: true,
    llm_config_name: "repo-explorer",
    llm_config_reason: "agent",
    model: "gpt-3.5-turbo",
    provider: "openai",
    default_agent: false,
  });
  assert.equal(json.default_agent, "CodeActAgent");
});

test("explain rejects two selectors (exit 2) and an unknown config with a did-you-mean (exit 1)", async () => {
  const both = await run(["config", "explain", "--config-file", CUSTOM, "--llm", "gpt3", "--agent", "A"]);
  assert.equal(both.code, 2);
  const unknown = await run(["config", "explain", "--config-file", CUSTOM, "--llm", "gtp3"]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /unknown LLM config "gtp3"; did you mean "gpt3"\?/);
});

test("explain colours the status column on a terminal, and not with NO_COLOR", async () => {
  const render = async (env: Record<string, string>) => {
    const out: string[] = [];
    const io: CliIo = {
      stdout: { write: (text: string) => out.push(text), isTTY: true },
      stderr: { write: () => true },
      stdin: process.stdin,
      env,
      cwd: root,
    };
    assert.equal(await main(["config", "explain", "--config-file", CUSTOM, "--llm", "gpt3"], io), 0);
    return out.join("");
  };
  assert.ok((await render({})).includes("\u001b[33moverridden\u001b[0m"));
  assert.equal((await render({ NO_COLOR: "1" })).includes("\u001b["), false);
});

test("config schema prints the committed config.schema.json", async () => {
  const result = await run(["config", "schema"]);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, readFileSync(join(root, "config.schema.json"), "utf8"));
});

test("config init writes a starter file that check and show accept in a clean shell, and will not overwrite it", async () => {
  const dir = mkdtempSync(join(tmpdir(), "llmconf-init-"));
  assert.equal((await run(["config", "init"], { cwd: dir })).code, 0);
  const check = await run(["config", "check"], { cwd: dir, env: { OPENAI_API_KEY: "sk-test" } });
  assert.equal(check.code, 0, check.stderr);
  // In a clean shell (no OPENAI_API_KEY) the starter checks and shows; only using it needs the key.
  const clean = await run(["config", "check"], { cwd: dir });
  assert.equal(clean.code, 0, clean.stderr);
  assert.match(clean.stderr, /^config\.toml:\d+:1: warning: environment variable OPENAI_API_KEY is not set/m);
  const show = await run(["config", "show"], { cwd: dir });
  assert.equal(show.code, 0, show.stderr);
  assert.match(show.stdout, /cheap: OPENAI_API_KEY/);
  const json = await run(["config", "show", "--json"], { cwd: dir });
  assert.equal(JSON.parse(json.stdout).llms.cheap.api_key, "${OPENAI_API_KEY}");
  const used = await run(["complete", "-l", "cheap", "hello"], { cwd: dir });
  assert.equal(used.code, 1);
  assert.match(
    used.stderr,
    /config\.toml:\d+:1: error: LLM config "cheap" cannot be used: environment variable OPENAI_API_KEY is not set/,
  );
  const again = await run(["config", "init"], { cwd: dir });
  assert.equal(again.code, 1);
  assert.match(again.stderr, /config\.toml already exists; not overwriting it \(use --force to replace it\)/);
  assert.equal((await run(["config", "init", "--force"], { cwd: dir })).code, 0);
});
