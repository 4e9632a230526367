import { describe, expect, it } from 'vitest';
import { assessSecurity } from '../../../../services/core/scoring/security.ts';

const of = (config: Record<string, unknown>) =>
  assessSecurity(JSON.stringify(config), String(config['protocol']));

describe('assessSecurity', () => {
  it('ranks REALITY above TLS above AEAD without TLS above plaintext', () => {
    const reality = of({
      protocol: 'vless',
      encryption: 'none',
      tls: { enabled: true, reality: { publicKey: 'k', shortId: '' } },
    });
    const tls = of({ protocol: 'vless', encryption: 'none', tls: { enabled: true } });
    const ss = of({ protocol: 'shadowsocks', method: 'aes-256-gcm' });
    const plain = of({ protocol: 'vless', encryption: 'none', tls: { enabled: false } });
    expect(reality.value).toBe(1);
    expect(tls.value).toBeLessThan(reality.value);
    expect(ss.value).toBeLessThan(tls.value);
    expect(plain.value).toBeLessThan(ss.value);
    expect(plain.notes).toContain('VLESS without TLS: traffic is not encrypted');
  });

  it('penalises TLS that skips certificate verification unless a certificate is pinned', () => {
    const verified = of({ protocol: 'hysteria2', tls: { enabled: true } });
    const insecure = of({ protocol: 'hysteria2', tls: { enabled: true, insecure: true } });
    const pinned = of({ protocol: 'hysteria2', tls: { enabled: true, insecure: true, certSha256: 'ab' } });
    expect(insecure.value).toBeCloseTo(verified.value - 0.3);
    expect(insecure.notes).toContain('TLS without certificate verification');
    expect(pinned.value).toBe(verified.value);
  });

  it('tells Shadowsocks 2022, AEAD, stream ciphers and no cipher apart', () => {
    const v = (method: string) => of({ protocol: 'shadowsocks', method }).value;
    expect(v('2022-blake3-aes-128-gcm')).toBeGreaterThan(v('chacha20-ietf-poly1305'));
    expect(v('chacha20-ietf-poly1305')).toBeGreaterThan(v('aes-256-cfb'));
    expect(v('aes-256-cfb')).toBeGreaterThan(v('none'));
  });

  it('rates legacy VMess below AEAD VMess and an unencrypted one lowest', () => {
    const v = (over: Record<string, unknown>) =>
      of({ protocol: 'vmess', tls: { enabled: false }, cipher: 'auto', alterId: 0, ...over }).value;
    expect(v({})).toBeGreaterThan(v({ alterId: 64 }));
    expect(v({ alterId: 64 })).toBeGreaterThan(v({ cipher: 'none' }));
  });

  it('says so when the config cannot be read', () => {
    expect(assessSecurity('{not json', 'vless')).toEqual({
      value: 0.3,
      notes: ['config unreadable: security unknown'],
    });
  });
});
