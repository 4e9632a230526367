/** Display names are bounded so one scraped name cannot blow up outputs or storage. */
export const MAX_NAME_LENGTH = 256;

export interface CleanedName {
  readonly name: string;
  /** Control, bidi or other invisible characters were removed. */
  readonly stripped: boolean;
  /** The name was cut to MAX_NAME_LENGTH. */
  readonly truncated: boolean;
}

// Characters that are invisible or reorder text and only ever mislead in a name:
// C0/C1 controls, DEL, zero-width space, bidi marks/embeddings/isolates, LS/PS, BOM,
// Mongolian vowel separator, word joiner and invisible operators. ZWJ (U+200D) and
// ZWNJ (U+200C) stay: emoji sequences and Persian text need them.
function isStripped(c: number): boolean {
  if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  if (c < 0x600) return false;
  return (
    c === 0x061c ||
    c === 0x180e ||
    c === 0x200b ||
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x2028 && c <= 0x202e) ||
    (c >= 0x2060 && c <= 0x2064) ||
    (c >= 0x2066 && c <= 0x2069) ||
    c === 0xfeff ||
    (c >= 0xfff9 && c <= 0xfffb)
  );
}

/**
 * NFC-normalise, strip control/bidi/invisible characters and lone surrogates, trim and
 * bound the length (never splitting a surrogate pair). Never throws.
 */
export function cleanName(raw: string): CleanedName {
  let name: string;
  let stripped = false;
  let plain = true;
  let out = '';
  let from = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x20 && c <= 0x7e) continue;
    plain = false;
    let drop = isStripped(c);
    if (!drop && c >= 0xd800 && c <= 0xdfff) {
      // Keep well-formed surrogate pairs, drop lone halves (invalid UTF-16, unencodable).
      const next = raw.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i += 1;
        continue;
      }
      drop = true;
    }
    if (drop) {
      out += raw.slice(from, i);
      from = i + 1;
      stripped = true;
    }
  }
  if (plain) {
    name = raw.trim();
  } else {
    if (from > 0) out += raw.slice(from);
    name = (from === 0 ? raw : out).normalize('NFC').trim();
  }
  let truncated = false;
  if (name.length > MAX_NAME_LENGTH) {
    let cut = MAX_NAME_LENGTH;
    const last = name.charCodeAt(cut - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut -= 1;
    name = name.slice(0, cut).trimEnd();
    truncated = true;
  }
  return { name, stripped, truncated };
}
