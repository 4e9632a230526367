/**
 * Lenient percent-decoding for share-link components. Valid `%XX` sequences that form
 * UTF-8 are decoded; anything else (a truncated `%2`, `%ZZ`, bytes that are not UTF-8)
 * is kept literally. `+` is never turned into a space: passwords, base64 keys and names
 * carry literal `+` (v2rayN keeps it; Go form decoding does not, and breaks them).
 */
export function percentDecode(text: string): string {
  if (text.indexOf('%') === -1) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return percentDecodeSlow(text);
  }
}

/** True when the text still carries a percent-escape for a URL delimiter after one decode. */
export function looksPercentEncoded(text: string): boolean {
  let i = text.indexOf('%');
  while (i !== -1 && i + 2 < text.length) {
    const a = text.charCodeAt(i + 1);
    const b = text.charCodeAt(i + 2) | 0x20;
    // %2F %3F %3D %40 %26 %23 %3A %25: delimiters that a second encoding pass hides.
    if (
      (a === 0x32 && (b === 0x66 || b === 0x36 || b === 0x33 || b === 0x35)) ||
      (a === 0x33 && (b === 0x66 || b === 0x64 || b === 0x61)) ||
      (a === 0x34 && b === 0x30)
    ) {
      return true;
    }
    i = text.indexOf('%', i + 1);
  }
  return false;
}

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function byteAt(text: string, i: number): number {
  if (i + 2 >= text.length || text.charCodeAt(i) !== 0x25) return -1;
  const hi = hexValue(text.charCodeAt(i + 1));
  const lo = hexValue(text.charCodeAt(i + 2));
  return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
}

function percentDecodeSlow(text: string): string {
  let out = '';
  let i = 0;
  const n = text.length;
  while (i < n) {
    const first = byteAt(text, i);
    if (first < 0) {
      out += text[i];
      i += 1;
      continue;
    }
    let need: number;
    let cp: number;
    if (first < 0x80) {
      out += String.fromCharCode(first);
      i += 3;
      continue;
    } else if (first >= 0xc2 && first <= 0xdf) {
      need = 1;
      cp = first & 0x1f;
    } else if (first >= 0xe0 && first <= 0xef) {
      need = 2;
      cp = first & 0x0f;
    } else if (first >= 0xf0 && first <= 0xf4) {
      need = 3;
      cp = first & 0x07;
    } else {
      out += text.slice(i, i + 3);
      i += 3;
      continue;
    }
    let j = i + 3;
    let ok = true;
    for (let k = 0; k < need; k++) {
      const b = byteAt(text, j);
      if (b < 0x80 || b > 0xbf) {
        ok = false;
        break;
      }
      cp = (cp << 6) | (b & 0x3f);
      j += 3;
    }
    // Reject overlong forms and surrogates like decodeURIComponent does.
    if (
      ok &&
      ((need === 2 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
        (need === 3 && (cp < 0x10000 || cp > 0x10ffff)))
    ) {
      ok = false;
    }
    if (ok) {
      out += String.fromCodePoint(cp);
      i = j;
    } else {
      out += text.slice(i, i + 3);
      i += 3;
    }
  }
  return out;
}
