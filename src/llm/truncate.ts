/** The notice OpenHands puts where it cut an over-long observation out. */
export const truncationNotice = "\n[... Observation truncated due to length ...]\n";

/** Whether the UTF-16 code unit at `index` is the second half of a surrogate pair. */
function isLowSurrogate(text: string, index: number): boolean {
  const code = text.charCodeAt(index);
  return code >= 0xdc00 && code <= 0xdfff;
}

/**
 * Middle-truncates text longer than `maxChars` as OpenHands' `max_message_chars` does: the first
 * half, the notice, the last half (so the result is the notice's length over `maxChars`). A
 * `maxChars` of 0 or less means no limit, as in OpenHands. Cuts never split a surrogate pair.
 * @example truncateMiddle("abcdefghij", 4) // "ab\n[... Observation truncated due to length ...]\nij"
 */
export function truncateMiddle(text: string, maxChars: number): string {
  if (maxChars <= 0 || text.length <= maxChars) return text;
  const half = Math.floor(maxChars / 2);
  let headEnd = half;
  if (headEnd > 0 && isLowSurrogate(text, headEnd)) headEnd -= 1;
  let tailStart = text.length - half;
  if (tailStart < text.length && isLowSurrogate(text, tailStart)) tailStart += 1;
  return text.slice(0, headEnd) + truncationNotice + text.slice(tailStart);
}
