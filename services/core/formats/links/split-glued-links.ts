import { isBase64Char } from '../../text/base64.ts';
import { knownSchemeNames } from './schemes.ts';

// http(s):// shows up in names and paths as plain web addresses ("#join https://t.me/x");
// splitting there would invent proxies, so glued links are only split at proxy schemes.
const SPLIT_SCHEMES = knownSchemeNames().filter((s) => s !== 'http' && s !== 'https');

/** The start of the longest known scheme name that ends right before `://` at `sep`, or -1. */
function schemeStart(line: string, sep: number, floor: number): number {
  for (const name of SPLIT_SCHEMES) {
    const s = sep - name.length;
    if (s < floor) continue;
    let match = true;
    for (let i = 0; i < name.length; i++) {
      if (
        (line.charCodeAt(s + i) | 0x20) !== name.charCodeAt(i) &&
        line.charCodeAt(s + i) !== name.charCodeAt(i)
      ) {
        match = false;
        break;
      }
    }
    if (match) return s;
  }
  return -1;
}

function allBase64(line: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = line.charCodeAt(i);
    if (!isBase64Char(c) && c !== 0x3d) return false;
  }
  return to > from;
}

/**
 * Split links a scraper glued together on one line (V11 `…fQ==vless://…`, V30
 * `…#@V2rayNG3trojan://…`). A known `scheme://` starts a new link only where it cannot
 * belong to the current one: inside its fragment, right after a whole-base64 body, or
 * after whitespace / `|` (space- and pipe-separated lists). `://` inside userinfo or query
 * (`hysteria2://https://x@host`, `path=/https://…`) never splits. Returns [line] when not glued.
 */
export function splitGluedLinks(line: string): readonly string[] {
  const first = line.indexOf('://');
  if (first === -1) return [line];
  let next = line.indexOf('://', first + 3);
  if (next === -1) return [line];
  const out: string[] = [];
  let start = 0;
  let bodyStart = first + 3;
  while (next !== -1) {
    const s = schemeStart(line, next, bodyStart);
    if (s !== -1) {
      const hash = line.indexOf('#', bodyStart);
      const prev = line.charCodeAt(s - 1);
      // `A -> B` is a hiddify detour chain (V57), one entry that parseLink reports as such.
      const chained = s >= 4 && line.startsWith(' -> ', s - 4);
      const split =
        !chained &&
        ((hash !== -1 && hash < s) ||
          prev === 0x20 ||
          prev === 0x09 ||
          prev === 0x7c ||
          allBase64(line, bodyStart, s));
      if (split) {
        const piece = line.slice(start, s).trim();
        if (piece !== '') out.push(piece);
        start = s;
        bodyStart = next + 3;
      }
    }
    next = line.indexOf('://', next + 3);
  }
  const last = line.slice(start).trim();
  if (last !== '') out.push(last);
  if (out.length < 2) return [line];
  // Pipe-separated lists leave a trailing `|` on each piece but the last.
  return out.map((p, i) => (i < out.length - 1 && p.endsWith('|') ? p.slice(0, -1).trimEnd() : p));
}
