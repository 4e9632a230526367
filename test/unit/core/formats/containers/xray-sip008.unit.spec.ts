import { describe, expect, it } from 'vitest';
import { parseSubscription } from '../../../../../services/core/formats/parse-subscription.ts';
import { HOST, IP, PBK, UUID } from './fixtures.ts';

const vnext = (stream: object, user: object = {}): object => ({
  protocol: 'vless',
  tag: 'proxy-1',
  settings: {
    vnext: [
      { address: HOST, port: 443, users: [{ id: UUID, encryption: 'none', flow: '', level: 8, ...user }] },
    ],
  },
  streamSettings: stream,
});

describe('Xray JSON', () => {
  it('reads outbounds with streamSettings and counts freedom / blackhole / dns as non-proxies', () => {
    const r = parseSubscription(
      JSON.stringify({
        log: {},
        outbounds: [
          vnext(
            {
              network: 'raw',
              security: 'reality',
              realitySettings: {
                serverName: 'www.sony.com',
                publicKey: PBK,
                shortId: 'bfc5',
                fingerprint: 'chrome',
                spiderX: '/',
              },
            },
            { flow: 'xtls-rprx-vision' },
          ),
          vnext({
            network: 'ws',
            security: 'tls',
            wsSettings: { path: '/ws?ed=2048', headers: { Host: `cdn.${HOST}` } },
            tlsSettings: {
              serverName: HOST,
              allowInsecure: false,
              fingerprint: '',
              alpn: ['h2', 'http/1.1'],
            },
          }),
          {
            protocol: 'trojan',
            tag: 't',
            settings: { servers: [{ address: IP, port: 443, password: 'p' }] },
            streamSettings: {
              network: 'grpc',
              security: 'tls',
              grpcSettings: { serviceName: 'svc', multiMode: true },
            },
          },
          {
            protocol: 'shadowsocks',
            tag: 's',
            settings: {
              servers: [{ address: IP, port: 8388, method: 'chacha20-ietf-poly1305', password: 'p' }],
            },
          },
          { protocol: 'freedom', tag: 'direct', settings: {} },
          { protocol: 'blackhole', tag: 'block' },
          { protocol: 'dns', tag: 'dns-out' },
        ],
      }),
    );
    expect(r.container).toBe('xray');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.nonProxyEntries).toEqual({ 'xray:freedom': 1, 'xray:blackhole': 1, 'xray:dns': 1 });
    expect(r.configs.map((p) => p.config)).toMatchObject([
      {
        protocol: 'vless',
        flow: 'xtls-rprx-vision',
        tls: {
          enabled: true,
          serverName: 'www.sony.com',
          fingerprint: 'chrome',
          reality: { publicKey: PBK, shortId: 'bfc5', spiderX: '/' },
        },
        transport: { type: 'tcp' },
      },
      {
        protocol: 'vless',
        tls: { enabled: true, serverName: HOST, alpn: ['h2', 'http/1.1'] },
        transport: { type: 'ws', path: '/ws', host: `cdn.${HOST}`, maxEarlyData: 2048 },
      },
      { protocol: 'trojan', transport: { type: 'grpc', serviceName: 'svc', mode: 'multi' } },
      { protocol: 'shadowsocks', method: 'chacha20-ietf-poly1305' },
    ]);
  });

  it('reads xhttp with extra, TCP HTTP camouflage and h2 from streamSettings', () => {
    const r = parseSubscription(
      JSON.stringify({
        outbounds: [
          vnext({
            network: 'xhttp',
            security: 'none',
            xhttpSettings: {
              path: '/x',
              host: HOST,
              mode: 'packet-up',
              extra: { xPaddingBytes: '100-1000' },
            },
          }),
          vnext({
            network: 'tcp',
            tcpSettings: {
              header: { type: 'http', request: { path: ['/p'], headers: { Host: ['a.com', 'b.com'] } } },
            },
          }),
          vnext({ network: 'h2', security: 'tls', httpSettings: { host: [HOST], path: '/h2' } }),
        ],
      }),
    );
    expect(r.configs.map((p) => (p.config as { transport: unknown }).transport)).toEqual([
      { type: 'xhttp', host: HOST, path: '/x', mode: 'packet-up', extra: '{"xPaddingBytes":"100-1000"}' },
      { type: 'http', host: ['a.com', 'b.com'], path: '/p' },
      { type: 'h2', host: [HOST], path: '/h2' },
    ]);
  });

  it('keeps the TLS settings of a socks outbound over TLS', () => {
    const r = parseSubscription(
      JSON.stringify({
        outbounds: [
          {
            protocol: 'socks',
            tag: 's',
            settings: { servers: [{ address: HOST, port: 443, users: [{ user: 'u', pass: 'p' }] }] },
            streamSettings: {
              network: 'tcp',
              security: 'tls',
              tlsSettings: { serverName: HOST, allowInsecure: true },
            },
          },
        ],
      }),
    );
    expect(r.configs[0]?.config).toMatchObject({
      protocol: 'socks',
      version: '5',
      username: 'u',
      password: 'p',
      tls: { enabled: true, insecure: true },
    });
  });

  it('names nodes of a v2rayN array of full configs by their remarks', () => {
    const r = parseSubscription(
      JSON.stringify([
        {
          remarks: 'node A',
          outbounds: [
            { ...vnext({ network: 'tcp' }), tag: 'proxy' },
            { protocol: 'freedom', tag: 'direct' },
          ],
        },
      ]),
    );
    expect(r.container).toBe('xray');
    expect(r.configs.map((p) => p.config.name)).toEqual(['node A']);
  });
});

describe('SIP008 JSON', () => {
  it('reads servers with plugin options and takes traffic figures as metadata', () => {
    const r = parseSubscription(
      JSON.stringify({
        version: 1,
        servers: [
          {
            id: 'a',
            remarks: 'one',
            server: IP,
            server_port: 8388,
            password: 'p',
            method: 'aes-256-gcm',
            plugin: 'obfs-local',
            plugin_opts: 'obfs=tls;obfs-host=bing.com',
          },
          { id: 'b', remarks: 'two', server: HOST, server_port: 'x', password: 'p', method: 'aes-256-gcm' },
        ],
        bytes_used: 100,
        bytes_remaining: 900,
      }),
    );
    expect(r.container).toBe('sip008');
    expect(r.configs.map((p) => [p.origin.from, p.config])).toMatchObject([
      [
        'sip008:shadowsocks',
        {
          name: 'one',
          method: 'aes-256-gcm',
          plugin: {
            name: 'obfs-local',
            opts: [
              ['obfs', 'tls'],
              ['obfs-host', 'bing.com'],
            ],
          },
        },
      ],
    ]);
    expect(r.diagnostics).toMatchObject([{ code: 'INVALID_PORT', line: 2, scheme: 'sip008:shadowsocks' }]);
    expect(r.metadata.userinfo).toEqual({ download: 100, total: 1000 });
  });

  it('accepts a bare array of SIP008 servers (v2rayN)', () => {
    const r = parseSubscription(
      JSON.stringify([{ server: IP, server_port: 8388, password: 'p', method: 'aes-256-gcm' }]),
    );
    expect(r.container).toBe('sip008');
    expect(r.configs).toHaveLength(1);
  });
});
