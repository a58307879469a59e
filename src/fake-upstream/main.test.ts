import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const mainFile = fileURLToPath(new URL("./main.ts", import.meta.url));

test("main.ts prints its URL, serves the script, and exits 0 on SIGTERM", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", mainFile, "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const [firstOutput] = (await once(child.stdout, "data")) as [Buffer];
    const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)\n$/.exec(firstOutput.toString());
    assert.ok(match, `unexpected output: ${firstOutput.toString()}`);
    const response = await fetch(`${match[1]}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "standalone" }] }),
    });
    const body = (await response.json()) as { choices: Array<{ message: { content: string } }> };
    assert.equal(body.choices[0]?.message.content, "echo: standalone");
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    assert.equal(code, 0);
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
});

test("main.ts exits 2 on a bad --port", async () => {
  const child = spawn(process.execPath, ["--import", "tsx", mainFile, "--port", "x"], { stdio: "ignore" });
  const [code] = await once(child, "exit");
  assert.equal(code, 2);
});
