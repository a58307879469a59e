import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { readRegularFile, UnreadableFileError } from "./read-file.ts";

const dir = mkdtempSync(join(tmpdir(), "llmconf-read-file-"));

function refuses(file: string, code: string, message: RegExp, maxBytes?: number) {
  assert.throws(
    () => readRegularFile(file, maxBytes),
    (error: unknown) =>
      error instanceof UnreadableFileError && error.code === code && message.test(error.message),
  );
}

test("a regular file is read whole", () => {
  const file = join(dir, "config.toml");
  writeFileSync(file, '[llm]\nmodel = "gpt-4o"\n');
  assert.equal(readRegularFile(file).toString("utf8"), '[llm]\nmodel = "gpt-4o"\n');
});

test("a named pipe with no writer is refused at once instead of blocking the read", () => {
  const fifo = join(dir, "pipe.toml");
  execFileSync("mkfifo", [fifo]);
  refuses(fifo, "not-regular", /^is a named pipe \(FIFO\), not a regular file/);
});

test("an endless device such as /dev/zero is refused before a byte is read", () => {
  refuses("/dev/zero", "not-regular", /^is a character device, not a regular file/);
});

test("a directory, a missing file and a file over the size limit are refused with their reason", () => {
  refuses(dir, "EISDIR", /^is a directory, not a file$/);
  refuses(join(dir, "missing.toml"), "ENOENT", /^cannot be read \(ENOENT\)$/);
  const big = join(dir, "big.toml");
  writeFileSync(big, "x".repeat(100));
  refuses(big, "too-large", /^is 100 bytes, larger than the 10 bytes a config file may have$/, 10);
});
