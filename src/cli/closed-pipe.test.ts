import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { test } from "node:test";
import { endQuietlyOnClosedPipe } from "./closed-pipe.ts";

function errorWith(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`write ${code}`), { code });
}

test("a closed pipe on any watched stream ends the process with 0 and prints nothing", () => {
  const stdout = new EventEmitter();
  const stderr = new EventEmitter();
  const exits: number[] = [];
  const lines: string[] = [];
  endQuietlyOnClosedPipe(
    [stdout, stderr],
    (code) => exits.push(code),
    (line) => lines.push(line),
  );
  stdout.emit("error", errorWith("EPIPE"));
  stderr.emit("error", errorWith("EPIPE"));
  assert.deepEqual(exits, [0, 0]);
  assert.deepEqual(lines, []);
});

test("another write error ends the process with 1 and one line naming the error code", () => {
  const stdout = new EventEmitter();
  const exits: number[] = [];
  const lines: string[] = [];
  endQuietlyOnClosedPipe(
    [stdout],
    (code) => exits.push(code),
    (line) => lines.push(line),
  );
  stdout.emit("error", errorWith("ENOSPC"));
  assert.deepEqual(exits, [1]);
  assert.deepEqual(lines, ["llmconf: cannot write output (ENOSPC)\n"]);
});
