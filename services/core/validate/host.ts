import { domainToASCII } from 'node:url';

/** What a server / SNI string turned out to be after normalisation. */
export const HOST_KINDS = { ipv4: 'ipv4', ipv6: 'ipv6', domain: 'domain' } as const;
export type HostKind = (typeof HOST_KINDS)[keyof typeof HOST_KINDS];

export interface NormalisedHost {
  /** Lower-cased domain (punycode for IDN, no trailing dot), dotted-quad IPv4, or bare IPv6. */
  readonly host: string;
  readonly kind: HostKind;
  /** IPv4 as a 32-bit unsigned number, or IPv6 as eight 16-bit groups. */
  readonly v4?: number;
  readonly v6?: readonly number[];
}

export const MAX_HOST_LENGTH = 253;

/** Parse a canonical dotted-quad IPv4 (no leading zeros); -1 when it is not one. */
export function parseIpv4(text: string): number {
  let value = 0;
  let parts = 0;
  let digits = 0;
  let part = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || part > 255) return -1;
      value = value * 256 + part;
      parts += 1;
      part = 0;
      digits = 0;
      continue;
    }
    if (c < 0x30 || c > 0x39) return -1;
    // A leading zero makes inet_aton read octal: ambiguous, so not canonical.
    if (digits === 1 && part === 0) return -1;
    part = part * 10 + (c - 0x30);
    digits += 1;
    if (digits > 3) return -1;
  }
  return parts === 4 ? value >>> 0 : -1;
}

/** Parse an IPv6 literal (optionally with an embedded IPv4 tail) into 8 groups. */
export function parseIpv6(text: string): number[] | undefined {
  if (text.length < 2 || text.length > 45) return undefined;
  const zone = text.indexOf('%');
  if (zone !== -1) return undefined;
  const groups: number[] = [];
  let gap = -1;
  let i = 0;
  const n = text.length;
  if (text.startsWith('::')) {
    gap = 0;
    i = 2;
    if (n === 2) return [0, 0, 0, 0, 0, 0, 0, 0];
  } else if (text.charCodeAt(0) === 0x3a) {
    return undefined;
  }
  while (i < n) {
    // Embedded IPv4 tail (::ffff:1.2.3.4).
    let j = i;
    let value = 0;
    let hexDigits = 0;
    while (j < n) {
      const c = text.charCodeAt(j);
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x57;
      else break;
      value = (value << 4) | d;
      hexDigits += 1;
      j += 1;
    }
    if (j < n && text.charCodeAt(j) === 0x2e) {
      const v4 = parseIpv4(text.slice(i));
      if (v4 < 0 || groups.length > 6) return undefined;
      groups.push(v4 >>> 16, v4 & 0xffff);
      i = n;
      break;
    }
    if (hexDigits === 0 || hexDigits > 4) return undefined;
    groups.push(value);
    i = j;
    if (i === n) break;
    if (text.charCodeAt(i) !== 0x3a) return undefined;
    i += 1;
    if (i < n && text.charCodeAt(i) === 0x3a) {
      if (gap !== -1) return undefined;
      gap = groups.length;
      i += 1;
      if (i === n) break;
    } else if (i === n) {
      return undefined;
    }
  }
  if (gap === -1) return groups.length === 8 ? groups : undefined;
  if (groups.length > 7) return undefined;
  const fill = 8 - groups.length;
  const out = groups.slice(0, gap);
  for (let k = 0; k < fill; k++) out.push(0);
  for (let k = gap; k < groups.length; k++) out.push(groups[k] ?? 0);
  return out;
}

