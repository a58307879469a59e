// The README's AI SDK examples, run as written in a user's project: a directory with only config.toml
// and node_modules holding `ai` and the built `llmconf` package, against the fake upstream.
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { type FakeUpstream, startFakeUpstream } from "../src/fake-upstream/server.ts";
import { root, runNode } from "./run-cli.ts";

let upstream: FakeUpstream;
let project: string;
before(async () => {
  upstream = await startFakeUpstream();
  project = await mkdtemp(join(tmpdir(), "llmconf-readme-"));
  await mkdir(join(project, "node_modules"));
  await symlink(root, join(project, "node_modules", "llmconf"), "dir");
  await symlink(join(root, "node_modules", "ai"), join(project, "node_modules", "ai"), "dir");
  await writeFile(
    join(project, "config.toml"),
    `[llm]
model = "gpt-4o"
api_key = "\${OPENAI_API_KEY}"

[llm.cheap]
model = "openai/fake-model"
base_url = "${upstream.url}/v1"
input_cost_per_token = 0.000001
output_cost_per_token = 0.000002
`,
  );
});
after(async () => {
  await upstream.close();
  await rm(project, { recursive: true, force: true });
});

/** The ```js blocks of the README's "With the AI SDK" section. */
async function readmeExamples(): Promise<string[]> {
  const readme = await readFile(join(root, "README.md"), "utf8");
  const start = readme.indexOf("## With the AI SDK");
  assert.ok(start >= 0, "README has no 'With the AI SDK' section");
  const section = readme.slice(start, readme.indexOf("\n## ", start + 1));
  return [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

test("the README's AI SDK examples run as written in a project with only config.toml", async () => {
  const examples = await readmeExamples();
  assert.equal(examples.length, 2);
  const outputs: string[] = [];
  for (const [index, code] of examples.entries()) {
    const file = join(project, `example-${index}.mjs`);
    await writeFile(file, code);
    const {
      code: exit,
      stdout,
      stderr,
    } = await runNode([file], {
      cwd: project,
      env: { HOME: project, OPENAI_API_KEY: "sk-readme-test" },
    });
    assert.equal(exit, 0, `example ${index} failed:\n${stderr}`);
    assert.equal(stderr, "", `example ${index} printed warnings or errors`);
    outputs.push(stdout);
  }
  assert.equal(outputs[0], "echo: Name one TOML feature\n");
  const [streamed, summary, total] = (outputs[1] ?? "").split("\n");
  assert.equal(streamed, "echo: Count to five");
  assert.match(summary ?? "", /^cheap: 1 attempt\(s\), \$0\.0000\d+$/);
  assert.equal(`$${Number(total)}`, summary?.split(", ")[1]);
  const streamedBody = upstream.requests[1]?.body as { temperature: number } | undefined;
  assert.equal(streamedBody?.temperature, 0.7);
});
