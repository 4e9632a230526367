import { describe, expect, it } from 'vitest';
import { formatIpv6, normaliseHost, parseIpv4, parseIpv6 } from '../../../../services/core/validate/host.ts';

describe('normaliseHost', () => {
  it('lower-cases domains and drops one trailing dot', () => {
    expect(normaliseHost('Example.COM.')).toEqual({ host: 'example.com', kind: 'domain' });
  });

  it('converts IDN to lower-case punycode', () => {
    expect(normaliseHost('Bücher.Example')?.host).toBe('xn--bcher-kva.example');
  });

  it('strips IPv6 brackets and keeps the published spelling in lower case', () => {
    expect(normaliseHost('[2001:DB8::1]')).toMatchObject({ host: '2001:db8::1', kind: 'ipv6' });
    expect(normaliseHost('0000:0000:0000:0000:0000:ffff:681f:1068')?.kind).toBe('ipv6');
  });

  it('accepts canonical dotted-quad IPv4 only', () => {
    expect(normaliseHost('104.21.64.1')).toMatchObject({ host: '104.21.64.1', kind: 'ipv4' });
    expect(normaliseHost('010.1.1.1')).toBeUndefined();
    expect(normaliseHost('1.2.3.256')).toBeUndefined();
  });

  it('rejects IPv4 in disguise that inet_aton would resolve (127.1, 0x7f.1, 2130706433)', () => {
    for (const h of ['127.1', '0x7f.1', '2130706433', '0x7f000001', 'a.b.0x1f'])
      expect(normaliseHost(h)).toBeUndefined();
  });

  it('rejects junk: spaces, URL pieces, empty labels, over-long labels', () => {
    for (const h of [
      '',
      ' ',
      'a b.com',
      't.me%2Fx',
      'a..b',
      `${'a'.repeat(64)}.com`,
      '[::1',
      'http://x',
      'a/b',
    ]) {
      expect(normaliseHost(h)).toBeUndefined();
    }
  });

  it('allows underscores and digits in labels as real CDN names use them', () => {
    expect(normaliseHost('76842b4a-tb71c0_x.losjan20.com')?.kind).toBe('domain');
  });
});

describe('IP parsing', () => {
  it('parses IPv4 to a number', () => {
    expect(parseIpv4('169.254.169.254')).toBe(0xa9fea9fe);
  });

  it('parses IPv6 forms incl. embedded IPv4 and prints RFC 5952', () => {
    expect(parseIpv6('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(formatIpv6(parseIpv6('0000:0000:0000:0000:0000:ffff:5b63:9012') ?? [])).toBe('::ffff:5b63:9012');
    expect(formatIpv6(parseIpv6('2001:db8:0:0:1:0:0:1') ?? [])).toBe('2001:db8::1:0:0:1');
    for (const bad of ['1::2::3', ':1', '1:2:3:4:5:6:7:8:9', '12345::', 'fe80::1%eth0', 'g::1'])
      expect(parseIpv6(bad)).toBeUndefined();
  });
});
