/**
 * How much output a chunk of relayed chat-completion events carries: the length of the string values
 * of its `content` (also `reasoning_content`) and `arguments` fields. The fast path relays bytes
 * without parsing them; when a stream is cut before its usage chunk, this is what the output is
 * charged from (characters / 4, the runtime's estimate of tokens).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MARKERS = [Buffer.from('content":'), Buffer.from('"arguments":')];

/** The bytes from `start` (just inside an opening quote) to the closing quote. */
function stringLength(bytes: Buffer, start: number): number {
  let at = start;
  for (;;) {
    const quote = bytes.indexOf(QUOTE, at);
    if (quote < 0) return bytes.length - start;
    let backslashes = 0;
    while (quote - backslashes - 1 >= start && bytes[quote - backslashes - 1] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return quote - start;
    at = quote + 1;
  }
}

/**
 * The characters of output text in whole server-sent events of a chat-completions stream.
 * @example countDeltaChars(Buffer.from('data: {"choices":[{"delta":{"content":"Hello"}}]}\n\n')) // 5
 */
export function countDeltaChars(bytes: Buffer): number {
  let total = 0;
  for (const marker of MARKERS) {
    for (let at = bytes.indexOf(marker); at >= 0; at = bytes.indexOf(marker, at + 1)) {
      let value = at + marker.length;
      while (bytes[value] === 0x20) value++;
      if (bytes[value] !== QUOTE) continue;
      total += stringLength(bytes, value + 1);
    }
  }
  return total;
}
