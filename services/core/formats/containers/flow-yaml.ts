/**
 * A fast reader for the one YAML shape generators print for Clash proxies: a block sequence
 * item holding a single-line flow mapping, `  - {name: a, port: 443, ws-opts: {path: /}}`.
 * The general YAML library needs ~150 µs per such line; this needs ~2. It yields exactly
 * what the library yields with the failsafe schema plus null (every scalar a string, `null`
 * / `~` / empty as null, last duplicate key wins) and returns undefined for anything it
 * does not fully understand (anchors, aliases, tags, merge keys, unusual escapes,
 * trailing text), so the caller falls back to the library.
 */

const NOT_MINE = Symbol('not-mine');
type Parsed = string | null | Parsed[] | { [key: string]: Parsed };

class Cursor {
  i = 0;
  constructor(readonly s: string) {}
  peek(): number {
    return this.s.charCodeAt(this.i);
  }
  skipSpaces(): void {
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c === 32 || c === 9) this.i++;
      else break;
    }
  }
}

/** `  - {…}` (optionally followed by spaces or a ` # comment`) → the mapping, or undefined. */
export function parseFlowItem(line: string): Record<string, unknown> | undefined {
  const cur = new Cursor(line);
  cur.skipSpaces();
  if (cur.peek() !== 45 /* - */) return undefined;
  cur.i++;
  if (cur.peek() !== 32) return undefined;
  cur.skipSpaces();
  if (cur.peek() !== 123 /* { */) return undefined;
  const value = flowMap(cur);
  if (value === NOT_MINE) return undefined;
  cur.skipSpaces();
  if (cur.i < line.length && !(line.charCodeAt(cur.i) === 35 && line.charCodeAt(cur.i - 1) === 32))
    return undefined;
  return value as Record<string, unknown>;
}

function flowMap(cur: Cursor): Parsed | typeof NOT_MINE {
  cur.i++; // {
  const out: { [key: string]: Parsed } = {};
  cur.skipSpaces();
  if (cur.peek() === 125 /* } */) {
    cur.i++;
    return out;
  }
  for (;;) {
    cur.skipSpaces();
    const key = scalar(cur, true);
    if (key === NOT_MINE || key === null || key === '<<') return NOT_MINE;
    cur.skipSpaces();
    if (cur.peek() !== 58 /* : */) return NOT_MINE;
    cur.i++;
    const after = cur.peek();
    // `key:value` and `key:}` read differently across YAML versions: leave them to the library.
    if (after !== 32 && after !== 9) return NOT_MINE;
    cur.skipSpaces();
    const c = cur.peek();
    let value: Parsed | typeof NOT_MINE;
    if (c === 44 || c === 125) value = null;
    else value = node(cur);
    if (value === NOT_MINE) return NOT_MINE;
    // Own property even for `__proto__`: the library builds plain objects the same way.
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    cur.skipSpaces();
    const sep = cur.peek();
    cur.i++;
    if (sep === 125) return out;
    if (sep !== 44) return NOT_MINE;
    cur.skipSpaces();
    if (cur.peek() === 125) {
      cur.i++;
      return out;
    }
  }
}

function flowSeq(cur: Cursor): Parsed | typeof NOT_MINE {
  cur.i++; // [
  const out: Parsed[] = [];
  cur.skipSpaces();
  if (cur.peek() === 93 /* ] */) {
    cur.i++;
    return out;
  }
  for (;;) {
    cur.skipSpaces();
    const value = node(cur);
    if (value === NOT_MINE) return NOT_MINE;
    out.push(value);
    cur.skipSpaces();
    const sep = cur.peek();
    cur.i++;
    if (sep === 93) return out;
    if (sep !== 44) return NOT_MINE;
    cur.skipSpaces();
    if (cur.peek() === 93) {
      cur.i++;
      return out;
    }
  }
}

