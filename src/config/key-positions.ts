/**
 * Where every table, key and array element of a TOML text starts, found in one forward scan.
 *
 * Runs only on text smol-toml has already accepted, so it may take the syntax as valid and only has
 * to follow the structure. It never builds a value, so no size of string, number or file can overflow
 * it (a general TOML parser spreading a 150 KB string into one call did), and it nests only as deep as
 * the arrays and inline tables smol-toml accepted.
 */

/** The deepest nesting of tables and arrays a config file may have; deeper is an error. */
export const MAX_NESTING = 100;

/** A 1-based position in a file. */
export interface Position {
  line: number;
  column: number;
}

/** Joins a key path into the lookup key of a positions map. */
export function pathKey(path: readonly (string | number)[]): string {
  return path.join("\u0000");
}

const ESCAPES: Readonly<Record<string, string>> = {
  b: "\b",
  t: "\t",
  n: "\n",
  f: "\f",
  r: "\r",
  e: "\u001b",
  '"': '"',
  "\\": "\\",
};
const HEX_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };
/** Characters that end a bare key, besides whitespace and line ends. */
const KEY_END = new Set(["=", ".", "[", "]", "{", "}", ",", "#", '"', "'"]);
/** Characters that end a bare value (number, boolean, date: none contains one of these). */
const VALUE_END = new Set([",", "]", "}", "#", "\n", "\r"]);

class Scanner {
  private index = 0;
  private line = 1;
  private lineStart = 0;
  /** Arrays of tables declared so far (`[[a.b]]`), by resolved path: how many elements each has. */
  private readonly tableArrays = new Map<string, number>();

  constructor(
    private readonly text: string,
    private readonly into: Map<string, Position>,
  ) {}

  scan(): void {
    let table: (string | number)[] = [];
    for (;;) {
      this.skipBlankLinesAndComments();
      if (this.index >= this.text.length) return;
      const start = this.position();
      if (this.peek() === "[") {
        const isArray = this.text.startsWith("[[", this.index);
        this.index += isArray ? 2 : 1;
        table = this.resolveHeader(this.readKey(), isArray);
        this.skipBlank();
        this.index += isArray ? 2 : 1;
        this.setOnce(table, start);
      } else {
        this.readKeyValue(table);
      }
      this.skipToLineEnd();
    }
  }

  private position(): Position {
    return { line: this.line, column: this.index - this.lineStart + 1 };
  }

  private peek(): string {
    return this.text.charAt(this.index);
  }

  /** Steps over one character, counting lines. */
  private step(): void {
    if (this.text.charCodeAt(this.index) === 10) {
      this.line++;
      this.lineStart = this.index + 1;
    }
    this.index++;
  }

  private setOnce(path: readonly (string | number)[], at: Position): void {
    const key = pathKey(path);
    if (!this.into.has(key)) this.into.set(key, at);
  }

  private skipBlank(): void {
    while (this.peek() === " " || this.peek() === "\t") this.index++;
  }

  private skipToLineEnd(): void {
    while (this.index < this.text.length && this.peek() !== "\n") this.index++;
  }

  private skipBlankLinesAndComments(): void {
    while (this.index < this.text.length) {
      const char = this.peek();
      if (char === "#") this.skipToLineEnd();
      else if (char === " " || char === "\t" || char === "\r" || char === "\n") this.step();
      else return;
    }
  }

