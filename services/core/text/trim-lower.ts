/**
 * `s.trim().toLowerCase()` without its two copies when `s` is already trimmed lower-case
 * ASCII (the common spelling of enum-like link values: `tcp`, `reality`, `chrome`): parsers
 * run this a dozen times per link. Anything else (upper case, edge whitespace, non-ASCII)
 * takes the original expression, so the result is always the same.
 */
export function trimLower(s: string): string {
  const n = s.length;
  if (n === 0) return s;
  if (s.charCodeAt(0) <= 0x20 || s.charCodeAt(n - 1) <= 0x20) return s.trim().toLowerCase();
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c > 0x7e) return s.trim().toLowerCase();
  }
  return s;
}
