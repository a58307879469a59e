import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { RunEvent } from "./events.ts";
import { openTrajectory, trajectoryFileFor } from "./trajectory.ts";

const dir = mkdtempSync(join(tmpdir(), "llmconf-trajectory-"));
const warning = (id: number, message: string): RunEvent => ({
  id,
  timestamp: "2026-01-01T00:00:00.000Z",
  type: "warning",
  message,
});

test("the file is valid JSON before the first event, after each event, and without close()", () => {
  const file = join(dir, "run.json");
  const writer = openTrajectory(file, []);
  assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), []);
  writer.write(warning(0, "first"));
  assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), [warning(0, "first")]);
  writer.write(warning(1, "second ✓ with unicode"));
  assert.deepEqual(JSON.parse(readFileSync(file, "utf8")), [
    warning(0, "first"),
    warning(1, "second ✓ with unicode"),
  ]);
  writer.close();
});

test("secrets are masked in what is written", () => {
  const file = join(dir, "masked.json");
  const writer = openTrajectory(file, ["sk-very-secret-key"]);
  writer.write(warning(0, "the key is sk-very-secret-key"));
  writer.close();
  assert.equal(JSON.parse(readFileSync(file, "utf8"))[0].message, "the key is **********");
});

test("a directory as save_trajectory_path gets one file per run inside it", () => {
  assert.equal(trajectoryFileFor(dir, "abc"), join(dir, "abc.json"));
  assert.equal(trajectoryFileFor(join(dir, "named.json"), "abc"), join(dir, "named.json"));
});
