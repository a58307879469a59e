import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Ajv } from "ajv";
import { parse } from "smol-toml";
import { createConfigJsonSchema } from "../config/json-schema.ts";
import { loadConfig } from "../config/load.ts";
import { INIT_TEMPLATE } from "./init-template.ts";
import type { CliIo } from "./io.ts";
import { main } from "./main.ts";

function createIo(cwd: string, env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
    stdin: process.stdin,
    env,
    cwd,
  };
  return { io, out, err };
}

test("the starter config validates against the schema", () => {
  const validate = new Ajv({ strict: true }).compile(createConfigJsonSchema());
  assert.equal(validate(parse(INIT_TEMPLATE)), true, JSON.stringify(validate.errors));
  assert.match(INIT_TEMPLATE, /^#:schema \.\/node_modules\/llmconf\/config\.schema\.json\n/);
});

test("the starter config resolves to a default, two named configs and two agents using them", async () => {
  const directory = mkdtempSync(join(tmpdir(), "llmconf-init-"));
  writeFileSync(join(directory, "config.toml"), INIT_TEMPLATE);
  const config = await loadConfig({ cwd: directory, env: { OPENAI_API_KEY: "sk-test" }, userFiles: false });
  assert.deepEqual(Object.keys(config.llms), ["llm", "cheap", "strong"]);
  assert.equal(config.llms.cheap?.api_key, "sk-test");
  assert.equal(config.llmConfigNameForAgent("RepoExplorerAgent").name, "cheap");
  assert.equal(config.llmConfigNameForAgent("CodeWriterAgent").name, "strong");
});

test("config init writes the file, which config check accepts with or without OPENAI_API_KEY", async () => {
  const directory = mkdtempSync(join(tmpdir(), "llmconf-init-"));
  const init = createIo(directory);
  assert.equal(await main(["config", "init"], init.io), 0);
  assert.equal(readFileSync(join(directory, "config.toml"), "utf8"), INIT_TEMPLATE);
  const check = createIo(directory, { OPENAI_API_KEY: "sk-test" });
  assert.equal(await main(["config", "check"], check.io), 0, check.err.join(""));
  // A clean shell: the unset key is a warning (the file is fine), and --strict makes it fail for CI.
  const unset = createIo(directory);
  assert.equal(await main(["config", "check"], unset.io), 0);
  assert.match(
    unset.err.join(""),
    /config\.toml:\d+:\d+: warning: environment variable OPENAI_API_KEY is not set/,
  );
  const strict = createIo(directory);
  assert.equal(await main(["config", "check", "--strict"], strict.io), 1);
  assert.match(strict.err.join(""), /error: environment variable OPENAI_API_KEY is not set/);
});

test("config init refuses to overwrite an existing file without --force", async () => {
  const directory = mkdtempSync(join(tmpdir(), "llmconf-init-"));
  const file = join(directory, "mine.toml");
  writeFileSync(file, "[llm]\n");
  const refused = createIo(directory);
  assert.equal(await main(["config", "init", "--config-file", "mine.toml"], refused.io), 1);
  assert.match(
    refused.err.join(""),
    /mine\.toml already exists; not overwriting it \(use --force to replace it\)/,
  );
  assert.equal(readFileSync(file, "utf8"), "[llm]\n");
  const forced = createIo(directory);
  assert.equal(await main(["config", "init", "--config-file", "mine.toml", "--force"], forced.io), 0);
  assert.equal(readFileSync(file, "utf8"), INIT_TEMPLATE);
});
