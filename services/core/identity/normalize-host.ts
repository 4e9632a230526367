import { domainToASCII } from 'node:url';

/**
 * The form of a host used for identity: no brackets, lower case, no trailing root dot,
 * IDN as punycode, IPv6 in RFC 5952 form, IPv4-mapped IPv6 as dotted IPv4 (a client
 * connecting to ::ffff:1.2.3.4 reaches 1.2.3.4). Never throws: input that is not a
 * valid address is only trimmed and lower-cased, so garbage still hashes stably.
 */
export function normalizeHost(raw: string): string {
  // Validated servers are already in this form (lower-case ASCII name or dotted IPv4): one
  // scan instead of trim/lower-case/IDN copies, on the once-per-fingerprint path.
  if (isPlainName(raw)) return raw;
  let host = raw.trim();
  if (
    host.length > 1 &&
    host.charCodeAt(0) === 0x5b /* [ */ &&
    host.charCodeAt(host.length - 1) === 0x5d /* ] */
  ) {
    host = host.slice(1, -1);
  }
  if (host.includes(':')) return normalizeIpv6(host) ?? host.toLowerCase();
  host = host.toLowerCase();
  if (host.length > 1 && host.endsWith('.')) host = host.slice(0, -1);
  if (!isAscii(host)) {
    const ascii = domainToASCII(host);
    if (ascii !== '') host = ascii;
  }
  return host;
}

/** Lower-case letters, digits, `-`, `_` and dots, not ending in a dot: nothing the slow path would change. */
const PLAIN_NAME = /^[a-z0-9._-]*[a-z0-9_-]$/;

function isPlainName(text: string): boolean {
  return PLAIN_NAME.test(text);
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** RFC 5952 text of an IPv6 address, or undefined when `text` is not one. */
export function normalizeIpv6(text: string): string | undefined {
  let zone = '';
  const percent = text.indexOf('%');
  let address = text;
  if (percent >= 0) {
    zone = text.slice(percent).toLowerCase();
    address = text.slice(0, percent);
  }
  const groups = parseIpv6Groups(address);
  if (groups === undefined) return undefined;
  if (
    zone === '' &&
    groups[0] === 0 &&
    groups[1] === 0 &&
    groups[2] === 0 &&
    groups[3] === 0 &&
    groups[4] === 0 &&
    groups[5] === 0xffff
  ) {
    const hi = groups[6] ?? 0;
    const lo = groups[7] ?? 0;
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return formatIpv6(groups) + zone;
}

function parseIpv6Groups(address: string): number[] | undefined {
  if (address.length < 2 || address.length > 45) return undefined;
  const doubleColon = address.indexOf('::');
  if (doubleColon >= 0 && address.indexOf('::', doubleColon + 1) >= 0) return undefined;
  const headText = doubleColon >= 0 ? address.slice(0, doubleColon) : address;
  const tailText = doubleColon >= 0 ? address.slice(doubleColon + 2) : '';
  const head = parseGroupList(headText, doubleColon < 0);
  const tail = doubleColon >= 0 ? parseGroupList(tailText, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const total = head.length + tail.length;
  if (doubleColon >= 0 ? total > 7 : total !== 8) return undefined;
  const zeros: number[] = new Array<number>(8 - total).fill(0);
  return [...head, ...zeros, ...tail];
}

/** Colon-separated hex groups; the last may be a dotted IPv4 (two groups) when allowed. */
function parseGroupList(text: string, allowIpv4Tail: boolean): number[] | undefined {
  if (text === '') return [];
  const parts = text.split(':');
  const groups: number[] = [];
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? '';
    if (i === parts.length - 1 && allowIpv4Tail && part.includes('.')) {
      const v4 = parseIpv4(part);
      if (v4 === undefined) return undefined;
      groups.push((v4 >>> 16) & 0xffff, v4 & 0xffff);
      continue;
    }
    if (part.length === 0 || part.length > 4) return undefined;
    let value = 0;
    for (let j = 0; j < part.length; j++) {
      const digit = hexDigit(part.charCodeAt(j));
      if (digit < 0) return undefined;
      value = value * 16 + digit;
    }
    groups.push(value);
  }
  return groups;
}

function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (part.length === 0 || part.length > 3) return undefined;
    let octet = 0;
    for (let j = 0; j < part.length; j++) {
      const c = part.charCodeAt(j) - 0x30;
      if (c < 0 || c > 9) return undefined;
      octet = octet * 10 + c;
    }
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x66) return code - 0x57;
  if (code >= 0x41 && code <= 0x46) return code - 0x37;
  return -1;
}

function formatIpv6(groups: readonly number[]): string {
  // RFC 5952 §4.2: compress the longest run (>= 2) of zero groups, the first one on ties.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}
