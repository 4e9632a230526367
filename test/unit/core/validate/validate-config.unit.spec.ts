import { describe, expect, it } from 'vitest';
import type {
  ProxyConfig,
  ShadowsocksConfig,
  VlessConfig,
  WireguardConfig,
} from '../../../../services/core/model/config.ts';
import { validateConfig } from '../../../../services/core/validate/validate-config.ts';
import { parseVector } from '../formats/links/vector-links.ts';

const vless = (over: Partial<VlessConfig> = {}): VlessConfig => ({
  protocol: 'vless',
  name: 'n',
  server: 'example.com',
  port: 443,
  uuid: '0377f33b-abfd-4492-ad10-f6dd3d4e3072',
  encryption: 'none',
  tls: { enabled: true },
  transport: { type: 'tcp' },
  ...over,
});

const ss = (over: Partial<ShadowsocksConfig> = {}): ShadowsocksConfig => ({
  protocol: 'shadowsocks',
  name: 'n',
  server: 'example.com',
  port: 8388,
  method: 'aes-128-gcm',
  password: 'secret',
  ...over,
});

const wg = (over: Partial<WireguardConfig> = {}): WireguardConfig => ({
  protocol: 'wireguard',
  name: 'n',
  server: 'engage.cloudflareclient.com',
  port: 2408,
  privateKey: '/RLMdLfE+kgg0INxiotal1fLHSKhhIbFoepC+NIaQUI=',
  peerPublicKey: 'bmXOC+F1FxEMF9dyiK2H5/1SUtzH0JuVo51h2wPfgyo=',
  addresses: ['172.16.0.2/32'],
  ...over,
});

function check(config: ProxyConfig, allowPrivateAddresses = false) {
  const r = validateConfig(config, { line: 7, allowPrivateAddresses });
  return { config: r.config, codes: r.diagnostics.map((d) => d.code), diagnostics: r.diagnostics };
}

describe('validateConfig: endpoint', () => {
  it('normalises the server: lower-case domain, bare IPv6', () => {
    expect(check(vless({ server: 'EXAMPLE.com' })).config?.server).toBe('example.com');
    expect(check(vless({ server: '[2606:4700::1]' })).config?.server).toBe('2606:4700::1');
  });

  it('rejects a server that is not a host with INVALID_HOST, carrying line and scheme', () => {
    const r = check(vless({ server: 'not a host' }));
    expect(r.config).toBeUndefined();
    expect(r.diagnostics).toEqual([
      expect.objectContaining({ code: 'INVALID_HOST', severity: 'error', line: 7, scheme: 'vless' }),
    ]);
  });

  it.each([0, 65536, 1.5, Number.NaN])('rejects port %s', (port) => {
    expect(check(vless({ port })).codes).toEqual(['INVALID_PORT']);
  });

  it.each([
    ['127.0.0.1', 'LOOPBACK_ADDRESS'],
    ['192.168.0.10', 'PRIVATE_ADDRESS'],
    ['fe80::1', 'LINK_LOCAL_ADDRESS'],
    ['169.254.169.254', 'METADATA_ADDRESS'],
    ['metadata.google.internal', 'METADATA_ADDRESS'],
    ['198.51.100.7', 'RESERVED_ADDRESS'],
  ])('rejects %s by default with %s', (server, code) => {
    expect(check(vless({ server })).codes).toEqual([code]);
  });

  it('accepts private, loopback and metadata servers when allowPrivateAddresses is set', () => {
    for (const server of ['127.0.0.1', '10.0.0.1', '169.254.169.254', 'localhost']) {
      expect(check(vless({ server }), true).config?.server).toBe(server);
    }
  });

  it('rejects unspecified and multicast servers even when private addresses are allowed', () => {
    expect(check(vless({ server: '0.0.0.0' }), true).codes).toEqual(['RESERVED_ADDRESS']);
    expect(check(vless({ server: 'ff02::1' }), true).codes).toEqual(['RESERVED_ADDRESS']);
  });

  it('cleans the name and warns when characters were removed', () => {
    const r = check(vless({ name: ' \u202eevil\u200f ' }));
    expect(r.config?.name).toBe('evil');
    expect(r.codes).toEqual(['NAME_CLEANED']);
  });
});

