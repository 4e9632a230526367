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

// BMP ranges whose characters are all NFC-stable on their own (Quick_Check=Yes, canonical
// combining class 0): a name made only of these (and ASCII, and emoji) is already NFC, so
// the comparatively costly normalize() call is skipped. Anything else takes the slow path.
const NFC_STABLE: readonly number[] = [
  0x0080,
  0x02ff, // Latin-1, Latin Extended, IPA, spacing modifiers
  0x0400,
  0x0482,
  0x048a,
  0x052f, // Cyrillic letters
  0x0600,
  0x060f,
  0x061b,
  0x064a,
  0x0660,
  0x066f,
  0x0671,
  0x06d5,
  0x06ee,
  0x06ff, // Arabic letters, digits
  0x2002,
  0x20cf, // spaces (not 2000/2001), ZWNJ/ZWJ, punctuation, currency
  0x2100,
  0x2125,
  0x2127,
  0x2129,
  0x212c,
  0x2328,
  0x232b,
  0x2adb,
  0x2add,
  0x2bff, // symbols, arrows
  0x3000,
  0x3029,
  0x3030,
  0x3098,
  0x309b,
  0x9fff, // CJK punctuation, kana, CJK ideographs
  0xac00,
  0xd7a3, // Hangul syllables
  0xfe00,
  0xfe1f,
  0xff00,
  0xffef, // variation selectors, fullwidth forms
];

function isNfcStable(c: number): boolean {
  for (let i = 0; i < NFC_STABLE.length; i += 2) {
    if (c < (NFC_STABLE[i] ?? 0)) return false;
    if (c <= (NFC_STABLE[i + 1] ?? 0)) return true;
  }
  return false;
}

/**
 * NFC-normalise, strip control/bidi/invisible characters and lone surrogates, trim and
 * bound the length (never splitting a surrogate pair). Never throws.
 */
export function cleanName(raw: string): CleanedName {
  let name: string;
  let stripped = false;
  let plain = true;
  let stable = true;
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
        // Emoji planes (U+1F000-1FBFF) are NFC-stable; other astral blocks hold combining marks.
        if (c < 0xd83c || c > 0xd83e) stable = false;
        i += 1;
        continue;
      }
      drop = true;
    }
    if (drop) {
      out += raw.slice(from, i);
      from = i + 1;
      stripped = true;
    } else if (stable && !isNfcStable(c)) {
      stable = false;
    }
  }
  if (plain) {
    name = raw.trim();
  } else {
    if (from > 0) out += raw.slice(from);
    const kept = from === 0 ? raw : out;
    name = (stable ? kept : kept.normalize('NFC')).trim();
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
