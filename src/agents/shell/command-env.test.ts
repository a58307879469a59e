import assert from "node:assert/strict";
import { test } from "node:test";
import { commandEnvironment } from "./command-env.ts";

test("commands get llmconf's environment without the variables named like credentials", () => {
  const env = commandEnvironment({
    PATH: "/usr/bin",
    HOME: "/home/me",
    OPENAI_API_KEY: "sk-1",
    GITHUB_TOKEN: "ghp-1",
    AWS_SECRET_ACCESS_KEY: "aws-1",
    DB_PASSWORD: "pw",
    MAX_TOKENS: "100",
    UNSET: undefined,
  });
  assert.deepEqual(env, { PATH: "/usr/bin", HOME: "/home/me", MAX_TOKENS: "100" });
});

test("runtime_startup_env_vars are added last, so a credential the user names there does reach commands", () => {
  const env = commandEnvironment(
    { PATH: "/usr/bin", GITHUB_TOKEN: "ghp-host" },
    { GITHUB_TOKEN: "ghp-given", CI: "1" },
  );
  assert.deepEqual(env, { PATH: "/usr/bin", GITHUB_TOKEN: "ghp-given", CI: "1" });
});
