/**
 * Whole-body base64 (v2rayN / Shadowrocket subscriptions): std or url-safe alphabet, padded
 * or not, MIME-wrapped, CRLF inside. Only a body made of nothing but that alphabet and
 * whitespace is a candidate; what it decodes to must be UTF-8 text.
 */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function isBase64Char(c: number): boolean {
  return (
    (c >= 65 && c <= 90) ||
    (c >= 97 && c <= 122) ||
    (c >= 48 && c <= 57) ||
    c === 43 ||
    c === 47 ||
    c === 45 ||
    c === 95
  );
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 0xfeff;
}

/** The body without whitespace when it is only base64 characters (padding at the end only). */
export function compactBase64(text: string): string | undefined {
  return scanBase64(text, true);
}

/** compactBase64(text) !== undefined, without building the compact text (body detection). */
export function isBase64Body(text: string): boolean {
  return scanBase64(text, false) !== undefined;
}

/** A body of only base64 characters, `=` and line breaks: the common case, decided by regex. */
const PLAIN_BASE64 = /^[A-Za-z0-9+/_=\r\n-]*$/;

function scanBase64(text: string, build: boolean): string | undefined {
  // The regex engine scans several times faster than a charCodeAt loop; without spaces the
  // line-edge rule below has nothing to check, and the compact text is the text minus breaks.
  if (PLAIN_BASE64.test(text)) {
    const compact =
      text.indexOf('\n') === -1 && text.indexOf('\r') === -1 ? text : text.replace(/[\r\n]+/g, '');
    let padding = 0;
    for (let i = compact.indexOf('='); i !== -1; i = compact.indexOf('=', i + 1)) padding++;
    const data = compact.length - padding;
    if (data < 4 || padding > data) return undefined;
    return build ? compact : '';
  }
  let out = '';
  let start = 0;
  let data = 0;
  let padding = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      // Spaces only at the edges of lines (MIME wraps break lines, never words): "a b c" is text.
      if ((c === 32 || c === 9) && data > 0) {
        let j = i + 1;
        while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
        if (j < text.length && text.charCodeAt(j) !== 10 && text.charCodeAt(j) !== 13) return undefined;
      }
      if (build && i > start) out += text.slice(start, i);
      start = i + 1;
      continue;
    }
    if (c === 61 /* = */) {
      padding++;
      // `=` only as trailing padding (some bodies are several padded chunks joined: allow it per line).
      continue;
    }
    if (!isBase64Char(c)) return undefined;
    data++;
  }
  if (build && start < text.length) out += text.slice(start);
  if (data < 4 || padding > data) return undefined;
  return out;
}

/** Decode base64 (either alphabet, any padding) to UTF-8 text; undefined when not text. */
export function decodeBase64Body(b64: string): string | undefined {
  const compact = compactBase64(b64);
  if (compact === undefined) return undefined;
  // Chunks joined after their own padding (`...==abc`) decode piecewise.
  const chunks = compact.includes('=') ? compact.split(/=+/).filter((c) => c !== '') : [compact];
  try {
    let text = '';
    for (const chunk of chunks) {
      if (chunk.length % 4 === 1) return undefined;
      text += UTF8.decode(Buffer.from(chunk, 'base64'));
    }
    return text;
  } catch {
    return undefined;
  }
}
