/**
 * Token counting speed on a ~100k-token prompt: gpt-tokenizer (what `tokens.ts` uses) against
 * js-tiktoken (a port of OpenAI's tiktoken) and the characters / 4 estimate.
 *
 * Run: `node --import tsx bench/tokens.bench.ts`. Prints a markdown table of warm median counts,
 * import time and first count in a fresh process (plain node, no tsx, so only the library is
 * measured), and fails if the exact tokenizers disagree on the count.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { estimateTokens } from "../src/llm/tokens.ts";
import { median, timeSync } from "./measure.ts";

const warmRuns = 10;
const freshRuns = 5;

/** A small deterministic PRNG (mulberry32), so every run counts the same text. */
function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

const words = (
  "the model reads a configuration file and resolves every named section before it calls the provider " +
  "with retries backoff tokens budget agent condenser history observation tool result error message " +
  "context window prompt cache cost usage latency stream response request header timeout gateway"
).split(" ");

/** About 400 KB of English prose interleaved with TypeScript, like an agent's prompt. */
function generatePrompt(targetBytes: number): string {
  const random = createRandom(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  // A third of the words are made of random syllables, so the text has a realistic share of rare
  // words instead of a tiny vocabulary that a tokenizer's merge cache would answer for free.
  const syllables = [
    "ka",
    "lo",
    "mir",
    "end",
    "qu",
    "str",
    "ion",
    "ax",
    "pre",
    "tu",
    "vel",
    "zor",
    "ing",
    "ph",
  ];
  const word = (): string =>
    random() < 0.35
      ? Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(syllables)).join("")
      : pick(words);
  const parts: string[] = [];
  let size = 0;
  let index = 0;
  while (size < targetBytes) {
    const sentence = Array.from({ length: 8 + Math.floor(random() * 12) }, word).join(" ");
    const paragraph = `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}. Step ${index} costs ${(random() * 100).toFixed(2)} USD.\n`;
    const code =
      `export function handle${index}(input: string, limit = ${Math.floor(random() * 1000)}): string[] {\n` +
      `  const ${word()}Items = input.split("${pick(["\\n", ",", " "])}").slice(0, limit);\n` +
      `  return ${word()}Items.map((item) => item.trim()).filter(Boolean); // ${word()} ${word()}\n}\n\n`;
    const part = index % 3 === 2 ? code : paragraph;
    parts.push(part);
    size += Buffer.byteLength(part);
    index++;
  }
  return parts.join("");
}

type Counter = (text: string) => number;

interface Contender {
  label: string;
  /** Loads the library in this process and returns its counting function. */
  load: () => Promise<Counter>;
  /** The same, as plain ESM for a fresh node process, ending with `count(text)`. */
  freshScript: string;
  exact: boolean;
}

const contenders: Contender[] = [
  {
    label: "gpt-tokenizer 4.0.0 o200k_base",
    load: async () => {
      const { countTokens } = await import("gpt-tokenizer/encoding/o200k_base");
      return (text) => countTokens(text, { disallowedSpecial: new Set() });
    },
    freshScript: `const { countTokens } = await import("gpt-tokenizer/encoding/o200k_base");
      const count = (text) => countTokens(text, { disallowedSpecial: new Set() });`,
    exact: true,
  },
  {
    label: "gpt-tokenizer 4.0.0 cl100k_base",
    load: async () => {
      const { countTokens } = await import("gpt-tokenizer/encoding/cl100k_base");
      return (text) => countTokens(text, { disallowedSpecial: new Set() });
    },
    freshScript: `const { countTokens } = await import("gpt-tokenizer/encoding/cl100k_base");
      const count = (text) => countTokens(text, { disallowedSpecial: new Set() });`,
    exact: true,
  },
  {
    label: "js-tiktoken 1.0.21 o200k_base",
    load: async () => {
      const { getEncoding } = await import("js-tiktoken");
      const encoding = getEncoding("o200k_base");
      return (text) => encoding.encode(text, [], []).length;
    },
    freshScript: `const { getEncoding } = await import("js-tiktoken");
      const encoding = getEncoding("o200k_base");
      const count = (text) => encoding.encode(text, [], []).length;`,
    exact: true,
  },
  {
    label: "js-tiktoken 1.0.21 cl100k_base",
    load: async () => {
      const { getEncoding } = await import("js-tiktoken");
      const encoding = getEncoding("cl100k_base");
      return (text) => encoding.encode(text, [], []).length;
    },
    freshScript: `const { getEncoding } = await import("js-tiktoken");
      const encoding = getEncoding("cl100k_base");
      const count = (text) => encoding.encode(text, [], []).length;`,
    exact: true,
  },
  {
    label: "estimate (characters / 4)",
    load: async () => estimateTokens,
    freshScript: "const count = (text) => Math.ceil(text.length / 4);",
    exact: false,
  },
];

/** Import time and first count, each the median over fresh node processes. */
function measureFresh(contender: Contender, textPath: string): { load: number; first: number } {
  const script = `import { readFileSync } from "node:fs";
    const text = readFileSync(${JSON.stringify(textPath)}, "utf8");
    const loadStart = performance.now();
    ${contender.freshScript}
    const firstStart = performance.now();
    count(text);
    const end = performance.now();
    console.log(JSON.stringify({ load: firstStart - loadStart, first: end - firstStart }));`;
  const loads: number[] = [];
  const firsts: number[] = [];
  for (let run = 0; run < freshRuns; run++) {
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
    if (child.status !== 0) throw new Error(`${contender.label} failed in a fresh process:\n${child.stderr}`);
    const { load, first } = JSON.parse(child.stdout) as { load: number; first: number };
    loads.push(load);
    firsts.push(first);
  }
  return { load: median(loads), first: median(firsts) };
}

const prompt = generatePrompt(400 * 1024);
const directory = mkdtempSync(join(tmpdir(), "tokens-bench-"));
const textPath = join(directory, "prompt.txt");
writeFileSync(textPath, prompt);

const rows: string[] = [];
const exactCounts = new Map<string, number>();
try {
  for (const contender of contenders) {
    const count = await contender.load();
    const tokens = count(prompt);
    const warm = timeSync(() => count(prompt), warmRuns);
    const fresh = measureFresh(contender, textPath);
    if (contender.exact) exactCounts.set(contender.label, tokens);
    rows.push(
      `| ${contender.label} | ${tokens.toLocaleString("en-US")} | ${warm.toFixed(2)} ms | ${fresh.first.toFixed(2)} ms | ${fresh.load.toFixed(1)} ms |`,
    );
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}

console.log(
  `Prompt: ${(Buffer.byteLength(prompt) / 1024).toFixed(0)} KB of English and TypeScript, Node ${process.version}\n`,
);
console.log("| tokenizer | tokens | warm count (median) | first count, fresh process | import |");
console.log("|---|---|---|---|---|");
for (const row of rows) console.log(row);

// Both libraries implement the same BPE, so each encoding must give one count.
let disagreement = false;
for (const encoding of ["o200k_base", "cl100k_base"]) {
  const counts = [...exactCounts].filter(([label]) => label.endsWith(encoding)).map(([, value]) => value);
  const agree = counts.every((value) => value === counts[0]);
  console.log(
    `\n${encoding}: ${agree ? "all exact counts agree" : `counts DISAGREE: ${counts.join(" vs ")}`}`,
  );
  disagreement ||= !agree;
}
if (disagreement) process.exitCode = 1;
