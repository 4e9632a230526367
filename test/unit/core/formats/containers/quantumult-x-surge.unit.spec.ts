import { describe, expect, it } from 'vitest';
import { parseSubscription } from '../../../../../services/core/formats/parse-subscription.ts';
import { HOST, IP, PBK, UUID } from './fixtures.ts';

const qxConf = (lines: readonly string[]): string =>
  [
    '[general]',
    'network_check_url=http://www.baidu.com/',
    '',
    '[filter_remote]',
    'https://example.org/list.txt, tag=x, enabled=true',
    '',
    '[server_local]',
    ...lines,
    '',
    '[filter_local]',
    'final, direct',
  ].join('\n');

describe('Quantumult X', () => {
  it('reads only [server_local] lines; https:// lines of other sections are not links', () => {
    const r = parseSubscription(
      qxConf([
        `trojan = ${HOST}:443, password=p, over-tls=true, tls-host=, udp-relay=true, tls-verification=false, tag=🇩🇪 DE | 1`,
      ]),
    );
    expect(r.container).toBe('quantumult-x');
    expect(r.diagnostics).toEqual([]);
    expect(r.configs.map((p) => [p.origin, p.config])).toMatchObject([
      [
        { line: 8, from: 'quantumult-x:trojan' },
        {
          protocol: 'trojan',
          name: '🇩🇪 DE | 1',
          server: HOST,
          port: 443,
          tls: { enabled: true, insecure: true },
        },
      ],
    ]);
  });

  it('reads vless REALITY, wss with obfs-host as SNI, vmess with its SS-style cipher name, and SSR written as shadowsocks', () => {
    const r = parseSubscription(
      qxConf([
        `vless = ${HOST}:443, method=none, password=${UUID}, obfs=over-tls, obfs-host=www.microsoft.com, reality-base64-pubkey=${PBK}, reality-hex-shortid=ff77, vless-flow=xtls-rprx-vision, tag=r`,
        `vless = ${IP}:2053, method=none, password=${UUID}, obfs=wss, obfs-host=cdn.${HOST}, obfs-uri=/p?ed=2048, tag=w`,
        `vmess = ${IP}:80, method=chacha20-ietf-poly1305, password=${UUID}, obfs=ws, obfs-host=${HOST}, obfs-uri=/, tag=v`,
        `shadowsocks = ${IP}:2106, method=aes-256-cfb, password=pw, ssr-protocol=auth_aes128_md5, ssr-protocol-param=1:ab, obfs=tls1.2_ticket_auth, obfs-host=x.${HOST}, tag=s`,
      ]),
    );
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.configs.map((p) => p.config)).toMatchObject([
      {
        protocol: 'vless',
        flow: 'xtls-rprx-vision',
        tls: { enabled: true, serverName: 'www.microsoft.com', reality: { publicKey: PBK, shortId: 'ff77' } },
        transport: { type: 'tcp' },
      },
      {
        protocol: 'vless',
        tls: { enabled: true, serverName: `cdn.${HOST}` },
        transport: { type: 'ws', host: `cdn.${HOST}`, path: '/p', maxEarlyData: 2048 },
      },
      {
        protocol: 'vmess',
        cipher: 'chacha20-poly1305',
        alterId: 0,
        tls: { enabled: false },
        transport: { type: 'ws', host: HOST, path: '/' },
      },
      {
        protocol: 'shadowsocksr',
        method: 'aes-256-cfb',
        protocolName: 'auth_aes128_md5',
        protocolParam: '1:ab',
        obfs: 'tls1.2_ticket_auth',
        obfsParam: `x.${HOST}`,
      },
    ]);
  });

  it('keeps commas inside a tag', () => {
    const r = parseSubscription(qxConf([`trojan = ${HOST}:443, password=p, over-tls=true, tag=A, B, C`]));
    expect(r.configs[0]?.config.name).toBe('A, B, C');
  });

  it('rejects an unknown keyword with UNSUPPORTED_ENTRY and a broken host:port with MALFORMED_LINK', () => {
    const r = parseSubscription(qxConf(['snell = a.b.c:1, tag=x', `trojan = ${HOST}, password=p, tag=y`]));
    expect(r.configs).toEqual([]);
    expect(r.diagnostics.map((d) => [d.code, d.scheme])).toEqual([
      ['UNSUPPORTED_ENTRY', 'quantumult-x:snell'],
      ['MALFORMED_LINK', 'quantumult-x:trojan'],
    ]);
  });
});

