import type { NormalisedHost } from './host.ts';

/** Why a server address is not a public Internet endpoint. */
export const ADDRESS_CLASSES = {
  public: 'public',
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  metadata: 'metadata',
  /** Never a usable server (unspecified, multicast, broadcast, class E). */
  unusable: 'unusable',
  /** Documentation / benchmarking / shared ranges: not routable on the Internet. */
  reserved: 'reserved',
} as const;
export type AddressClass = (typeof ADDRESS_CLASSES)[keyof typeof ADDRESS_CLASSES];

const ip4 = (a: number, b: number, c: number, d: number): number =>
  ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
const inNet = (v: number, net: number, bits: number): boolean =>
  bits === 0 ? true : v >>> (32 - bits) === net >>> (32 - bits);

// Cloud instance-metadata endpoints (AWS/GCP/Azure/OpenStack 169.254.169.254, Alibaba
// 100.100.100.200, Oracle 192.0.0.192, AWS IPv6 fd00:ec2::254).
const METADATA_V4 = [
  ip4(169, 254, 169, 254),
  ip4(100, 100, 100, 200),
  ip4(192, 0, 0, 192),
  ip4(169, 254, 170, 2),
];

export function classifyIpv4(v: number): AddressClass {
  if (METADATA_V4.includes(v)) return 'metadata';
  if (inNet(v, ip4(127, 0, 0, 0), 8)) return 'loopback';
  if (inNet(v, ip4(0, 0, 0, 0), 8) || inNet(v, ip4(224, 0, 0, 0), 3)) return 'unusable';
  if (
    inNet(v, ip4(10, 0, 0, 0), 8) ||
    inNet(v, ip4(172, 16, 0, 0), 12) ||
    inNet(v, ip4(192, 168, 0, 0), 16)
  ) {
    return 'private';
  }
  // CGNAT shared space: inside a carrier network, never a published server.
  if (inNet(v, ip4(100, 64, 0, 0), 10)) return 'private';
  if (inNet(v, ip4(169, 254, 0, 0), 16)) return 'link-local';
  if (
    inNet(v, ip4(192, 0, 0, 0), 24) ||
    inNet(v, ip4(192, 0, 2, 0), 24) ||
    inNet(v, ip4(198, 18, 0, 0), 15) ||
    inNet(v, ip4(198, 51, 100, 0), 24) ||
    inNet(v, ip4(203, 0, 113, 0), 24)
  ) {
    return 'reserved';
  }
  return 'public';
}

export function classifyIpv6(g: readonly number[]): AddressClass {
  const at = (i: number): number => g[i] ?? 0;
  const zeroPrefix = at(0) === 0 && at(1) === 0 && at(2) === 0 && at(3) === 0 && at(4) === 0;
  if (zeroPrefix && at(5) === 0 && at(6) === 0) {
    if (at(7) === 1) return 'loopback';
    if (at(7) === 0) return 'unusable';
  }
  // IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible (::a.b.c.d) and NAT64 (64:ff9b::/96)
  // reach the embedded IPv4 address: judge that one.
  if (zeroPrefix && (at(5) === 0xffff || at(5) === 0)) return classifyIpv4(((at(6) << 16) | at(7)) >>> 0);
  if (at(0) === 0x64 && at(1) === 0xff9b && at(2) === 0 && at(3) === 0 && at(4) === 0 && at(5) === 0) {
    return classifyIpv4(((at(6) << 16) | at(7)) >>> 0);
  }
  // 6to4 carries the IPv4 address in groups 1-2.
  if (at(0) === 0x2002) {
    const inner = classifyIpv4(((at(1) << 16) | at(2)) >>> 0);
    if (inner !== 'public') return inner;
  }
  if (
    at(0) === 0xfd00 &&
    at(1) === 0x0ec2 &&
    at(2) === 0 &&
    at(3) === 0 &&
    at(4) === 0 &&
    at(5) === 0 &&
    at(6) === 0 &&
    at(7) === 0x254
  ) {
    return 'metadata';
  }
  if ((at(0) & 0xfe00) === 0xfc00) return 'private';
  if ((at(0) & 0xffc0) === 0xfe80) return 'link-local';
  if ((at(0) & 0xffc0) === 0xfec0) return 'private'; // deprecated site-local
  if ((at(0) & 0xff00) === 0xff00) return 'unusable';
  if (at(0) === 0x2001 && at(1) === 0x0db8) return 'reserved';
  if (at(0) === 0x0100 && at(1) === 0 && at(2) === 0 && at(3) === 0) return 'reserved'; // discard-only
  return 'public';
}

const METADATA_NAMES = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.com',
  'metadata.platformequinix.com',
]);

/**
 * Names that only resolve inside a host or a private network: `localhost` and `*.localhost`,
 * single labels, and the suffixes .local .internal .intranet .lan .home.arpa .localdomain
 * .corp .private. Decided from the top label's length first (this runs for every server and
 * SNI: nine endsWith calls per name were a measurable share of validation).
 */
export function classifyDomain(host: string): AddressClass {
  // Every metadata name starts with one of these two words.
  if ((host.startsWith('metadata') || host.startsWith('instance-data')) && METADATA_NAMES.has(host))
    return 'metadata';
  const dot = host.lastIndexOf('.');
  // Single label: resolved by the local search list.
  if (dot === -1) return host === 'localhost' ? 'loopback' : 'private';
  switch (host.length - dot - 1) {
    case 3:
      return host.endsWith('.lan') ? 'private' : 'public';
    case 4:
      return host.endsWith('.corp') || host.endsWith('.home.arpa') ? 'private' : 'public';
    case 5:
      return host.endsWith('.local') ? 'private' : 'public';
    case 7:
      return host.endsWith('.private') ? 'private' : 'public';
    case 8:
      return host.endsWith('.internal') || host.endsWith('.intranet') ? 'private' : 'public';
    case 9:
      return host.endsWith('.localhost') ? 'loopback' : 'public';
    case 11:
      if (host === 'localhost.localdomain') return 'loopback';
      return host.endsWith('.localdomain') ? 'private' : 'public';
    default:
      return 'public';
  }
}

export function classifyHost(h: NormalisedHost): AddressClass {
  if (h.kind === 'ipv4') return classifyIpv4(h.v4 ?? 0);
  if (h.kind === 'ipv6') return classifyIpv6(h.v6 ?? []);
  return classifyDomain(h.host);
}
