/**
 * Lenient base64 as met in subscriptions: standard or url-safe alphabet, padded or not,
 * whitespace/CR/LF anywhere inside (pretty-printed vmess JSON, MIME wraps), `%3D` padding,
 * and scraper junk after the payload (`…fQ==\u200f⬅️`), which is cut at the first
 * character outside the alphabet.
 */

// 1: base64 alphabet (either variant), 2: whitespace, 0: anything else.
const CLASS = new Uint8Array(128);
for (let c = 0x41; c <= 0x5a; c++) CLASS[c] = 1;
for (let c = 0x61; c <= 0x7a; c++) CLASS[c] = 1;
for (let c = 0x30; c <= 0x39; c++) CLASS[c] = 1;
CLASS[0x2b] = 1; // +
CLASS[0x2f] = 1; // /
CLASS[0x2d] = 1; // -
CLASS[0x5f] = 1; // _
CLASS[0x20] = 2;
CLASS[0x09] = 2;
CLASS[0x0a] = 2;
CLASS[0x0d] = 2;

const NOT_ALPHABET = /[^A-Za-z0-9+/_-]/;

export function isBase64Char(code: number): boolean {
  return code < 128 && CLASS[code] === 1;
}

export interface Base64Decoded {
  readonly bytes: Uint8Array;
  /** Characters after the payload were cut (scraper junk). */
  readonly junkCut: boolean;
}

/**
 * Extract the base64 payload: skip whitespace, stop at padding or the first foreign
 * character. Returns the clean payload (no padding) and whether junk followed it.
 */
export function base64Payload(text: string): { payload: string; junkCut: boolean } {
  let clean = true;
  let end = text.length;
  let padStart = -1;
  // The alphabet run up to the first other character is found by the regex engine (several
  // times faster than this loop on a ~500-character vmess payload); the loop takes it from there.
  const first = text.search(NOT_ALPHABET);
  for (let i = first === -1 ? text.length : first; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const k = c < 128 ? CLASS[c] : 0;
    if (k === 1) continue;
    if (k === 2) {
      clean = false;
      continue;
    }
    if (c === 0x3d) {
      padStart = i;
      end = i;
      break;
    }
    if (c === 0x25 && text.charCodeAt(i + 1) === 0x33 && (text.charCodeAt(i + 2) | 0x20) === 0x64) {
      // %3D padding
      padStart = i;
      end = i;
      break;
    }
    end = i;
    break;
  }
  let junkCut = false;
  if (padStart >= 0) {
    // Consume the padding run (=, %3D, whitespace) and see whether anything else follows.
    let i = padStart;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x3d) i += 1;
      else if (c === 0x25 && text.charCodeAt(i + 1) === 0x33 && (text.charCodeAt(i + 2) | 0x20) === 0x64)
        i += 3;
      else if (c < 128 && CLASS[c] === 2) i += 1;
      else break;
    }
    junkCut = i < text.length;
  } else {
    junkCut = end < text.length;
  }
  let payload = end === text.length ? text : text.slice(0, end);
  if (!clean) payload = payload.replace(/[ \t\r\n]+/g, '');
  return { payload, junkCut };
}

/** Decode lenient base64 into bytes; undefined when nothing decodable is there. */
export function decodeBase64(text: string): Base64Decoded | undefined {
  const { payload, junkCut } = base64Payload(text);
  const rem = payload.length & 3;
  if (payload.length === 0 || rem === 1) return undefined;
  // Node's decoder accepts both alphabets and missing padding.
  const bytes = Buffer.from(payload, 'base64');
  return { bytes, junkCut };
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decode lenient base64 into UTF-8 text; undefined when it is not base64 or not UTF-8. */
export function decodeBase64Text(text: string): { text: string; junkCut: boolean } | undefined {
  const decoded = decodeBase64(text);
  if (decoded === undefined) return undefined;
  // Buffer's decoder is several times faster than a fatal TextDecoder; it marks invalid
  // UTF-8 with U+FFFD, and only then is the strict decoder asked to confirm.
  const out = (decoded.bytes as Buffer).toString('utf8');
  if (out.indexOf('\uFFFD') !== -1) {
    try {
      fatalUtf8.decode(decoded.bytes);
    } catch {
      return undefined;
    }
  }
  return { text: out.charCodeAt(0) === 0xfeff ? out.slice(1) : out, junkCut: decoded.junkCut };
}

/** Strict check for a whole string being base64 (either alphabet, optional padding). */
export function isStrictBase64(text: string): boolean {
  let n = text.length;
  while (n > 0 && text.charCodeAt(n - 1) === 0x3d) n -= 1;
  if (text.length - n > 2 || n === 0 || (n & 3) === 1) return false;
  return STRICT_BASE64.test(text);
}

/** Alphabet characters then the padding (whose count is checked above). */
const STRICT_BASE64 = /^[A-Za-z0-9+/_-]+=*$/;

/** Decoded byte length of a strict base64 string, or -1 when it is not base64. */
export function base64ByteLength(text: string): number {
  if (!isStrictBase64(text)) return -1;
  let n = text.length;
  while (n > 0 && text.charCodeAt(n - 1) === 0x3d) n -= 1;
  return Math.floor((n * 3) / 4);
}

/** Standard padded base64 of the bytes a lenient base64 string carries. */
export function toStandardBase64(text: string): string | undefined {
  if (!isStrictBase64(text)) return undefined;
  return Buffer.from(text, 'base64').toString('base64');
}

/** url-safe unpadded base64 (REALITY `pbk` form) of a lenient base64 string. */
export function toUrlSafeBase64(text: string): string | undefined {
  if (!isStrictBase64(text)) return undefined;
  return Buffer.from(text, 'base64').toString('base64url');
}
