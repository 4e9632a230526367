import { describe, expect, it } from 'vitest';
import { normalizeHost, normalizeIpv6 } from '../../../../services/core/identity/normalize-host.ts';

describe('normalizeHost', () => {
  it('lower-cases domains and drops the trailing root dot', () => {
    expect(normalizeHost('Example.COM.')).toBe('example.com');
    expect(normalizeHost('  mci.mtn.ir.com.org.net.om.musicfa123.ir. ')).toBe(
      'mci.mtn.ir.com.org.net.om.musicfa123.ir',
    );
  });

  it('turns internationalised domain names into punycode', () => {
    expect(normalizeHost('Bücher.example')).toBe('xn--bcher-kva.example');
    expect(normalizeHost('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
  });

  it('strips brackets and writes IPv6 in RFC 5952 form', () => {
    expect(normalizeHost('[2001:0DB8:0000:0000:0000:0000:0000:0001]')).toBe('2001:db8::1');
    expect(normalizeHost('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1');
    expect(normalizeHost('2001:bc8:32d7:302::10')).toBe('2001:bc8:32d7:302::10');
    expect(normalizeHost('::')).toBe('::');
    expect(normalizeHost('fe80::1%ETH0')).toBe('fe80::1%eth0');
  });

  it('maps IPv4-mapped IPv6 to the IPv4 address a client actually reaches', () => {
    expect(normalizeHost('[0000:0000:0000:0000:0000:ffff:5b63:9012]')).toBe('91.99.144.18');
    expect(normalizeHost('::ffff:1.2.3.4')).toBe('1.2.3.4');
  });

  it('keeps text that is not an address stable instead of throwing', () => {
    expect(normalizeHost('not:an:ipv6:::x')).toBe('not:an:ipv6:::x');
    expect(normalizeHost('')).toBe('');
    expect(normalizeHost('[]')).toBe('');
    expect(normalizeIpv6('1:2:3:4:5:6:7:8:9')).toBeUndefined();
    expect(normalizeIpv6('1::2::3')).toBeUndefined();
    expect(normalizeIpv6('::1.2.3.256')).toBeUndefined();
  });
});
