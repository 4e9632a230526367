import { describe, expect, it } from 'vitest';
import {
  parseContentDispositionFilename,
  parseProfileTitle,
  parseProfileUpdateInterval,
} from '../../../../services/core/fetching/profile-headers.ts';
import { parseSubscriptionUserinfo } from '../../../../services/core/fetching/subscription-userinfo.ts';

describe('parseSubscriptionUserinfo', () => {
  it('reads the canonical form', () => {
    expect(
      parseSubscriptionUserinfo(
        'upload=455727941; download=6174315083; total=1073741824000; expire=1671815872',
      ),
    ).toEqual({ upload: 455727941, download: 6174315083, total: 1073741824000, expire: 1671815872 });
  });

  it('reads pairs without spaces, in any case and any order, with commas', () => {
    expect(parseSubscriptionUserinfo('TOTAL=10;Upload=1,DownLoad=2;expire=99')).toEqual({
      upload: 1,
      download: 2,
      total: 10,
      expire: 99,
    });
  });

  it('reads floats and scientific notation as whole bytes', () => {
    expect(parseSubscriptionUserinfo('upload=1.5; download=2.9e3; total=1.1E12; expire=1.7e9')).toEqual({
      upload: 1,
      download: 2900,
      total: 1_100_000_000_000,
      expire: 1_700_000_000,
    });
  });

  it('treats an empty or zero expiry as never expiring', () => {
    expect(parseSubscriptionUserinfo('upload=0; download=0; total=0; expire=')?.expire).toBeNull();
    expect(parseSubscriptionUserinfo('upload=0; download=0; total=0; expire=0')?.expire).toBeNull();
    expect(parseSubscriptionUserinfo('upload=0; download=0; total=0; expire=0')?.total).toBe(0);
  });

  it('leaves unreadable values null and ignores unknown keys and stray tokens', () => {
    expect(parseSubscriptionUserinfo('upload=abc; foo=1; ;; download = 7 ; total=-3; junk')).toEqual({
      upload: null,
      download: 7,
      total: null,
      expire: null,
    });
  });

  it('accepts quoted values', () => {
    expect(parseSubscriptionUserinfo('upload="5"; total=\'6\'')).toMatchObject({ upload: 5, total: 6 });
  });

  it('returns undefined when the header carries none of the fields', () => {
    expect(parseSubscriptionUserinfo(undefined)).toBeUndefined();
    expect(parseSubscriptionUserinfo('')).toBeUndefined();
    expect(parseSubscriptionUserinfo('hello world')).toBeUndefined();
  });

  it('refuses numbers beyond exact integer range rather than rounding them', () => {
    expect(parseSubscriptionUserinfo('total=1e400; upload=1e20')).toMatchObject({
      total: null,
      upload: null,
    });
  });
});

describe('parseProfileUpdateInterval', () => {
  it('turns hours into seconds, fractions included', () => {
    expect(parseProfileUpdateInterval('24')).toBe(86_400);
    expect(parseProfileUpdateInterval(' 0.5 ')).toBe(1_800);
    expect(parseProfileUpdateInterval('1e1')).toBe(36_000);
  });

  it('refuses zero, negatives, words and absurd values', () => {
    for (const value of ['0', '-1', 'daily', '', '100000', undefined]) {
      expect(parseProfileUpdateInterval(value)).toBeUndefined();
    }
  });
});

describe('parseProfileTitle', () => {
  it('keeps a plain title', () => {
    expect(parseProfileTitle('My VPN')).toBe('My VPN');
  });

  it('decodes base64: titles in any case of the prefix, padded or not', () => {
    const encoded = Buffer.from('Мой VPN 🚀').toString('base64');
    expect(parseProfileTitle(`base64:${encoded}`)).toBe('Мой VPN 🚀');
    expect(parseProfileTitle(`BASE64:${encoded.replace(/=+$/, '')}`)).toBe('Мой VPN 🚀');
  });

  it('decodes the URL-safe alphabet', () => {
    const encoded = Buffer.from('??>>title').toString('base64url');
    expect(parseProfileTitle(`base64:${encoded}`)).toBe('??>>title');
  });

  it('drops control characters and bounds the length', () => {
    expect(parseProfileTitle('a\u0000b\u001bc')).toBe('abc');
    expect(parseProfileTitle('x'.repeat(10_000))?.length).toBe(256);
  });

  it('returns undefined for broken base64 or nothing printable', () => {
    expect(parseProfileTitle(`base64:${Buffer.from([0xff, 0xfe, 0xfd]).toString('base64')}`)).toBeUndefined();
    expect(parseProfileTitle('   ')).toBeUndefined();
  });
});

describe('parseContentDispositionFilename', () => {
  it('reads a quoted filename', () => {
    expect(parseContentDispositionFilename('attachment; filename="my sub.yaml"')).toBe('my sub.yaml');
  });

  it('prefers the RFC 8187 filename* form', () => {
    expect(
      parseContentDispositionFilename(
        `attachment; filename="fallback.txt"; filename*=UTF-8''%E2%9C%93%20sub.yaml`,
      ),
    ).toBe('✓ sub.yaml');
  });

  it('keeps semicolons inside quotes and strips paths', () => {
    expect(parseContentDispositionFilename('attachment; filename="a;b.txt"')).toBe('a;b.txt');
    expect(parseContentDispositionFilename('attachment; filename="../../etc/passwd"')).toBe('passwd');
  });

  it('reads ISO-8859-1 extended values and unquoted names', () => {
    expect(parseContentDispositionFilename(`attachment; filename*=iso-8859-1'en'%E9t%E9.txt`)).toBe(
      'été.txt',
    );
    expect(parseContentDispositionFilename('inline; filename=plain.txt')).toBe('plain.txt');
  });

  it('returns undefined without a filename', () => {
    expect(parseContentDispositionFilename('attachment')).toBeUndefined();
    expect(parseContentDispositionFilename(undefined)).toBeUndefined();
  });
});
