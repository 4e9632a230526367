import { looksPercentEncoded, percentDecode } from '../../text/percent-decode.ts';

/**
 * Query parameters as real links need them (formats.md §1.4): split on `&`, then on the
 * FIRST `=` (base64 and raw JSON values contain `=`), keys case-insensitive, first value
 * wins, values percent-decoded once on access, `+` kept.
 */
export interface QueryParams {
  /** Decoded value of the first of the keys present (keys lower-case). */
  get(a: string, b?: string, c?: string, d?: string, e?: string): string | undefined;
  /** Raw (undecoded) value. */
  raw(key: string): string | undefined;
  has(key: string): boolean;
  /** Keys that appeared more than once with different values. */
  readonly duplicates: readonly string[];
  keys(): IterableIterator<string>;
  /** False when no key of the group can be present (one bit test for the whole group). */
  mayHave(group: KeyGroup): boolean;
}

/** Keys asked for together, with their presence bits computed once (see keyBit). */
export interface KeyGroup {
  readonly bits: number;
}

/** A group for QueryParams.mayHave: lets a reader skip a family of rarely present keys at once. */
export function keyGroup(...keys: readonly string[]): KeyGroup {
  let bits = 0;
  for (const key of keys) bits |= keyBit(key);
  return { bits };
}

/**
 * One bit per (first character + length) class of the keys present. Readers ask for ~35
 * keys per link and a link carries ~8, so most asks are misses: the bit test answers them
 * without a search.
 */
function keyBit(key: string): number {
  return 1 << ((key.charCodeAt(0) + key.length) & 31);
}

/**
 * Keys and values in parallel arrays, searched linearly behind the bit mask. A link has a
 * handful of parameters; building a Map for them (hashing every key, growing the table
 * twice) cost more than the whole search. A class, not a closure factory: one is made per
 * link on the hot path (see diagnostic-sink.ts).
 */
class Params implements QueryParams {
  constructor(
    private readonly names: readonly string[],
    private readonly values: readonly string[],
    private readonly mask: number,
    readonly duplicates: readonly string[],
  ) {}

  private find(key: string): string | undefined {
    if ((this.mask & keyBit(key)) === 0) return undefined;
    const names = this.names;
    for (let i = 0; i < names.length; i++) if (names[i] === key) return this.values[i];
    return undefined;
  }

  // Positional alternatives instead of a rest array: this runs ~35 times per link.
  get(a: string, b?: string, c?: string, d?: string, e?: string): string | undefined {
    let v = this.find(a);
    if (v === undefined && b !== undefined) {
      v = this.find(b);
      if (v === undefined && c !== undefined) {
        v = this.find(c);
        if (v === undefined && d !== undefined) {
          v = this.find(d);
          if (v === undefined && e !== undefined) v = this.find(e);
        }
      }
    }
    return v === undefined ? undefined : percentDecode(v);
  }

  raw(key: string): string | undefined {
    return this.find(key);
  }

  has(key: string): boolean {
    return this.find(key) !== undefined;
  }

  keys(): IterableIterator<string> {
    return this.names.values();
  }

  mayHave(group: KeyGroup): boolean {
    return (this.mask & group.bits) !== 0;
  }
}

const NO_DUPLICATES: readonly string[] = Object.freeze([]);
const EMPTY: QueryParams = new Params([], [], 0, NO_DUPLICATES);

/** Lower-case and trim a key, allocating only when it is not already in that form. */
function normaliseKey(key: string): string {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a) || c <= 0x20 || c > 0x7e) return key.trim().toLowerCase();
  }
  return key;
}

export function parseQuery(query: string | undefined): QueryParams {
  if (query === undefined || query === '') return EMPTY;
  const names: string[] = [];
  const values: string[] = [];
  let mask = 0;
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
      key = normaliseKey(key);
      if (key !== '') {
        const bit = keyBit(key);
        // First value wins; a key whose bit is not set yet cannot be there already.
        const at = (mask & bit) === 0 ? -1 : names.indexOf(key);
        if (at === -1) {
          names.push(key);
          values.push(value);
          mask |= bit;
        } else if (values[at] !== value) (duplicates ??= []).push(key);
      }
    }
    start = end + 1;
  }
  return new Params(names, values, mask, duplicates ?? NO_DUPLICATES);
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
  if (
    decodedOnce.indexOf('%') !== -1 &&
    decodedOnce.indexOf('/') === -1 &&
    looksPercentEncoded(decodedOnce)
  ) {
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
