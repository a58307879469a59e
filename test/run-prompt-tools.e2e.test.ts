// `llmconf run` with a model that has no native tool calling: the tools travel in the prompt and the
// calls come back as text in OpenHands' syntax, against the fake upstream over real HTTP.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { runCli } from "./run-cli.ts";
import { setUpRun, useFakeUpstream } from "./run-fixture.ts";

const upstream = await useFakeUpstream();

interface SentBody {
  tools?: unknown;
  messages: { role: string; content: string }[];
}

test("native_tool_calling = false: tools are described in the prompt, text calls run, a bad call is fed back", async () => {
  const { dir } = setUpRun(
    "llmconf-prompt-tools-",
    `[llm]\nmodel = "openai/local-model"\napi_key = "sk-local"\nbase_url = "${upstream.url}/v1"\nnative_tool_calling = false\nnum_retries = 1\n`,
  );
  upstream.enqueue(
    { text: "<function=no_such_tool>\n</function>" },
    {
      text: "I will write it.\n<function=str_replace_editor>\n<parameter=command>create</parameter>\n<parameter=path>hello.txt</parameter>\n<parameter=file_text>\nhi there\n\n</parameter>\n</function>",
    },
    { text: "<function=finish>\n<parameter=message>Wrote hello.txt</parameter>\n</function>" },
  );
  const result = await runCli(["run", "-d", "repo", "-t", "write hello.txt", "--json"], { cwd: dir });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(JSON.parse(result.stdout).final_message, "Wrote hello.txt");
  assert.equal(readFileSync(join(dir, "repo/hello.txt"), "utf8"), "hi there\n");

  const sent = upstream.requests.map((request) => request.body as SentBody);
  assert.equal(sent.length, 3);
  for (const body of sent) assert.equal(body.tools, undefined);
  assert.match(sent[0]?.messages[0]?.content ?? "", /BEGIN FUNCTION #\d+: str_replace_editor/);
  assert.match(sent[1]?.messages.at(-1)?.content ?? "", /"no_such_tool" does not exist/);
  assert.match(sent[2]?.messages.at(-1)?.content ?? "", /^EXECUTION RESULT of \[str_replace_editor\]:/);
  assert.ok(sent.every((body) => body.messages.every((message) => message.role !== "tool")));
});
