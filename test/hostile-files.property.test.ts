// Fuzzing the config core and the config commands with hostile files: huge strings, deep nesting,
// control characters, names that are JavaScript internals, and secrets in every position. Whatever
// the file, loadConfig throws only ConfigError, every diagnostic about the file has a line, and no
// output of show, explain or check contains a generated secret or a raw control character.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { after, test } from "node:test";
import fc from "fast-check";
import { main } from "../src/cli/main.ts";
import { ConfigError, type ConfigIssue } from "../src/config/issues.ts";
import { loadConfig } from "../src/config/load.ts";
import { runCli } from "./run-cli.ts";

const directory = mkdtempSync(join(tmpdir(), "llmconf-fuzz-"));
after(() => rmSync(directory, { recursive: true, force: true }));

/** Every generated secret has this shape, so that any leak is found by one search of the output. */
const SECRET = /sk-fuzz[A-Za-z0-9]{16}/g;
const secret = fc.stringMatching(/^[A-Za-z0-9]{16}$/).map((tail) => `sk-fuzz${tail}`);
/** Environment variables the file may reference; their values are secrets too. */
const ENV_SECRETS = { FUZZ_TOKEN: "sk-fuzzEnvTokenAAAAAAAA0", LLM_API_KEY: "sk-fuzzEnvLlmKeyBBBBBBB1" };

/** Characters a terminal acts on; JSON output escapes C0 itself, so its check starts at DEL. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const HUGE = "h".repeat(150_000);
const oddName = fc.constantFrom(
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "llm",
  "agent",
  "名前",
  "émoji😀",
  "esc\u001b[2J",
  "osc\u001b]0;title\u0007",
  "c1\u009b31m",
  "bidi\u202eevil",
  "new\nline",
  "",
  "a.b",
  "with space",
  "x".repeat(5_000),
);
const plainName = fc.constantFrom("gpt3", "fast", "CodeActAgent", "RepoExplorerAgent", "summ", "X");
const name = fc.oneof({ weight: 2, arbitrary: plainName }, { weight: 3, arbitrary: oddName });

const FIELDS = [
  "model",
  "base_url",
  "temperature",
  "top_p",
  "top_k",
  "num_retries",
  "retry_min_wait",
  "retry_max_wait",
  "max_output_tokens",
  "max_input_tokens",
  "timeout",
  "fallbacks",
  "llm_config",
  "condenser",
  "completion_kwargs",
  "drop_params",
  "type",
  "max_iterations",
  "max_budget_per_task",
  "sse_servers",
  "stdio_servers",
  "temprature",
  "unknown_key",
];
const key = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...FIELDS) }, { weight: 1, arbitrary: oddName });

/** A TOML basic string: control characters as escapes (raw ones are a syntax error). */
function quote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === "\\") out += `\\${char}`;
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

const quoteKey = (text: string) => (/^[A-Za-z0-9_-]+$/.test(text) ? text : quote(text));

const scalar = fc.oneof(
  fc.string({ maxLength: 12 }).map(quote),
  fc.constantFrom(HUGE, "\u001b]0;pwned\u0007", "\u009b2J", "${", "${UNSET_FUZZ}", "$${x}").map(quote),
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.constantFrom("nan", "inf", "-inf", "1e308", "-0.5", "2.5", "9007199254740993", "-99999999999999999999"),
  fc.boolean().map(String),
  fc.constantFrom("1979-05-27T07:32:00Z", "07:32:00"),
);
/** Arrays and inline tables, a few levels deep (no secrets: their keys are not credential names). */
const value: fc.Arbitrary<string> = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("value"), { maxLength: 3 }).map((items) => `[${items.join(", ")}]`),
    fc
      .array(fc.tuple(fc.constantFrom("a", "model", "type", "url", "__proto__"), tie("value")), {
        maxLength: 3,
      })
      .map((entries) => `{ ${[...new Map(entries)].map(([k, v]) => `${quoteKey(k)} = ${v}`).join(", ")} }`),
  ),
})).value;
/** Nesting far beyond any real config: arrays, inline tables. */
const deep = fc
  .tuple(fc.constantFrom("[", "{ a = "), fc.integer({ min: 50, max: 1_500 }))
  .map(([open, depth]) =>
    open === "["
      ? `${"[".repeat(depth)}${"]".repeat(depth)}`
      : `${"{ a = ".repeat(depth)}1${" }".repeat(depth)}`,
  );

