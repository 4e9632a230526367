import { describe, expect, it } from 'vitest';
import { parseSubscription } from '../../../../../services/core/formats/parse-subscription.ts';
import { HOST, IP, PBK, UUID, WG_PRIVATE, WG_PUBLIC } from './fixtures.ts';

function singBox(
  outbounds: readonly object[],
  endpoints?: readonly object[],
): ReturnType<typeof parseSubscription> {
  return parseSubscription(
    JSON.stringify({
      log: {},
      dns: {},
      inbounds: [],
      outbounds,
      ...(endpoints ? { endpoints } : {}),
      route: {},
    }),
  );
}

describe('sing-box JSON', () => {
  it('skips selector / urltest / direct / block / dns silently and counts them per type', () => {
    const r = singBox([
      { type: 'selector', tag: 'select', outbounds: ['a'] },
      { type: 'urltest', tag: 'auto', outbounds: ['a'] },
      {
        type: 'trojan',
        tag: 'a',
        server: HOST,
        server_port: 443,
        password: 'p',
        tls: { enabled: true, server_name: HOST },
      },
      { type: 'direct', tag: 'direct' },
      { type: 'block', tag: 'block' },
      { type: 'dns', tag: 'dns-out' },
    ]);
    expect(r.container).toBe('sing-box');
    expect(r.diagnostics).toEqual([]);
    expect(r.configs.map((p) => p.origin)).toEqual([{ line: 3, from: 'sing-box:trojan' }]);
    expect(r.nonProxyEntries).toEqual({
      'sing-box:selector': 1,
      'sing-box:urltest': 1,
      'sing-box:direct': 1,
      'sing-box:block': 1,
      'sing-box:dns': 1,
    });
  });

  it('reads vless REALITY with uTLS and a ws transport with early data', () => {
    const r = singBox([
      {
        type: 'vless',
        tag: 'r',
        server: HOST,
        server_port: 443,
        uuid: UUID,
        flow: 'xtls-rprx-vision',
        tls: {
          enabled: true,
          server_name: 'www.microsoft.com',
          utls: { enabled: true, fingerprint: 'firefox' },
          reality: { enabled: true, public_key: PBK, short_id: 'ab12' },
        },
      },
      {
        type: 'vmess',
        tag: 'w',
        server: HOST,
        server_port: 80,
        uuid: UUID,
        security: 'auto',
        alter_id: 0,
        transport: { type: 'ws', path: '/ws', headers: { Host: `cdn.${HOST}` }, max_early_data: 2048 },
      },
    ]);
    expect(r.configs.map((p) => p.config)).toMatchObject([
      {
        protocol: 'vless',
        flow: 'xtls-rprx-vision',
        tls: { enabled: true, fingerprint: 'firefox', reality: { publicKey: PBK, shortId: 'ab12' } },
        transport: { type: 'tcp' },
      },
      {
        protocol: 'vmess',
        tls: { enabled: false },
        transport: {
          type: 'ws',
          path: '/ws',
          host: `cdn.${HOST}`,
          maxEarlyData: 2048,
          earlyDataHeaderName: 'Sec-WebSocket-Protocol',
        },
      },
    ]);
  });

  it('reads an ECH config written as PEM lines (what sing-box expects) as its base64 body', () => {
    const r = singBox([
      {
        type: 'trojan',
        tag: 'e',
        server: HOST,
        server_port: 443,
        password: 'p',
        tls: {
          enabled: true,
          server_name: HOST,
          ech: {
            enabled: true,
            config: ['-----BEGIN ECH CONFIGS-----', 'AEX+DQBBpQAgACCm', '-----END ECH CONFIGS-----'],
          },
        },
      },
    ]);
    expect(r.configs[0]?.config).toMatchObject({ tls: { enabled: true, echConfig: 'AEX+DQBBpQAgACCm' } });
  });

  it('reads the http transport as h2 over TLS and as HTTP/1.1 camouflage without TLS (host as string or list)', () => {
    const r = singBox([
      {
        type: 'vless',
        tag: 'a',
        server: HOST,
        server_port: 443,
        uuid: UUID,
        tls: { enabled: true, server_name: HOST },
        transport: { type: 'http', host: [HOST], path: '/h2' },
      },
      {
        type: 'vless',
        tag: 'b',
        server: HOST,
        server_port: 80,
        uuid: UUID,
        transport: { type: 'http', host: 'zula.ir', method: 'GET', path: '/' },
      },
    ]);
    expect(r.configs.map((p) => (p.config as { transport: unknown }).transport)).toEqual([
      { type: 'h2', host: [HOST], path: '/h2' },
      { type: 'http', host: ['zula.ir'], path: '/', method: 'GET' },
    ]);
  });

  it('reads hysteria2 server_ports, hop_interval and obfs; shadowsocks plugin_opts; tuic; anytls', () => {
    const r = singBox([
      {
        type: 'hysteria2',
        tag: 'h',
        server: HOST,
        server_port: 443,
        server_ports: ['20000:30000'],
        hop_interval: '30s',
        password: 'p',
        obfs: { type: 'salamander', password: 'o' },
        tls: { enabled: true, alpn: ['h3'], insecure: true },
      },
      {
        type: 'shadowsocks',
        tag: 's',
        server: IP,
        server_port: 9038,
        method: 'aes-128-gcm',
        password: 'p',
        plugin: 'obfs-local',
        plugin_opts: 'obfs=http;obfs-host=bing.com',
      },
      {
        type: 'tuic',
        tag: 't',
        server: IP,
        server_port: 443,
        uuid: UUID,
        password: 'p',
        congestion_control: 'bbr',
        zero_rtt_handshake: true,
        tls: { enabled: true, alpn: ['h3'] },
      },
      {
        type: 'anytls',
        tag: 'a',
        server: HOST,
        server_port: 443,
        password: 'p',
        tls: { enabled: true, server_name: HOST },
      },
    ]);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.configs.map((p) => p.config)).toMatchObject([
      {
        protocol: 'hysteria2',
        ports: [{ from: 20000, to: 30000 }],
        hopInterval: 30,
        obfs: { type: 'salamander', password: 'o' },
        tls: { enabled: true, insecure: true },
      },
      {
        protocol: 'shadowsocks',
        plugin: {
          name: 'obfs-local',
          opts: [
            ['obfs', 'http'],
            ['obfs-host', 'bing.com'],
          ],
        },
      },
      { protocol: 'tuic', congestionControl: 'bbr', zeroRtt: true },
      { protocol: 'anytls', tls: { enabled: true, serverName: HOST } },
    ]);
  });

  it('reads WireGuard from endpoints (1.11+) and from the deprecated wireguard outbound', () => {
    const r = singBox(
      [
        {
          type: 'wireguard',
          tag: 'old',
          server: IP,
          server_port: 2408,
          local_address: ['172.16.0.2/32'],
          private_key: WG_PRIVATE,
          peer_public_key: WG_PUBLIC,
          reserved: [1, 2, 3],
        },
      ],
      [
        {
          type: 'wireguard',
          tag: 'new',
          address: ['172.16.0.2/32', '2606:4700::2/128'],
          private_key: WG_PRIVATE,
          mtu: 1280,
          peers: [{ address: IP, port: 946, public_key: WG_PUBLIC, persistent_keepalive_interval: 5 }],
        },
      ],
    );
    expect(r.configs.map((p) => [p.origin.from, p.config])).toMatchObject([
      [
        'sing-box:wireguard',
        { protocol: 'wireguard', port: 2408, addresses: ['172.16.0.2/32'], reserved: [1, 2, 3] },
      ],
      [
        'sing-box:wireguard',
        {
          protocol: 'wireguard',
          port: 946,
          addresses: ['172.16.0.2/32', '2606:4700::2/128'],
          mtu: 1280,
          keepalive: 5,
        },
      ],
    ]);
  });

  it('rejects outbound types the model cannot hold with UNSUPPORTED_ENTRY', () => {
    const r = singBox([
      { type: 'shadowtls', tag: 'st', server: HOST, server_port: 443, version: 3, password: 'p' },
    ]);
    expect(r.configs).toEqual([]);
    expect(r.diagnostics).toMatchObject([
      { code: 'UNSUPPORTED_ENTRY', line: 1, scheme: 'sing-box:shadowtls' },
    ]);
  });

  it('accepts a bare array of outbounds and a single outbound object', () => {
    const out = { type: 'trojan', tag: 'x', server: HOST, server_port: 443, password: 'p' };
    expect(parseSubscription(JSON.stringify([out])).configs).toHaveLength(1);
    const single = parseSubscription(JSON.stringify(out));
    expect(single.container).toBe('sing-box');
    expect(single.configs).toHaveLength(1);
  });
});