describe('validateConfig: ids, ciphers, keys', () => {
  it('accepts UUIDs (lower-cased), hyphenless UUIDs (repaired) and short custom VLESS ids', () => {
    expect(check(vless({ uuid: '0377F33B-ABFD-4492-AD10-F6DD3D4E3072' })).config).toMatchObject({
      uuid: '0377f33b-abfd-4492-ad10-f6dd3d4e3072',
    });
    const hyphenless = check(vless({ uuid: '0377f33babfd4492ad10f6dd3d4e3072' }));
    expect(hyphenless.config).toMatchObject({ uuid: '0377f33b-abfd-4492-ad10-f6dd3d4e3072' });
    expect(hyphenless.codes).toEqual(['REPAIRED_VALUE']);
    expect(check(vless({ uuid: 'monacoVPN' })).config).toMatchObject({ uuid: 'monacoVPN' });
  });

  it('rejects ids that are neither UUIDs nor 1-30 byte custom ids', () => {
    expect(check(vless({ uuid: 'caaacbb-baca-aacb-abcd-cabbabbaaccc' })).codes).toEqual(['INVALID_UUID']);
    expect(check(vless({ uuid: '' })).codes).toEqual(['INVALID_UUID']);
    expect(check(vless({ uuid: 'has space' })).codes).toEqual(['INVALID_UUID']);
  });

  it('requires a real UUID for TUIC', () => {
    const tuic: ProxyConfig = {
      protocol: 'tuic',
      name: '',
      server: 'example.com',
      port: 443,
      uuid: 'monacoVPN',
      password: 'p',
      tls: { enabled: true },
    };
    expect(check(tuic).codes).toEqual(['INVALID_UUID']);
  });

  it('rejects unknown VMess ciphers and defaults an empty one to auto', () => {
    const vmess: ProxyConfig = {
      protocol: 'vmess',
      name: '',
      server: 'example.com',
      port: 443,
      uuid: '0377f33b-abfd-4492-ad10-f6dd3d4e3072',
      alterId: 0,
      cipher: 'rot13',
      tls: { enabled: false },
      transport: { type: 'tcp' },
    };
    expect(check(vmess).codes).toEqual(['INVALID_CIPHER']);
    expect(check({ ...vmess, cipher: '' }).config).toMatchObject({ cipher: 'auto' });
  });

  it('maps Shadowsocks cipher aliases and rejects unknown methods', () => {
    const r = check(ss({ method: 'CHACHA20-POLY1305' }));
    expect(r.config).toMatchObject({ method: 'chacha20-ietf-poly1305' });
    expect(r.codes).toEqual(['REPAIRED_VALUE']);
    expect(check(ss({ method: 'caaacbb-baca' })).codes).toEqual(['INVALID_CIPHER']);
    expect(check(ss({ password: '' })).codes).toEqual(['MISSING_FIELD']);
  });

  it('checks 2022 keys: non-base64 is an error, a wrong length a warning', () => {
    expect(check(ss({ method: '2022-blake3-aes-256-gcm', password: 'not-base64!' })).codes).toEqual([
      'INVALID_KEY',
    ]);
    const ok = check(ss({ method: '2022-blake3-aes-128-gcm', password: 'AAAAAAAAAAAAAAAAAAAAAA==' }));
    expect(ok.codes).toEqual([]);
    const wrong = check(
      ss({ method: '2022-blake3-aes-128-gcm', password: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' }),
    );
    expect(wrong.config).toBeDefined();
    expect(wrong.diagnostics).toEqual([
      expect.objectContaining({ code: 'INVALID_KEY', severity: 'warning' }),
    ]);
  });

  it('normalises plugin names and rejects an obfs mode that is neither http nor tls', () => {
    expect(check(ss({ plugin: { name: 'simple-obfs', opts: [['obfs', 'tls']] } })).config).toMatchObject({
      plugin: { name: 'obfs-local' },
    });
    expect(check(ss({ plugin: { name: 'obfs-local', opts: [['obfs', 'websocket']] } })).codes).toEqual([
      'INVALID_VALUE',
    ]);
  });

  it('rejects a REALITY key that is not 32 bytes and re-encodes a std-alphabet one', () => {
    const reality = (publicKey: string, shortId = '') =>
      vless({ tls: { enabled: true, reality: { publicKey, shortId } } });
    expect(check(reality('c2hvcnQ')).codes).toEqual(['INVALID_KEY']);
    const std = check(reality('OCRYYq4e92sQ+wWFRX6WX9pdvuFBWOqybLhpSiv3nFA='));
    expect(std.config).toMatchObject({
      tls: { reality: { publicKey: 'OCRYYq4e92sQ-wWFRX6WX9pdvuFBWOqybLhpSiv3nFA' } },
    });
    expect(std.codes).toEqual(['REPAIRED_VALUE']);
    expect(check(reality('OCRYYq4e92sQ-wWFRX6WX9pdvuFBWOqybLhpSiv3nFA', 'abc')).codes).toEqual([
      'INVALID_VALUE',
    ]);
    expect(check(reality('OCRYYq4e92sQ-wWFRX6WX9pdvuFBWOqybLhpSiv3nFA', '0123456789abcdef01')).codes).toEqual(
      ['INVALID_VALUE'],
    );
  });

  it('checks WireGuard keys, normalises interface addresses and drops all-zero reserved bytes', () => {
    expect(check(wg({ privateKey: 'AAAA' })).codes).toEqual(['INVALID_KEY']);
    expect(check(wg({ peerPublicKey: '' })).codes).toEqual(['MISSING_FIELD']);
    expect(check(wg({ addresses: [] })).codes).toEqual(['MISSING_FIELD']);
    const r = check(wg({ addresses: ['172.16.0.2', '[2606:4700::1]', 'junk'], reserved: [0, 0, 0] }));
    expect(r.config).toMatchObject({ addresses: ['172.16.0.2/32', '2606:4700::1/128'] });
    expect(r.config).not.toHaveProperty('reserved');
    expect(r.codes).toEqual(['DROPPED_FIELD']);
  });
});

describe('validateConfig: TLS, transports, bounds', () => {
  it('drops TLS details when TLS is off, with a warning', () => {
    const r = check(vless({ tls: { enabled: false, serverName: 'x.com', insecure: true } }));
    expect(r.config?.protocol === 'vless' ? r.config.tls : undefined).toEqual({ enabled: false });
    expect(r.codes).toEqual(['DROPPED_FIELD']);
  });

  it('drops an unknown uTLS fingerprint and an invalid SNI but keeps the node', () => {
    const r = check(vless({ tls: { enabled: true, serverName: 't.me/x', fingerprint: 'netscape' } }));
    expect(r.config?.protocol === 'vless' ? r.config.tls : undefined).toEqual({ enabled: true });
    expect(r.codes).toEqual(['DROPPED_FIELD', 'DROPPED_FIELD']);
  });

  it('keeps insecure only when true (false is the default)', () => {
    const r = check(vless({ tls: { enabled: true, insecure: false } }));
    expect(r.config?.protocol === 'vless' ? r.config.tls : undefined).toEqual({ enabled: true });
  });

  it('drops an xhttp extra that is not a JSON object', () => {
    const r = check(vless({ transport: { type: 'xhttp', path: '/x', extra: '{broken' } }));
    expect(r.config).toMatchObject({ transport: { type: 'xhttp', path: '/x' } });
    expect(
      r.config?.protocol === 'vless' && r.config.transport.type === 'xhttp' ? r.config.transport.extra : 'x',
    ).toBeUndefined();
    expect(r.codes).toEqual(['DROPPED_FIELD']);
  });

  it('rejects over-long credentials and control characters in them', () => {
    const trojan = (password: string): ProxyConfig => ({
      protocol: 'trojan',
      name: '',
      server: 'example.com',
      port: 443,
      password,
      tls: { enabled: true },
      transport: { type: 'tcp' },
    });
    expect(check(trojan('x'.repeat(1025))).codes).toEqual(['FIELD_TOO_LONG']);
    expect(check(trojan('a\nb')).codes).toEqual(['INVALID_VALUE']);
    expect(check(trojan('')).codes).toEqual(['MISSING_FIELD']);
  });

  it('reads empty socks credentials as no authentication', () => {
    const r = check({
      protocol: 'socks',
      name: '',
      server: 'example.com',
      port: 1080,
      version: '5',
      username: '',
      password: '',
    });
    expect(r.config).toEqual({
      protocol: 'socks',
      name: '',
      server: 'example.com',
      port: 1080,
      version: '5',
    });
  });

  it('rejects invalid port-hopping ranges', () => {
    const hy2: ProxyConfig = {
      protocol: 'hysteria2',
      name: '',
      server: 'example.com',
      port: 443,
      password: 'p',
      ports: [{ from: 6000, to: 5000 }],
      tls: { enabled: true },
    };
    expect(check(hy2).codes).toEqual(['INVALID_PORT']);
  });
});

describe('validateConfig is idempotent', () => {
  it('returns the same config, without new diagnostics, when given its own output (all vectors)', () => {
    for (let v = 1; v <= 58; v++) {
      const id = `V${String(v).padStart(2, '0')}`;
      for (let line = 0; line < 3; line++) {
        let results;
        try {
          results = parseVector(id, line, true);
        } catch {
          break;
        }
        for (const r of results) {
          if (r.config === undefined) continue;
          const again = validateConfig(r.config, { allowPrivateAddresses: true });
          expect(again.config, id).toEqual(r.config);
          expect(
            again.diagnostics.filter((d) => d.code !== 'INVALID_KEY' && d.code !== 'AMBIGUOUS_VALUE'),
            id,
          ).toEqual([]);
        }
      }
    }
  });
});

describe('validateConfig: strings every output can encode', () => {
  it('rejects lone surrogates in credentials, ids and paths (encodeURIComponent would throw)', () => {
    const trojan: ProxyConfig = {
      protocol: 'trojan',
      name: '',
      server: 'example.com',
      port: 443,
      password: 'p\udc00',
      tls: { enabled: true },
      transport: { type: 'tcp' },
    };
    expect(check(trojan).codes).toEqual(['INVALID_VALUE']);
    expect(check(vless({ uuid: 'id\ud800' })).codes).toEqual(['INVALID_UUID']);
    expect(check(vless({ transport: { type: 'ws', path: '/\ud800' } })).codes).toEqual(['INVALID_VALUE']);
  });

  it('reads the default gRPC mode (gun) and xhttp mode (auto) as absent', () => {
    expect(check(vless({ transport: { type: 'grpc', serviceName: 's', mode: 'gun' } })).config).toMatchObject(
      { transport: { type: 'grpc', serviceName: 's' } },
    );
    expect(
      check(vless({ transport: { type: 'grpc', serviceName: 's', mode: 'multi' } })).config,
    ).toMatchObject({ transport: { mode: 'multi' } });
    const x = check(vless({ transport: { type: 'xhttp', path: '/', mode: 'auto' } })).config;
    expect(x?.protocol === 'vless' ? x.transport : undefined).toEqual({ type: 'xhttp', path: '/' });
  });

  it('drops a hop port equal to the main port (same hop set)', () => {
    const hy2: ProxyConfig = {
      protocol: 'hysteria2',
      name: '',
      server: 'example.com',
      port: 443,
      password: 'p',
      ports: [
        { from: 443, to: 443 },
        { from: 20000, to: 20100 },
      ],
      tls: { enabled: true },
    };
    expect(check(hy2).config).toMatchObject({ ports: [{ from: 20000, to: 20100 }] });
    expect(check({ ...hy2, ports: [{ from: 443, to: 443 }] }).config).not.toHaveProperty('ports');
  });
});

describe('validateConfig: SNI repairs', () => {
  it('removes a port pasted into the SNI, with a warning', () => {
    const r = check(vless({ tls: { enabled: true, serverName: 'www.icloud.com:443' } }));
    expect(r.config).toMatchObject({ tls: { serverName: 'www.icloud.com' } });
    expect(r.codes).toEqual(['REPAIRED_VALUE']);
  });

  it('drops wildcard and URL-shaped SNI values', () => {
    for (const serverName of ['*.sourceforge.net', 'https://t.me/x', '172.1.1.1@oliver']) {
      const r = check(vless({ tls: { enabled: true, serverName } }));
      expect(r.config?.protocol === 'vless' ? r.config.tls : undefined).toEqual({ enabled: true });
    }
  });
});