/** One line of a table: `key = value`. */
interface Line {
  header: string;
  key: string;
  value: string;
}

const header = fc.oneof(
  fc.constantFrom(
    "llm",
    "agent",
    "core",
    "mcp",
    "sandbox",
    "condenser",
    "security",
    "model_routing",
    "extended",
  ),
  fc
    .tuple(fc.constantFrom("llm", "agent", "condenser", "agnet", "LLM", "mcp"), name)
    .map(([family, inner]) => `${family}.${quoteKey(inner)}`),
  name.map(quoteKey),
);
const randomLine: fc.Arbitrary<Line> = fc.record({
  header,
  key: fc.oneof(
    { weight: 6, arbitrary: key.map(quoteKey) },
    { weight: 1, arbitrary: fc.integer({ min: 2, max: 3_000 }).map((parts) => `${"a.".repeat(parts)}b`) },
  ),
  value: fc.oneof({ weight: 8, arbitrary: value }, { weight: 1, arbitrary: deep }),
});

/** Secrets in every position a credential can take: secret fields, headers, env maps, MCP entries, kwargs. */
const secretLines: fc.Arbitrary<Line[]> = fc
  .tuple(secret, plainName, oddName, fc.constantFrom('"${FUZZ_TOKEN}"', "S"))
  .chain(([s, plain, odd, form]) => {
    const q = form === "S" ? quote(s) : form;
    const lines: Line[] = [
      { header: "llm", key: "api_key", value: q },
      { header: `llm.${quoteKey(odd)}`, key: "aws_secret_access_key", value: quote(s) },
      { header: `llm.${plain}`, key: "api_key", value: `[${quote(s)}]` },
      { header: `llm.${plain}`, key: "model", value: `{ api_key = ${quote(s)} }` },
      {
        header: "llm",
        key: "completion_kwargs",
        value: `{ api_key = ${quote(s)}, headers = { Authorization = ${quote(`Bearer ${s}`)} }, extra = [ { access_token = ${quote(s)} } ] }`,
      },
      { header: "llm", key: "extra_headers", value: `{ Authorization = ${quote(s)} }` },
      {
        header: "mcp",
        key: "sse_servers",
        value: `[ { url = "http://127.0.0.1:9/sse", api_key = ${quote(s)} }, 5 ]`,
      },
      { header: "mcp.sse_servers", key: "api_key", value: quote(s) },
      { header: "mcp", key: "shttp_servers", value: `{ url = "x", api_key = ${quote(s)} }` },
      {
        header: "mcp",
        key: "stdio_servers",
        value: `[ { name = "gh", command = "gh mcp", env = { GITHUB_TOKEN = ${quote(s)} } } ]`,
      },
      {
        header: "condenser",
        key: "llm_config",
        value: `{ model = 5, api_key = ${quote(s)}, temprature = 1 }`,
      },
      {
        header: `agent.${quoteKey(odd)}`,
        key: "condenser",
        value: `{ type = "llm", llm_config = { api_key = ${quote(s)}, model = [1] } }`,
      },
      { header: "core", key: "jwt_secret", value: quote(s) },
      { header: "core", key: "file_store_web_hook_headers", value: `{ Authorization = ${quote(s)}, n = 1 }` },
      { header: "sandbox", key: "api_key", value: `{ nested = ${quote(s)} }` },
      {
        header: "agent",
        key: "model_routing",
        value: `{ llms_for_routing = { x = { api_key = ${quote(s)} } } }`,
      },
    ];
    return fc.subarray(lines, { minLength: 1 });
  });

/** Lines grouped under their headers, each header and key once (a repeat would only be a syntax error). */
function render(lines: readonly Line[]): string {
  const tables = new Map<string, Map<string, string>>();
  for (const line of lines) {
    const table = tables.get(line.header) ?? new Map<string, string>();
    tables.set(line.header, table);
    if (!table.has(line.key)) table.set(line.key, line.value);
  }
  return [...tables]
    .map(([name, table]) => `[${name}]\n${[...table].map(([k, v]) => `${k} = ${v}`).join("\n")}\n`)
    .join("\n");
}

