import { isIPv4, isIPv6 } from 'node:net';

/**
 * The network a server lives in, for "every config points at one host or network": an IPv4
 * address counts by its /24, an IPv6 address by its /48 (one site), a domain by itself (its
 * addresses are not known without resolving, which a pure function does not do).
 */
export function networkOf(server: string): string {
  const host = server.toLowerCase().replace(/^\[|\]$/g, '');
  if (isIPv4(host)) {
    const [a, b, c] = host.split('.');
    return `${a}.${b}.${c}.0/24`;
  }
  if (isIPv6(host)) {
    const groups = expandIPv6(host);
    if (groups !== undefined) return `${groups.slice(0, 3).join(':')}::/48`;
  }
  return host;
}

/** The eight 16-bit groups of an IPv6 address (hex, no leading zeros), IPv4-embedded forms included. */
function expandIPv6(address: string): string[] | undefined {
  let text = address.split('%')[0] ?? address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1] !== undefined) {
    const parts = v4[1].split('.').map(Number);
    const hi = (((parts[0] ?? 0) << 8) | (parts[1] ?? 0)).toString(16);
    const lo = (((parts[2] ?? 0) << 8) | (parts[3] ?? 0)).toString(16);
    text = `${text.slice(0, -v4[1].length)}${hi}:${lo}`;
  }
  const [head, tail] = text.split('::');
  const left = head === undefined || head === '' ? [] : head.split(':');
  const right = tail === undefined ? undefined : tail === '' ? [] : tail.split(':');
  const groups =
    right === undefined
      ? left
      : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  if (groups.length !== 8) return undefined;
  return groups.map((g) => parseInt(g, 16).toString(16));
}
