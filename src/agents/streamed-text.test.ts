import assert from "node:assert/strict";
import { test } from "node:test";
import { MASK } from "../config/secrets.ts";
import { createStreamedText } from "./streamed-text.ts";

const secret = "sk-streamed-never-shown-4242";

function play(pieces: readonly string[], completed = true): string[] {
  const shown: string[] = [];
  const text = createStreamedText([secret, "abc"], (piece) => shown.push(piece));
  for (const piece of pieces) text.write(piece);
  text.end(completed);
  return shown;
}

test("text without a secret is handed on piece by piece, as it arrives", () => {
  assert.deepEqual(play(["Hello", ", ", "world."]), ["Hello", ", ", "world."]);
});

test("a secret split across pieces is masked whole: the tail that may begin it waits for the next piece", () => {
  const shown = play(["The key is sk-str", "eamed-never-sh", "own-4242, keep it."]);
  assert.ok(!shown.join("").includes("sk-str"), JSON.stringify(shown));
  assert.equal(shown.join(""), `The key is ${MASK}, keep it.`);
  assert.equal(shown[0], "The key is ", "what cannot be a secret is shown at once");
});

test("a held tail that turns out not to be a secret is shown with the next piece or at the end", () => {
  assert.deepEqual(play(["see sk-", "street"]), ["see ", "sk-street"]);
  assert.deepEqual(play(["ends with sk-s"]), ["ends with ", "sk-s"]);
});

test("a call that fails drops its held tail (it may be half a key)", () => {
  assert.deepEqual(play(["cut at sk-stream"], false), ["cut at "]);
});

test("values shorter than 4 characters are never masked, as in the history", () => {
  assert.deepEqual(play(["abc def"]), ["abc def"]);
});
