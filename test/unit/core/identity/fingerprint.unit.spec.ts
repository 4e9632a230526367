import { describe, expect, it } from 'vitest';
import type { ProxyConfig, VlessConfig } from '../../../../services/core/model/index.ts';
import { canonicalText, fingerprint } from '../../../../services/core/identity/fingerprint.ts';
import { FINGERPRINT_POLICY_LIST } from '../../../../services/core/identity/fingerprint-policy.ts';

const reality: VlessConfig = {
  protocol: 'vless',
  name: '🇩🇪 node 1',
  server: 'id.x5.ru',
  port: 443,
  uuid: 'ca58b165-0f7d-49aa-9fae-a017e8a0f884',
  flow: 'xtls-rprx-vision',
  encryption: 'none',
  tls: {
    enabled: true,
    serverName: 'id.x5.ru',
    fingerprint: 'random',
    reality: { publicKey: 'jNXHt1yRo0vDuchQlIP6Z0ZvjT3KtzVI-T4E7RoLJS0', shortId: '111111' },
  },
  transport: { type: 'tcp' },
};

const patched = <T extends ProxyConfig>(base: T, patch: Partial<T>): T => ({ ...base, ...patch });

describe('fingerprint', () => {
  it('is a 64-hex SHA-256 that is stable across runs and processes (pinned values)', () => {
    // Pinned: a change here means every stored identity changes; bump ENCODING_VERSION deliberately instead.
    expect(fingerprint(reality, 'endpoint')).toBe(fingerprint(reality, 'endpoint'));
    expect(fingerprint(reality)).toMatch(/^[0-9a-f]{64}$/);
    expect(canonicalText(reality, 'endpoint')).toBe(
      '["submerge-fp-1","endpoint","protocol","vless","server","id.x5.ru","port",443]',
    );
    expect({
      endpoint: fingerprint(reality, 'endpoint'),
      credential: fingerprint(reality, 'credential'),
      full: fingerprint(reality, 'full'),
    }).toMatchInlineSnapshot(`
      {
        "credential": "7dd6c786a718b6e1af1bdc75f881bd3d23e2a7204f4e31af4be66cdc5f2aa702",
        "endpoint": "7758718e1aa9ede65bc350d828fd829419f7831d593c076ea5786a9c29295036",
        "full": "68d453144ef1e50bdef95c87fd78f3b8c9802acb3c9b14897444f49633a51535",
      }
    `);
  });

  it('never depends on the display name under any policy', () => {
    for (const policy of FINGERPRINT_POLICY_LIST) {
      expect(fingerprint(patched(reality, { name: 'other name' }), policy)).toBe(
        fingerprint(reality, policy),
      );
    }
  });

  it('defaults to the credential policy and gives different policies different fingerprints', () => {
    expect(fingerprint(reality)).toBe(fingerprint(reality, 'credential'));
    const all = new Set(FINGERPRINT_POLICY_LIST.map((p) => fingerprint(reality, p)));
    expect(all.size).toBe(3);
  });

  it('normalises host case, brackets, trailing dot, IPv6 form and IDN', () => {
    const v6 = patched(reality, { server: '2001:db8::1' });
    expect(fingerprint(patched(reality, { server: 'ID.X5.RU.' }))).toBe(fingerprint(reality));
    expect(fingerprint(patched(reality, { server: '[2001:0db8:0:0:0:0:0:1]' }))).toBe(fingerprint(v6));
    expect(fingerprint(patched(reality, { server: 'bücher.example' }))).toBe(
      fingerprint(patched(reality, { server: 'xn--bcher-kva.example' })),
    );
  });

  it('folds an upper-case UUID and a custom string id into the UUID an Xray server sees', () => {
    expect(fingerprint(patched(reality, { uuid: reality.uuid.toUpperCase() }))).toBe(fingerprint(reality));
    const custom = patched(reality, { uuid: '我爱🍉老师1314' });
    expect(fingerprint(custom)).toBe(
      fingerprint(patched(reality, { uuid: '5783a3e7-e373-51cd-8642-c83782b807c5' })),
    );
  });

  it('endpoint ignores credentials, credential ignores transport and TLS, full sees both', () => {
    const otherUser = patched(reality, { uuid: '59e28f78-c31b-4613-9d9f-1e6732a31f46' });
    expect(fingerprint(otherUser, 'endpoint')).toBe(fingerprint(reality, 'endpoint'));
    expect(fingerprint(otherUser, 'credential')).not.toBe(fingerprint(reality, 'credential'));

    const ws = patched(reality, { transport: { type: 'ws', path: '/x' } });
    expect(fingerprint(ws, 'credential')).toBe(fingerprint(reality, 'credential'));
    expect(fingerprint(ws, 'full')).not.toBe(fingerprint(reality, 'full'));
  });

  it('tells apart nodes differing only in ALPN under full (sublink-worker #417)', () => {
    const h2 = patched(reality, { tls: { ...reality.tls, alpn: ['h2'] } });
    expect(fingerprint(h2, 'full')).not.toBe(fingerprint(reality, 'full'));
    expect(fingerprint(h2, 'credential')).toBe(fingerprint(reality, 'credential'));
  });

  it('treats default-valued and absent settings alike under full', () => {
    const explicit = patched(reality, {
      flow: 'xtls-rprx-vision',
      tls: { ...reality.tls, serverName: 'ID.X5.RU', alpn: [], insecure: false, disableSni: false },
    });
    const implicit = patched(reality, { tls: { ...reality.tls } });
    delete (implicit.tls as { serverName?: string }).serverName;
    expect(fingerprint(explicit, 'full')).toBe(fingerprint(implicit, 'full'));

    const ws = patched(reality, { transport: { type: 'ws', path: '' } });
    expect(fingerprint(ws, 'full')).toBe(
      fingerprint(patched(reality, { transport: { type: 'ws', path: '/' } }), 'full'),
    );
    const grpc = patched(reality, { transport: { type: 'grpc', serviceName: 's' } });
    expect(fingerprint(grpc, 'full')).toBe(
      fingerprint(patched(reality, { transport: { type: 'grpc', serviceName: 's', mode: 'gun' } }), 'full'),
    );
  });

  it('treats TLS fields as irrelevant when TLS is off', () => {
    const plain = patched(reality, { tls: { enabled: false } });
    const leftovers = patched(reality, { tls: { enabled: false, serverName: 'x.example', alpn: ['h2'] } });
    expect(fingerprint(leftovers, 'full')).toBe(fingerprint(plain, 'full'));
  });

  it('folds hysteria2 port-hopping lists written differently into one hop set', () => {
    const hy2: ProxyConfig = {
      protocol: 'hysteria2',
      name: '',
      server: 'h.example',
      port: 21000,
      password: 'p',
      ports: [{ from: 21000, to: 21199 }],
      tls: { enabled: true },
    };
    const split = patched(hy2, {
      ports: [
        { from: 21100, to: 21199 },
        { from: 21001, to: 21099 },
      ],
    });
    expect(fingerprint(split, 'full')).toBe(fingerprint(hy2, 'full'));
    const noHop = patched(hy2, { ports: [{ from: 21000, to: 21000 }] });
    const { ports: _ports, ...withoutPorts } = hy2;
    expect(fingerprint(noHop, 'full')).toBe(fingerprint(withoutPorts, 'full'));
  });

  it('keeps the shadowsocks method in the credential and maps the chacha20-poly1305 alias', () => {
    const ss: ProxyConfig = {
      protocol: 'shadowsocks',
      name: '',
      server: 's.example',
      port: 8388,
      method: 'chacha20-poly1305',
      password: 'pw',
    };
    expect(fingerprint(ss)).toBe(fingerprint(patched(ss, { method: 'CHACHA20-IETF-POLY1305' })));
    expect(fingerprint(ss)).not.toBe(fingerprint(patched(ss, { method: 'aes-256-gcm' })));
  });

  it('compares passwords exactly (case and whitespace matter)', () => {
    const trojan: ProxyConfig = {
      protocol: 'trojan',
      name: '',
      server: 't.example',
      port: 443,
      password: 'Secret',
      tls: { enabled: true },
      transport: { type: 'tcp' },
    };
    expect(fingerprint(patched(trojan, { password: 'secret' }))).not.toBe(fingerprint(trojan));
    expect(fingerprint(patched(trojan, { password: 'Secret ' }))).not.toBe(fingerprint(trojan));
  });

  it('cannot be confused by separators inside values', () => {
    const a: ProxyConfig = {
      protocol: 'socks',
      name: '',
      server: 'h',
      port: 1,
      version: '5',
      username: 'a","b',
      password: 'c',
    };
    const b: ProxyConfig = {
      protocol: 'socks',
      name: '',
      server: 'h',
      port: 1,
      version: '5',
      username: 'a',
      password: 'b","c',
    };
    expect(fingerprint(a)).not.toBe(fingerprint(b));
  });
});
