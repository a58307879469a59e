import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { describe, test } from "node:test";
import { describeRuntime, openCommandRuntime } from "./command-runtime.ts";
import { chooseRuntime, SandboxUnavailableError } from "./runtime-choice.ts";

const settings = (runtime: string, network = true) => ({ core: { runtime }, sandbox: { network } });

describe("chooseRuntime", () => {
  const cases: [string, ReturnType<typeof chooseRuntime>][] = [
    ["docker", { mode: "sandbox", runtime: "docker", network: true }],
    ["sandbox", { mode: "sandbox", runtime: "sandbox", network: true }],
    ["local", { mode: "host", runtime: "local" }],
    ["cli", { mode: "host", runtime: "cli" }],
    ["kubernetes", { mode: "unsupported", runtime: "kubernetes" }],
    ["remote", { mode: "unsupported", runtime: "remote" }],
    ["my.module.CustomRuntime", { mode: "unsupported", runtime: "my.module.CustomRuntime" }],
  ];
  for (const [runtime, expected] of cases) {
    test(`runtime "${runtime}" means ${expected.mode}`, () => {
      assert.deepEqual(chooseRuntime(settings(runtime)), expected);
    });
  }

  test("[sandbox] network = false reaches the sandboxed choice", () => {
    assert.deepEqual(chooseRuntime(settings("docker", false)), {
      mode: "sandbox",
      runtime: "docker",
      network: false,
    });
  });
});

describe("openCommandRuntime", () => {
  test("an unsupported runtime stops with the values llmconf supports", async () => {
    const error = await openCommandRuntime(settings("kubernetes"), { workspace: tmpdir() }).catch(
      (thrown: unknown) => thrown,
    );
    assert.ok(error instanceof SandboxUnavailableError);
    assert.equal(error.problem, "unsupported-runtime");
    assert.match(error.message, /runtime = "kubernetes" is not supported/);
    assert.match(error.message, /"docker", "sandbox", "local", "cli"/);
  });

  test("a host runtime wraps nothing and says the commands are unconfined", async () => {
    const runtime = await openCommandRuntime(settings("local"), { workspace: tmpdir() });
    assert.equal(runtime.wrap, undefined);
    assert.equal(runtime.sandbox, null);
    assert.match(runtime.summary, /runtime "local": commands run on the host, unconfined/);
  });

  test("the default runtime opens bubblewrap and says what it allows", async () => {
    const runtime = await openCommandRuntime(settings("docker", false), { workspace: tmpdir() });
    assert.equal(runtime.sandbox?.kind, "bubblewrap");
    assert.ok(runtime.wrap);
    assert.match(runtime.summary, /runtime "docker": commands run in a sandbox, bubblewrap/);
    assert.match(runtime.summary, /network off/);
    await runtime.close();
  });
});

describe("describeRuntime", () => {
  test("names the sandbox program it found", () => {
    assert.match(
      describeRuntime(settings("docker"), { PATH: "/usr/bin" }, "linux"),
      /bubblewrap \(\/usr\/bin\/bwrap\), network on/,
    );
  });

  test("says runs will stop when bwrap is missing", () => {
    assert.match(
      describeRuntime(settings("sandbox"), { PATH: "/nonexistent" }, "linux"),
      /bwrap is not on PATH, so runs will stop/,
    );
  });

  test("says a host runtime is unconfined", () => {
    assert.equal(
      describeRuntime(settings("cli"), {}, "linux"),
      'runtime "cli": agent commands run on the host, unconfined',
    );
  });
});