  /** A dotted key (`a."b.c".d`): its parts, unquoted and unescaped. */
  private readKey(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipBlank();
      const char = this.peek();
      if (char === '"' || char === "'") {
        parts.push(this.readString());
      } else {
        const start = this.index;
        while (this.index < this.text.length) {
          const next = this.peek();
          if (KEY_END.has(next) || next === " " || next === "\t" || next === "\n" || next === "\r") break;
          this.index++;
        }
        parts.push(this.text.slice(start, this.index));
      }
      this.skipBlank();
      if (this.peek() !== ".") return parts;
      this.index++;
    }
  }

  /** `key = value` inside `table`: every new prefix of the key and everything inside the value. */
  private readKeyValue(table: readonly (string | number)[]): void {
    const start = this.position();
    const path = [...table, ...this.readKey()];
    // Prefixes beyond the nesting a config may have (see MAX_NESTING) are never asked for; skipping
    // them keeps a key of thousands of parts linear instead of quadratic.
    const deepest = Math.min(path.length, MAX_NESTING + 1);
    for (let depth = table.length + 1; depth <= deepest; depth++) this.setOnce(path.slice(0, depth), start);
    this.skipBlank();
    this.index++; // "="
    this.skipBlank();
    this.readValue(path);
  }

  private readValue(path: readonly (string | number)[]): void {
    const char = this.peek();
    if (char === '"' || char === "'") {
      this.skipString();
    } else if (char === "{") {
      this.index++;
      for (;;) {
        this.skipBlankLinesAndComments();
        const next = this.peek();
        if (next === "}" || this.index >= this.text.length) break;
        if (next === ",") this.index++;
        else this.readKeyValue(path);
      }
      this.index++;
    } else if (char === "[") {
      this.index++;
      let element = 0;
      for (;;) {
        this.skipBlankLinesAndComments();
        const next = this.peek();
        if (next === "]" || this.index >= this.text.length) break;
        if (next === ",") {
          this.index++;
          continue;
        }
        const at = [...path, element++];
        this.into.set(pathKey(at), this.position());
        this.readValue(at);
      }
      this.index++;
    } else {
      while (this.index < this.text.length && !VALUE_END.has(this.peek())) this.index++;
    }
  }

  /** Steps over a string of any of the four kinds, counting the lines of multi-line ones. */
  private skipString(): void {
    const quote = this.peek();
    const basic = quote === '"';
    if (this.text.startsWith(quote.repeat(3), this.index)) {
      this.index += 3;
      while (this.index < this.text.length) {
        if (basic && this.peek() === "\\") {
          this.index++;
          this.step();
        } else if (this.text.startsWith(quote.repeat(3), this.index)) {
          // Up to two quotes may end the content just before the closing three.
          let run = 0;
          while (this.peek() === quote) {
            this.index++;
            run++;
          }
          if (run >= 3) return;
        } else {
          this.step();
        }
      }
      return;
    }
    this.index++;
    while (this.index < this.text.length && this.peek() !== quote)
      this.index += basic && this.peek() === "\\" ? 2 : 1;
    this.index++;
  }

  /** A one-line quoted key part, unescaped (a key is never multi-line). */
  private readString(): string {
    const quote = this.peek();
    this.index++;
    const chunks: string[] = [];
    let start = this.index;
    while (this.index < this.text.length && this.peek() !== quote) {
      if (quote === '"' && this.peek() === "\\") {
        chunks.push(this.text.slice(start, this.index));
        const kind = this.text.charAt(this.index + 1);
        const length = HEX_LENGTH[kind];
        if (length !== undefined) {
          const code = Number.parseInt(this.text.slice(this.index + 2, this.index + 2 + length), 16);
          chunks.push(String.fromCodePoint(code));
          this.index += 2 + length;
        } else {
          chunks.push(ESCAPES[kind] ?? kind);
          this.index += 2;
        }
        start = this.index;
      } else {
        this.index++;
      }
    }
    chunks.push(this.text.slice(start, this.index));
    this.index++;
    return chunks.join("");
  }

  /** The path a header names: inside an array of tables it means that array's latest element. */
  private resolveHeader(parts: readonly string[], isArray: boolean): (string | number)[] {
    const resolved: (string | number)[] = [];
    parts.forEach((part, index) => {
      resolved.push(part);
      const key = pathKey(resolved);
      const count = this.tableArrays.get(key);
      if (isArray && index === parts.length - 1) {
        this.tableArrays.set(key, (count ?? 0) + 1);
        resolved.push(count ?? 0);
      } else if (count !== undefined) {
        resolved.push(count - 1);
      }
    });
    return resolved;
  }
}

/** The position of every table, key and array element of a valid TOML text, keyed by `pathKey(path)`. */
export function scanKeyPositions(text: string): Map<string, Position> {
  const positions = new Map<string, Position>();
  new Scanner(text, positions).scan();
  return positions;
}