describe('Surge / Loon', () => {
  it('reads Surge [Proxy] lines (legacy VMess unless vmess-aead=true) and counts built-in direct / reject entries as non-proxies', () => {
    const r = parseSubscription(
      [
        '[General]',
        'loglevel = notify',
        '[Proxy]',
        'DIRECT = direct',
        `ss1 = ss, ${IP}, 8388, encrypt-method=aes-128-gcm, password=p, obfs=http, obfs-host=bing.com`,
        `vm = vmess, ${HOST}, 443, username=${UUID}, ws=true, ws-path=/ws, ws-headers=Host:"cdn.${HOST}", tls=true, sni=${HOST}, vmess-aead=true`,
        `vl = vmess, ${HOST}, 80, username=${UUID}`,
        `tj = trojan, ${HOST}, 443, password=p, sni=${HOST}, skip-cert-verify=true`,
        `h2 = hysteria2, ${HOST}, 443, password=p, port-hopping=20000-30000, salamander-password=o`,
        `so = socks5, ${IP}, 1080, u, p`,
        '[Proxy Group]',
        'g = select, ss1',
      ].join('\n'),
    );
    expect(r.container).toBe('surge');
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.nonProxyEntries).toEqual({ 'surge:direct': 1 });
    expect(r.configs.map((p) => p.config)).toMatchObject([
      {
        protocol: 'shadowsocks',
        name: 'ss1',
        plugin: {
          name: 'obfs-local',
          opts: [
            ['obfs', 'http'],
            ['obfs-host', 'bing.com'],
          ],
        },
      },
      {
        protocol: 'vmess',
        alterId: 0,
        tls: { enabled: true, serverName: HOST },
        transport: { type: 'ws', path: '/ws', host: `cdn.${HOST}` },
      },
      { protocol: 'vmess', alterId: 1, tls: { enabled: false } },
      { protocol: 'trojan', tls: { enabled: true, insecure: true } },
      {
        protocol: 'hysteria2',
        ports: [{ from: 20000, to: 30000 }],
        obfs: { type: 'salamander', password: 'o' },
      },
      { protocol: 'socks', username: 'u', password: 'p' },
    ]);
  });

  it('reads Loon lines with positional cipher and password, transport=ws and over-tls', () => {
    const r = parseSubscription(
      [
        '[Proxy]',
        `a = Shadowsocks, ${IP}, 8388, aes-256-gcm, "pa ss", udp=true`,
        `b = vmess, ${HOST}, 443, auto, "${UUID}", transport=ws, path=/v, host=cdn.${HOST}, over-tls=true, tls-name=${HOST}`,
        `c = VLESS, ${HOST}, 443, "${UUID}", transport=tcp, flow=xtls-rprx-vision, public-key=${PBK}, short-id=ab, tls-name=www.microsoft.com`,
        `d = ShadowsocksR, ${IP}, 2106, aes-256-cfb, "pw", protocol=auth_aes128_md5, protocol-param=1:ab, obfs=plain`,
      ].join('\n'),
    );
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.configs.map((p) => p.config)).toMatchObject([
      { protocol: 'shadowsocks', method: 'aes-256-gcm', password: 'pa ss' },
      {
        protocol: 'vmess',
        uuid: UUID,
        cipher: 'auto',
        tls: { enabled: true, serverName: HOST },
        transport: { type: 'ws', path: '/v', host: `cdn.${HOST}` },
      },
      {
        protocol: 'vless',
        flow: 'xtls-rprx-vision',
        tls: { enabled: true, serverName: 'www.microsoft.com', reality: { publicKey: PBK, shortId: 'ab' } },
      },
      { protocol: 'shadowsocksr', protocolName: 'auth_aes128_md5', obfs: 'plain' },
    ]);
  });
});
