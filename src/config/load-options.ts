/**
 * `loadConfig`'s options, checked before anything is read: a wrong type from a caller (JavaScript, or
 * JSON handed through) is a `ConfigError` naming the option, never a TypeError from deep inside.
 */
import { locatedIssue } from "./describe-issue.ts";
import type { ConfigIssue } from "./issues.ts";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function optionIssue(option: string, expected: string, value: unknown): ConfigIssue {
  const got = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
  return locatedIssue(
    { code: "invalid_option", option, expected, got, section: null, key: option },
    { file: "<options>" },
  );
}

/** Every option of the wrong type, as issues (empty when the options are usable). */
export function checkLoadOptions(options: unknown): ConfigIssue[] {
  if (options === undefined) return [];
  if (!isRecord(options)) return [optionIssue("options", "an object", options)];
  const issues: ConfigIssue[] = [];
  const expect = (name: string, value: unknown, expected: string, ok: (value: unknown) => boolean) => {
    if (value !== undefined && !ok(value)) issues.push(optionIssue(name, expected, value));
  };
  const isString = (value: unknown) => typeof value === "string";
  expect("configFile", options.configFile, "a file path (a string)", isString);
  expect("cwd", options.cwd, "a directory path (a string)", isString);
  expect("userFiles", options.userFiles, "a boolean", (value) => typeof value === "boolean");
  expect("env", options.env, "an object of strings", isRecord);
  if (isRecord(options.env)) {
    for (const [name, value] of Object.entries(options.env)) {
      expect(`env.${name}`, value, "a string", isString);
    }
  }
  expect("cli", options.cli, "an object", isRecord);
  if (isRecord(options.cli)) {
    const { llmConfig, agentCls, maxIterations, maxBudgetPerTask } = options.cli;
    const isText = (value: unknown) => typeof value === "string" || typeof value === "number";
    expect("cli.llmConfig", llmConfig, "a config name (a string)", isString);
    expect("cli.agentCls", agentCls, "an agent name (a string)", isString);
    expect("cli.maxIterations", maxIterations, "a number or numeric string", isText);
    expect("cli.maxBudgetPerTask", maxBudgetPerTask, "a number or numeric string", isText);
  }
  return issues;
}
