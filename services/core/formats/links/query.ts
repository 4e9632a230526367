import { looksPercentEncoded, percentDecode } from '../../text/percent-decode.ts';

/**
 * Query parameters as real links need them (formats.md §1.4): split on `&`, then on the
 * FIRST `=` (base64 and raw JSON values contain `=`), keys case-insensitive, first value
 * wins, values percent-decoded once on access, `+` kept.
 */
export interface QueryParams {
  /** Decoded value of the first of the keys present (keys lower-case). */
  get(...keys: string[]): string | undefined;
  /** Raw (undecoded) value. */
  raw(key: string): string | undefined;
  has(key: string): boolean;
  /** Keys that appeared more than once with different values. */
  readonly duplicates: readonly string[];
  keys(): IterableIterator<string>;
}

const EMPTY: QueryParams = {
  get: () => undefined,
  raw: () => undefined,
  has: () => false,
  duplicates: [],
  keys: () => [][Symbol.iterator](),
};

export function parseQuery(query: string | undefined): QueryParams {
  if (query === undefined || query === '') return EMPTY;
  const map = new Map<string, string>();
  let duplicates: string[] | undefined;
  let start = 0;
  const n = query.length;
  while (start <= n) {
    let end = query.indexOf('&', start);
    if (end === -1) end = n;
    if (end > start) {
      const eq = query.indexOf('=', start);
      let key: string;
      let value: string;
      if (eq === -1 || eq > end) {
        key = query.slice(start, end);
        value = '';
      } else {
        key = query.slice(start, eq);
        value = query.slice(eq + 1, end);
      }
      key = key.trim().toLowerCase();
      if (key !== '') {
        const prev = map.get(key);
        if (prev === undefined) map.set(key, value);
        else if (prev !== value) (duplicates ??= []).push(key);
      }
    }
    start = end + 1;
  }
  return {
    get(...keys: string[]) {
      for (const k of keys) {
        const v = map.get(k);
        if (v !== undefined) return percentDecode(v);
      }
      return undefined;
    },
    raw: (key) => map.get(key),
    has: (key) => map.has(key),
    duplicates: duplicates ?? [],
    keys: () => map.keys(),
  };
}

/** Query-string booleans: `1`/`true`/`yes`/`on` are true; anything else (incl. `0`, '') is false. */
export function parseBool(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === '1' || v === 'true' || v === 'yes' || v === 'on') return true;
  return false;
}

export interface DecodedPath {
  readonly value: string;
  readonly doubleEncoded: boolean;
}

/**
 * Paths decoded once; if what is left still hides URL delimiters (`%2F`, `%3F`, `%3D`)
 * and has no raw `/`, the generator encoded twice (v2rayN decodes twice): decode again.
 */
export function decodeTwiceIfNeeded(decodedOnce: string): DecodedPath {
  if (decodedOnce.indexOf('%') !== -1 && decodedOnce.indexOf('/') === -1 && looksPercentEncoded(decodedOnce)) {
    return { value: percentDecode(decodedOnce), doubleEncoded: true };
  }
  return { value: decodedOnce, doubleEncoded: false };
}

/** Comma list (ALPN, hosts): trimmed, empties dropped. */
export function splitList(value: string | undefined): string[] {
  if (value === undefined || value === '') return [];
  const out: string[] = [];
  for (const part of value.split(',')) {
    const t = part.trim();
    if (t !== '') out.push(t);
  }
  return out;
}