/** RFC 5952 text form (lower-case, longest zero run compressed) — for identity keys. */
export function formatIpv6(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

const PLAIN_DOMAIN = /^(?:[a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}$/;

const SCAN_INVALID = -1;
const SCAN_OK = 0;
const SCAN_UPPER = 1;
const SCAN_NON_ASCII = 2;

/**
 * One pass over a would-be domain (no trailing dot): label syntax (letters, digits, `-`,
 * `_`; 1-63 chars), total length, and whether it needs lower-casing or IDN conversion.
 * A numeric or hex top label is an IPv4 in disguise for inet_aton (127.1, 0x7f.1,
 * 2130706433): never a domain, and not a canonical address either.
 */
function scanDomain(host: string): number {
  const n = host.length;
  if (n === 0 || n > MAX_HOST_LENGTH) return SCAN_INVALID;
  // Fast path (the regex engine outruns the loop below): an already lower-case ASCII name
  // with valid labels whose top label starts with a non-digit (so it can be neither numeric
  // nor 0x-hex) is OK; anything else takes the loop.
  if (PLAIN_DOMAIN.test(host)) {
    const top = host.charCodeAt(host.lastIndexOf('.') + 1);
    if (top < 0x30 || top > 0x39) return SCAN_OK;
  }
  let result = SCAN_OK;
  let labelLen = 0;
  let allDigits = true;
  let hexish = true;
  for (let i = 0; i < n; i++) {
    const c = host.charCodeAt(i);
    if (c === 0x2e) {
      if (labelLen === 0) return SCAN_INVALID;
      labelLen = 0;
      allDigits = true;
      hexish = true;
      continue;
    }
    if (c > 0x7e) return SCAN_NON_ASCII;
    const isDigit = c >= 0x30 && c <= 0x39;
    if (c >= 0x41 && c <= 0x5a) result = SCAN_UPPER;
    else if (!isDigit && !(c >= 0x61 && c <= 0x7a) && c !== 0x2d && c !== 0x5f) return SCAN_INVALID;
    if (!isDigit) allDigits = false;
    const lower = c | 0x20;
    if (labelLen === 0) hexish = c === 0x30;
    else if (labelLen === 1) hexish = hexish && lower === 0x78;
    else hexish = hexish && (isDigit || (lower >= 0x61 && lower <= 0x66));
    labelLen += 1;
    if (labelLen > 63) return SCAN_INVALID;
  }
  if (labelLen === 0 || allDigits || (hexish && labelLen >= 2)) return SCAN_INVALID;
  return result;
}

/**
 * Normalise a host as found in a link or entry: trim, strip IPv6 brackets, lower-case,
 * IDN to punycode, drop one trailing dot. Undefined when it is not a valid host.
 */
export function normaliseHost(raw: string): NormalisedHost | undefined {
  let text = raw.trim();
  if (text.length === 0 || text.length > 300) return undefined;
  if (text.charCodeAt(0) === 0x5b) {
    if (text.charCodeAt(text.length - 1) !== 0x5d) return undefined;
    text = text.slice(1, -1);
    const v6 = parseIpv6(text);
    return v6 === undefined ? undefined : { host: text.toLowerCase(), kind: 'ipv6', v6 };
  }
  if (text.indexOf(':') !== -1) {
    const v6 = parseIpv6(text);
    return v6 === undefined ? undefined : { host: text.toLowerCase(), kind: 'ipv6', v6 };
  }
  const first = text.charCodeAt(0);
  if (first >= 0x30 && first <= 0x39) {
    const v4 = parseIpv4(text);
    if (v4 >= 0) return { host: text, kind: 'ipv4', v4 };
  }
  if (text.charCodeAt(text.length - 1) === 0x2e) text = text.slice(0, -1);
  const scan = scanDomain(text);
  if (scan === SCAN_OK) return { host: text, kind: 'domain' };
  if (scan === SCAN_UPPER) return { host: text.toLowerCase(), kind: 'domain' };
  if (scan === SCAN_INVALID) return undefined;
  const ascii = domainToASCII(text.toLowerCase());
  return ascii !== '' && scanDomain(ascii) === SCAN_OK ? { host: ascii, kind: 'domain' } : undefined;
}
