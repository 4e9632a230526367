/**
 * Calls `fn(line, lineNumber)` for every line of `text`, splitting on LF, CRLF or a lone CR
 * (subconverter meets all three). Line numbers are 1-based. Stops when `fn` returns false.
 */
export function forEachLine(text: string, fn: (line: string, lineNumber: number) => boolean | void): void {
  if (text.indexOf('\r') === -1) {
    forEachLfLine(text, fn);
    return;
  }
  let start = 0;
  let n = 0;
  const len = text.length;
  while (start <= len) {
    let end = start;
    while (end < len) {
      const c = text.charCodeAt(end);
      if (c === 10 || c === 13) break;
      end++;
    }
    n++;
    if (fn(text.slice(start, end), n) === false) return;
    if (end >= len) return;
    start = text.charCodeAt(end) === 13 && text.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
  }
}

/**
 * The common body without any CR: native indexOf finds each LF several times faster than a
 * charCodeAt loop. (Kept apart on purpose: a loop that also tracks the next CR with indexOf
 * falls off a V8 optimisation cliff and rescans the rest of the body on every line.)
 */
function forEachLfLine(text: string, fn: (line: string, lineNumber: number) => boolean | void): void {
  let start = 0;
  let n = 0;
  const len = text.length;
  for (;;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = len;
    n++;
    if (fn(text.slice(start, end), n) === false) return;
    if (end >= len) return;
    start = end + 1;
  }
}

function isTrimmable(c: number): boolean {
  // ASCII whitespace, NBSP, BOM and the zero-width / bidi marks scrapers leave at line edges.
  return c <= 32 || c === 0xa0 || c === 0xfeff || c === 0x200b || c === 0x200e || c === 0x200f;
}

export function trimLine(line: string): string {
  let s = 0;
  let e = line.length;
  while (s < e && isTrimmable(line.charCodeAt(s))) s++;
  while (e > s && isTrimmable(line.charCodeAt(e - 1))) e--;
  return s === 0 && e === line.length ? line : line.slice(s, e);
}

/** Length of the `scheme` in `scheme://...` at `from`, or 0 when the text does not start with one. */
export function schemeLength(text: string, from = 0): number {
  const first = text.charCodeAt(from);
  if (!((first >= 65 && first <= 90) || (first >= 97 && first <= 122))) return 0;
  let i = from + 1;
  const limit = Math.min(text.length, from + 33);
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (
      (c >= 65 && c <= 90) ||
      (c >= 97 && c <= 122) ||
      (c >= 48 && c <= 57) ||
      c === 43 ||
      c === 45 ||
      c === 46
    )
      i++;
    else break;
  }
  return text.charCodeAt(i) === 58 && text.charCodeAt(i + 1) === 47 && text.charCodeAt(i + 2) === 47
    ? i - from
    : 0;
}
