import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { bwrapArguments, tmpDirsNamedIn } from "./bwrap-arguments.ts";

/** The mount options only, as `option source target` strings, in order. */
function mounts(workspace: string): string[] {
  const args = bwrapArguments({ workspace, network: true }, workspace);
  const found: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const option = args[index] as string;
    if (["--ro-bind", "--bind"].includes(option)) found.push(args.slice(index, index + 3).join(" "));
    if (["--tmpfs", "--dev", "--proc"].includes(option)) found.push(args.slice(index, index + 2).join(" "));
  }
  return found;
}

describe("bwrapArguments", () => {
  const base = ["--ro-bind / /", "--dev /dev", "--proc /proc", "--ro-bind /proc/sys /proc/sys"];
  const cases: [string, string, string[]][] = [
    [
      "a workspace outside /tmp",
      "/home/me/repo",
      [...base, "--tmpfs /tmp", "--bind /home/me/repo /home/me/repo"],
    ],
    [
      "a workspace deep under /tmp, its neighbours shown read-only over the private /tmp",
      "/tmp/run-1/ws",
      [...base, "--tmpfs /tmp", "--ro-bind /tmp/run-1 /tmp/run-1", "--bind /tmp/run-1/ws /tmp/run-1/ws"],
    ],
    ["a workspace directly in /tmp", "/tmp/ws", [...base, "--tmpfs /tmp", "--bind /tmp/ws /tmp/ws"]],
    ["/tmp itself as the workspace", "/tmp", [...base, "--bind /tmp /tmp"]],
    [
      "a sibling of /tmp by prefix only",
      "/tmpfoo/ws",
      [...base, "--tmpfs /tmp", "--bind /tmpfoo/ws /tmpfoo/ws"],
    ],
  ];
  for (const [name, workspace, expected] of cases) {
    test(`mounts for ${name}`, () => {
      assert.deepEqual(mounts(workspace), expected);
    });
  }

  test("the network is unshared only when turned off", () => {
    assert.equal(bwrapArguments({ workspace: "/w", network: true }, "/w").includes("--unshare-net"), false);
    assert.equal(bwrapArguments({ workspace: "/w", network: false }, "/w").includes("--unshare-net"), true);
  });

  test("always its own PID namespace, dies with its parent, drops capabilities, starts in cwd", () => {
    const args = bwrapArguments({ workspace: "/w", network: true }, "/w/sub");
    for (const option of ["--unshare-pid", "--unshare-user", "--die-with-parent", "--new-session"]) {
      assert.ok(args.includes(option), option);
    }
    assert.deepEqual(args.slice(args.indexOf("--cap-drop"), args.indexOf("--cap-drop") + 2), [
      "--cap-drop",
      "ALL",
    ]);
    assert.deepEqual(args.slice(-2), ["--chdir", "/w/sub"]);
  });
});

test("a program named by a path under /tmp is shown read-only, by its top directory, over the private /tmp", () => {
  assert.deepEqual(tmpDirsNamedIn(["node", "/tmp/ci/main/test/server.mjs", "--flag", "/usr/bin/x", "/tmp"]), [
    "/tmp/ci",
  ]);
  const args = bwrapArguments({ workspace: "/tmp/run-1/ws", network: true }, "/tmp/run-1/ws", [
    "/tmp/ci",
    "/tmp/run-1",
  ]);
  assert.ok(args.join(" ").includes("--ro-bind-try /tmp/ci /tmp/ci"));
  assert.equal(args.filter((arg) => arg === "/tmp/run-1").length, 2, "the workspace's own top is bound once");
  assert.ok(args.indexOf("--ro-bind-try") < args.indexOf("--bind"), "the workspace stays writable");
});