const hostileFile = fc
  .tuple(fc.array(randomLine, { maxLength: 8 }), secretLines)
  .chain(([random, secrets]) =>
    fc.shuffledSubarray([...random, ...secrets], { minLength: random.length + secrets.length }),
  )
  .map(render);

let counter = 0;
function writeHostile(text: string): string {
  const file = join(directory, `config-${counter++}.toml`);
  writeFileSync(file, text);
  return file;
}

/** Issues about the file are located at a line; the others come from the environment or a flag. */
function assertLocated(issues: readonly ConfigIssue[], file: string) {
  for (const issue of issues) {
    if (issue.file === file)
      assert.ok(issue.line > 0, `no line: ${issue.code} ${issue.message.slice(0, 200)}`);
    else
      assert.match(issue.file, /^<(env|cli)/, `not the file: ${issue.file}: ${issue.message.slice(0, 200)}`);
  }
}

function assertNoSecret(output: string, secrets: readonly string[], what: string) {
  for (const found of output.match(SECRET) ?? []) {
    assert.ok(!secrets.includes(found), `${what} prints the secret ${found}`);
  }
}

/** Runs a command in-process, as bin.ts would, and returns what it printed. */
async function run(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await main(args, {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    stdin: Readable.from([]),
    env,
    cwd: directory,
  });
  return { code, out, err };
}

test("hostile files: only ConfigError, located diagnostics, no secret and no raw control character in any output", async () => {
  await fc.assert(
    fc.asyncProperty(hostileFile, async (text) => {
      const file = writeHostile(text);
      const secrets = [...new Set([...(text.match(SECRET) ?? []), ...Object.values(ENV_SECRETS)])];
      const env = { HOME: "/nonexistent", ...ENV_SECRETS };
      let names: { llms: string[]; agents: string[] } = { llms: [], agents: [] };
      try {
        const config = await loadConfig({ configFile: file, env, userFiles: false, cwd: directory });
        assertLocated(config.warnings, file);
        names = { llms: Object.keys(config.llms), agents: Object.keys(config.agents) };
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        assertLocated(error.issues, file);
        assertNoSecret(error.message, secrets, "ConfigError.message");
      }
      const commands = [
        ["config", "check"],
        ["config", "check", "--json"],
        ["config", "show"],
        ["config", "show", "--json"],
        ["config", "explain"],
        ["config", "explain", "--json"],
        ["config", "explain", "--section", "mcp", "--all"],
        ["config", "explain", "--section", "core", "--all"],
        ...names.llms.slice(0, 3).flatMap((llm) => [
          ["config", "explain", "--llm", llm, "--all"],
          ["config", "show", "--llm", llm],
        ]),
        ...names.agents.slice(0, 3).map((agent) => ["config", "explain", "--agent", agent, "--all"]),
      ];
      for (const args of commands) {
        const result = await run([...args, "--config-file", file], env);
        const what = args.join(" ");
        assert.ok(
          result.code === 0 || result.code === 1,
          `${what} exited ${result.code}: ${result.err.slice(0, 300)}`,
        );
        assertNoSecret(result.out + result.err, secrets, what);
        assert.doesNotMatch(result.err, RAW_CONTROL, `${what}: raw control character on stderr`);
        const human = args.includes("--json") ? result.out.replace(/[\n\t]/g, " ") : result.out;
        assert.doesNotMatch(human, RAW_CONTROL, `${what}: raw control character on stdout`);
      }
    }),
    // About 3 s of CPU; FUZZ_RUNS=1000 searches deeper when hardening this code.
    { numRuns: Number(process.env.FUZZ_RUNS ?? 40), includeErrorInReport: true },
  );
});

test("hostile files through the real CLI: no stack trace, no internal error, no secret", async () => {
  const samples = fc.sample(hostileFile, { numRuns: 2, seed: 7 });
  for (const text of samples) {
    const file = writeHostile(text);
    const secrets = text.match(SECRET) ?? [];
    for (const args of [
      ["config", "check"],
      ["config", "show"],
      ["config", "explain"],
    ]) {
      const result = await runCli([...args, "--config-file", file], { cwd: directory });
      const what = args.join(" ");
      assert.ok(result.code === 0 || result.code === 1, `${what} exited ${result.code}`);
      assert.doesNotMatch(result.stderr, /internal error|\n\s+at /, what);
      assertNoSecret(result.stdout + result.stderr, secrets, what);
    }
  }
});