function node(cur: Cursor): Parsed | typeof NOT_MINE {
  const c = cur.peek();
  if (c === 123) return flowMap(cur);
  if (c === 91) return flowSeq(cur);
  return scalar(cur, false);
}

/** Indicators that may not start a plain scalar (or that we leave to the library). */
function badPlainStart(c: number, next: number): boolean {
  switch (c) {
    case 44: // ,
    case 91: // [
    case 93: // ]
    case 123: // {
    case 125: // }
    case 35: // #
    case 38: // &
    case 42: // *
    case 33: // !
    case 124: // |
    case 62: // >
    case 37: // %
    case 64: // @
    case 96: // `
      return true;
    case 45: // -
    case 63: // ?
    case 58: // :
      return (
        next === 32 ||
        next === 9 ||
        Number.isNaN(next) ||
        next === 44 ||
        next === 91 ||
        next === 93 ||
        next === 123 ||
        next === 125
      );
    default:
      return Number.isNaN(c);
  }
}

function scalar(cur: Cursor, isKey: boolean): string | null | typeof NOT_MINE {
  const s = cur.s;
  const c = cur.peek();
  if (c === 34 /* " */) return doubleQuoted(cur);
  if (c === 39 /* ' */) return singleQuoted(cur);
  if (badPlainStart(c, s.charCodeAt(cur.i + 1))) return NOT_MINE;
  const start = cur.i;
  let end = start;
  while (cur.i < s.length) {
    const ch = s.charCodeAt(cur.i);
    if (ch === 44 || ch === 91 || ch === 93 || ch === 123 || ch === 125) break;
    if (ch === 58 /* : */) {
      const n = s.charCodeAt(cur.i + 1);
      if (
        n === 32 ||
        n === 9 ||
        n === 44 ||
        n === 91 ||
        n === 93 ||
        n === 123 ||
        n === 125 ||
        Number.isNaN(n)
      )
        break;
    }
    if (ch === 35 /* # */ && (s.charCodeAt(cur.i - 1) === 32 || s.charCodeAt(cur.i - 1) === 9))
      return NOT_MINE;
    if (ch < 32 && ch !== 9) return NOT_MINE;
    cur.i++;
    if (ch !== 32 && ch !== 9) end = cur.i;
  }
  const text = s.slice(start, end);
  if (!isKey && (text === 'null' || text === 'Null' || text === 'NULL' || text === '~')) return null;
  if (isKey && (text === 'null' || text === 'Null' || text === 'NULL' || text === '~')) return NOT_MINE;
  return text;
}

function singleQuoted(cur: Cursor): string | typeof NOT_MINE {
  const s = cur.s;
  let out = '';
  let i = cur.i + 1;
  for (;;) {
    const q = s.indexOf("'", i);
    if (q < 0) return NOT_MINE;
    out += s.slice(i, q);
    if (s.charCodeAt(q + 1) === 39) {
      out += "'";
      i = q + 2;
      continue;
    }
    cur.i = q + 1;
    return out;
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\x85',
  _: '\xa0',
  L: '\u2028',
  P: '\u2029',
};

function doubleQuoted(cur: Cursor): string | typeof NOT_MINE {
  const s = cur.s;
  let out = '';
  let i = cur.i + 1;
  let run = i;
  while (i < s.length) {
    const ch = s.charCodeAt(i);
    if (ch === 34) {
      out += s.slice(run, i);
      cur.i = i + 1;
      return out;
    }
    if (ch !== 92 /* \ */) {
      i++;
      continue;
    }
    out += s.slice(run, i);
    const e = s[i + 1];
    if (e === undefined) return NOT_MINE;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      out += simple;
      i += 2;
    } else {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      const hex = s.slice(i + 2, i + 2 + len);
      if (len === 0 || !/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) return NOT_MINE;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff) return NOT_MINE;
      out += String.fromCodePoint(code);
      i += 2 + len;
    }
    run = i;
  }
  return NOT_MINE;
}
