import assert from "node:assert/strict";
import { test } from "node:test";
import { defineCommand, formatCommandHelp, formatFlagRows } from "./command.ts";
import { type CliIo, UsageError } from "./io.ts";
import { configFlag } from "./options.ts";

function createIo() {
  const out: string[] = [];
  const io: CliIo = {
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: () => true },
    stdin: process.stdin,
    env: {},
    cwd: process.cwd(),
  };
  return { io, out };
}

test("help rows list the flags that have help, aligned after the longest, in declaration order", () => {
  const rows = formatFlagRows({
    "llm-config": configFlag("llm-config", "the config"),
    config: { type: "string", value: "PATH" },
    stream: { type: "boolean", help: "stream it" },
  });
  assert.equal(rows, "  -l, --llm-config NAME  the config\n  --stream               stream it");
});

test("a command's help is its usage, description, options and notes, each a paragraph", () => {
  const help = formatCommandHelp({
    usage: "llmconf x [--all]",
    description: "Does x.",
    flags: { all: { type: "boolean", help: "all of it" } },
    notes: "Exit codes: 0 ok.",
  });
  assert.equal(
    help,
    "Usage: llmconf x [--all]\n\nDoes x.\n\nOptions:\n  --all  all of it\n\nExit codes: 0 ok.\n",
  );
  assert.equal(
    formatCommandHelp({ usage: "llmconf y", description: "Does y.", flags: {} }),
    "Usage: llmconf y\n\nDoes y.\n",
  );
});

test("a defined command prints its help for -h, accepts the shared flags, and refuses unknown ones before help", async () => {
  const seen: unknown[] = [];
  const command = defineCommand({
    usage: "llmconf x",
    description: "Does x.",
    flags: { all: { type: "boolean" } },
    run: async ({ values }) => {
      seen.push(values);
      return 0;
    },
  });
  const { io, out } = createIo();
  assert.equal(await command(["-h"], io), 0);
  assert.equal(out.join(""), "Usage: llmconf x\n\nDoes x.\n");
  assert.equal(await command(["--all", "-l", "fast", "-i", "3"], io), 0);
  assert.deepEqual({ ...(seen[0] as object) }, { all: true, "llm-config": "fast", "max-iterations": "3" });
  await assert.rejects(command(["-h", "--bogus"], io), UsageError);
  await assert.rejects(command(["word"], io), UsageError);
});
