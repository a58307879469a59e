import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, realpathSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { createWorkspace, WorkspaceEscapeError } from "./workspace.ts";

const base = realpathSync(mkdtempSync(join(tmpdir(), "llmconf-workspace-")));
const root = join(base, "repo");
mkdirSync(join(root, "src"), { recursive: true });
const outside = join(base, "outside");
mkdirSync(outside);
symlinkSync(outside, join(root, "escape"));
symlinkSync(join(root, "src"), join(root, "inner-link"));
const workspace = createWorkspace(root);

test("relative paths resolve against the workspace, not the process's cwd", () => {
  assert.equal(workspace.resolvePath("src/a.ts"), join(root, "src/a.ts"));
  assert.equal(workspace.resolvePath("."), root);
  assert.equal(workspace.resolvePath("src/../new/file.txt"), join(root, "new/file.txt"));
});

test("absolute paths inside the workspace are accepted", () => {
  assert.equal(workspace.resolvePath(join(root, "src")), join(root, "src"));
});

test("paths outside the workspace are refused: .., absolute elsewhere, symlinks that escape", () => {
  for (const path of [
    "../outside/x",
    "src/../../outside",
    "/etc/passwd",
    outside,
    "escape/secret.txt",
    "escape",
  ]) {
    assert.throws(() => workspace.resolvePath(path), WorkspaceEscapeError, path);
  }
  assert.throws(() => workspace.resolvePath("escape/new-dir/new-file"), /through a symbolic link/);
});

test("a symlink that stays inside the workspace is followed", () => {
  assert.equal(workspace.resolvePath("inner-link/a.ts"), join(root, "src/a.ts"));
});
