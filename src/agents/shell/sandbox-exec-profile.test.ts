import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { formatSandboxExecProfile, sandboxExecArguments } from "./sandbox-exec-profile.ts";

// The profile cannot run on Linux; these tests pin its meaning, not its effect on macOS.
describe("sandbox-exec profile", () => {
  test("denies writes except the workspace and scratch parameters", () => {
    const profile = formatSandboxExecProfile(true);
    assert.ok(
      profile.indexOf("(deny file-write*)") <
        profile.indexOf('(allow file-write* (subpath (param "WORKSPACE"))'),
    );
    assert.match(profile, /\(subpath \(param "SCRATCH"\)\)/);
  });

  test("confines signals and process inspection to the sandbox", () => {
    const profile = formatSandboxExecProfile(true);
    assert.match(profile, /\(deny signal\)\n\(allow signal \(target same-sandbox\)\)/);
    assert.match(profile, /\(deny process-info\*\)\n\(allow process-info\* \(target same-sandbox\)\)/);
  });

  test("denies the network only when turned off", () => {
    assert.doesNotMatch(formatSandboxExecProfile(true), /network/);
    assert.match(formatSandboxExecProfile(false), /\(deny network\*\)/);
  });

  test("passes paths as parameters, never inside the profile text", () => {
    const args = sandboxExecArguments({
      workspace: '/Users/me/a "quoted" repo',
      scratch: "/private/tmp/s",
      network: true,
    });
    assert.equal(
      args.some((arg) => arg.startsWith("(version 1)") && arg.includes("quoted")),
      false,
    );
    assert.ok(args.includes('WORKSPACE=/Users/me/a "quoted" repo'));
    assert.deepEqual(args.slice(-2), ["/usr/bin/env", "TMPDIR=/private/tmp/s"]);
  });
});
