import { describe, expect, it } from 'vitest';
import { parseSubscription } from '../../../../../services/core/formats/parse-subscription.ts';
import type { ProxyConfig } from '../../../../../services/core/model/config.ts';
import { HOST, IP, PBK, UUID, WG_PRIVATE, WG_PUBLIC } from './fixtures.ts';

function clash(proxies: string, head = 'port: 7890\nmode: rule\n'): ReturnType<typeof parseSubscription> {
  return parseSubscription(
    `${head}proxies:\n${proxies}\nproxy-groups:\n  - {name: g, type: select, proxies: [a]}\nrules:\n  - MATCH,g\n`,
  );
}

function only(proxies: string): ProxyConfig {
  const r = clash(proxies);
  expect(r.container).toBe('clash');
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(r.configs).toHaveLength(1);
  return (r.configs[0] as { config: ProxyConfig }).config;
}

describe('Clash / mihomo YAML', () => {
  it('reads a flow-style vless REALITY entry and keeps an unquoted all-digit short-id as written', () => {
    const c = only(
      `  - {name: r1, server: ${HOST}, port: 443, type: vless, uuid: ${UUID}, tls: true, flow: xtls-rprx-vision, servername: www.microsoft.com, client-fingerprint: chrome, reality-opts: {public-key: ${PBK}, short-id: 00000000}, network: tcp}`,
    );
    expect(c).toMatchObject({
      protocol: 'vless',
      name: 'r1',
      server: HOST,
      port: 443,
      uuid: UUID,
      flow: 'xtls-rprx-vision',
      encryption: 'none',
      transport: { type: 'tcp' },
      tls: {
        enabled: true,
        serverName: 'www.microsoft.com',
        fingerprint: 'chrome',
        reality: { publicKey: PBK, shortId: '00000000' },
      },
    });
  });

  it('reads vmess with ws-opts, splitting ?ed= early data out of the path', () => {
    const c = only(
      `  - name: v1\n    type: vmess\n    server: ${HOST}\n    port: "8443"\n    uuid: ${UUID}\n    alterId: 0\n    cipher: auto\n    tls: true\n    servername: ${HOST}\n    network: ws\n    ws-opts:\n      path: "/ws?ed=2048"\n      headers:\n        Host: cdn.${HOST}`,
    );
    expect(c).toMatchObject({
      protocol: 'vmess',
      port: 8443,
      alterId: 0,
      cipher: 'auto',
      transport: {
        type: 'ws',
        path: '/ws',
        host: `cdn.${HOST}`,
        maxEarlyData: 2048,
        earlyDataHeaderName: 'Sec-WebSocket-Protocol',
      },
    });
  });

  it('reads the legacy Clash keys ws-path / ws-headers and the old top-level Proxy list', () => {
    const r = parseSubscription(
      `Proxy:\n  - {name: old, type: vmess, server: ${HOST}, port: 80, uuid: ${UUID}, alterId: 64, cipher: aes-128-gcm, network: ws, ws-path: /old, ws-headers: {Host: h.${HOST}}}\n`,
    );
    expect(r.container).toBe('clash');
    expect(r.configs[0]?.config).toMatchObject({
      alterId: 64,
      cipher: 'aes-128-gcm',
      transport: { type: 'ws', path: '/old', host: `h.${HOST}` },
    });
  });

  it('maps network http, h2, grpc, xhttp and ws with v2ray-http-upgrade to the model transports', () => {
    const base = `server: ${HOST}, port: 443, type: vless, uuid: ${UUID}, tls: true`;
    const r = clash(
      [
        `  - {name: a, ${base}, network: http, http-opts: {method: GET, path: [/p], headers: {Host: [x.${HOST}, y.${HOST}]}}}`,
        `  - {name: b, ${base}, network: h2, h2-opts: {host: [h.${HOST}], path: /h2}}`,
        `  - {name: c, ${base}, network: grpc, grpc-opts: {grpc-service-name: svc, grpc-mode: multi}}`,
        `  - {name: d, ${base}, network: xhttp, xhttp-opts: {path: /x, host: x.${HOST}, mode: packet-up}}`,
        `  - {name: e, ${base}, network: ws, ws-opts: {path: /up, headers: {Host: u.${HOST}}, v2ray-http-upgrade: true}}`,
      ].join('\n'),
    );
    expect(r.configs.map((p) => (p.config as { transport: unknown }).transport)).toEqual([
      { type: 'http', host: [`x.${HOST}`, `y.${HOST}`], path: '/p', method: 'GET' },
      { type: 'h2', host: [`h.${HOST}`], path: '/h2' },
      { type: 'grpc', serviceName: 'svc', mode: 'multi' },
      { type: 'xhttp', path: '/x', host: `x.${HOST}`, mode: 'packet-up' },
      { type: 'httpupgrade', path: '/up', host: `u.${HOST}` },
    ]);
  });

  it('keeps xhttp-opts settings beyond path/host/mode as Xray extra JSON (numbers as numbers), dropping unknown keys with a warning', () => {
    const r = clash(
      `  - {name: x, type: vless, server: ${HOST}, port: 443, uuid: ${UUID}, tls: true, network: xhttp, xhttp-opts: {path: /x, mode: stream-one, x-padding-bytes: 100-1000, sc-max-each-post-bytes: 1000000, no-grpc-header: true, reuse-settings: {max-concurrency: 16-32, h-keep-alive-period: 30}, mystery: 1}}`,
    );
    expect(r.configs[0]?.config).toMatchObject({
      transport: {
        type: 'xhttp',
        path: '/x',
        mode: 'stream-one',
        extra:
          '{"xPaddingBytes":"100-1000","scMaxEachPostBytes":1000000,"noGRPCHeader":true,"xmux":{"maxConcurrency":"16-32","hKeepAlivePeriod":30}}',
      },
    });
    expect(r.diagnostics).toMatchObject([
      { code: 'DROPPED_FIELD', severity: 'warning', message: 'xhttp-opts mystery not kept' },
    ]);
  });

  it('keeps xhttp-opts plain string settings as text (numeric-looking and empty ones too) and false booleans as false', () => {
    const r = clash(
      `  - {name: x, type: vless, server: ${HOST}, port: 443, uuid: ${UUID}, tls: true, network: xhttp, xhttp-opts: {path: /x, x-padding-key: "123", seq-key: "0", session-table: "", no-grpc-header: false, session-length: 16-32}}`,
    );
    expect(r.configs[0]?.config).toMatchObject({
      transport: {
        type: 'xhttp',
        extra:
          '{"xPaddingKey":"123","seqKey":"0","sessionTable":"","noGRPCHeader":false,"sessionLength":"16-32"}',
      },
    });
    expect(r.diagnostics).toEqual([]);
  });

  it('reads ss with the obfs plugin and ssr with the non-standard protocolparam / obfsparam keys', () => {
    const r = clash(
      [
        `  - {name: s, type: ss, server: ${IP}, port: 8388, cipher: aes-128-gcm, password: "0123", plugin: obfs, plugin-opts: {mode: http, host: bing.com}}`,
        `  - {name: r, type: ssr, server: ${IP}, port: 8389, cipher: chacha20-ietf, password: pw, protocol: auth_aes128_md5, protocolparam: "1:abc", obfs: tls1.2_ticket_auth, obfsparam: x.${HOST}}`,
      ].join('\n'),
    );
    expect(r.configs.map((p) => p.config)).toMatchObject([
      {
        protocol: 'shadowsocks',
        method: 'aes-128-gcm',
        password: '0123',
        plugin: {
          name: 'obfs-local',
          opts: [
            ['obfs', 'http'],
            ['obfs-host', 'bing.com'],
          ],
        },
      },
      {
        protocol: 'shadowsocksr',
        protocolName: 'auth_aes128_md5',
        protocolParam: '1:abc',
        obfs: 'tls1.2_ticket_auth',
        obfsParam: `x.${HOST}`,
      },
    ]);
  });

  it('reads hysteria with both auth_str and auth-str, and hysteria2 with password + auth, ports and obfs', () => {
    const r = clash(
      [
        `  - {name: h1, server: ${IP}, port: 54177, type: hysteria, auth_str: dongtaiwang.com, auth-str: dongtaiwang.com, up: "500 Mbps", down: 1000, protocol: faketcp, sni: apple.com, skip-cert-verify: true, alpn: [h3]}`,
        `  - {name: h2, server: ${HOST}, port: 21000, type: hysteria2, password: pw1, auth: pw1, ports: 21000-21199, obfs: salamander, obfs-password: secret, sni: ${HOST}}`,
      ].join('\n'),
    );
    expect(r.configs.map((p) => p.config)).toMatchObject([
      {
        protocol: 'hysteria',
        authStr: 'dongtaiwang.com',
        upMbps: 500,
        downMbps: 1000,
        transportProtocol: 'faketcp',
        tls: { enabled: true, serverName: 'apple.com', insecure: true, alpn: ['h3'] },
      },
      {
        protocol: 'hysteria2',
        password: 'pw1',
        ports: [{ from: 21000, to: 21199 }],
        obfs: { type: 'salamander', password: 'secret' },
        tls: { enabled: true, serverName: HOST },
      },
    ]);
  });

  it('reads tuic v5, anytls, socks5, http and wireguard with base64 reserved bytes', () => {
    const r = clash(
      [
        `  - {name: t, server: ${IP}, port: 443, type: tuic, uuid: ${UUID}, password: p, congestion-controller: bbr, udp-relay-mode: native, reduce-rtt: true, alpn: [h3], sni: ${HOST}}`,
        `  - {name: a, server: ${HOST}, port: 443, type: anytls, password: p, sni: ${HOST}, skip-cert-verify: true}`,
        `  - {name: s, server: ${IP}, port: 1080, type: socks5, username: u, password: p}`,
        `  - {name: h, server: ${IP}, port: 443, type: http, username: u, password: p, tls: true, sni: ${HOST}}`,
        `  - {name: w, server: ${IP}, port: 51820, type: wireguard, private-key: "${WG_PRIVATE}", public-key: "${WG_PUBLIC}", ip: 172.16.0.2, ipv6: "2606:4700::2", reserved: AQID, mtu: 1280}`,
      ].join('\n'),
    );
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.configs.map((p) => p.config)).toMatchObject([
      {
        protocol: 'tuic',
        uuid: UUID,
        password: 'p',
        congestionControl: 'bbr',
        udpRelayMode: 'native',
        zeroRtt: true,
      },
      { protocol: 'anytls', password: 'p', tls: { enabled: true, insecure: true } },
      { protocol: 'socks', version: '5', username: 'u', password: 'p' },
      { protocol: 'http', tls: { enabled: true, serverName: HOST } },
      {
        protocol: 'wireguard',
        addresses: ['172.16.0.2/32', '2606:4700::2/128'],
        reserved: [1, 2, 3],
        mtu: 1280,
      },
    ]);
  });

  it('reads an empty or absent hysteria2 / tuic password as the empty password, as the share links do', () => {
    const r = clash(
      [
        `  - {name: h, type: hysteria2, server: ${HOST}, port: 443, password: ""}`,
        `  - {name: t, type: tuic, server: ${HOST}, port: 443, uuid: ${UUID}}`,
      ].join('\n'),
    );
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(r.configs.map((p) => (p.config as { password: string }).password)).toEqual(['', '']);
  });

  it('rejects mihomo-only types and TUIC v4 tokens with UNSUPPORTED_ENTRY and keeps the other entries', () => {
    const r = clash(
      [
        `  - {name: m, server: ${IP}, port: 2999, type: mieru, username: u, password: p, transport: TCP}`,
        `  - {name: t4, server: ${IP}, port: 443, type: tuic, token: abc}`,
        `  - {name: ok, server: ${HOST}, port: 443, type: trojan, password: p}`,
      ].join('\n'),
    );
    expect(r.configs.map((p) => p.origin)).toEqual([{ line: 3, from: 'clash:trojan' }]);
    expect(r.diagnostics.map((d) => [d.code, d.line, d.scheme])).toEqual([
      ['UNSUPPORTED_ENTRY', 1, 'clash:mieru'],
      ['UNSUPPORTED_ENTRY', 2, 'clash:tuic'],
    ]);
  });

  it('reads JSON-syntax Clash config (valid YAML written as JSON)', () => {
    const body = JSON.stringify(
      {
        'mixed-port': 7890,
        proxies: [{ name: 'j', type: 'trojan', server: HOST, port: 443, password: 'p', sni: HOST }],
        rules: [],
      },
      null,
      2,
    );
    const r = parseSubscription(body);
    expect(r.container).toBe('clash');
    expect(r.configs[0]?.config).toMatchObject({
      protocol: 'trojan',
      name: 'j',
      tls: { enabled: true, serverName: HOST },
    });
  });

  it('reads every document of a multi-document stream', () => {
    const r = parseSubscription(
      `proxies:\n  - {name: a, type: trojan, server: a.${HOST}, port: 443, password: p}\n---\nproxies:\n  - {name: b, type: trojan, server: b.${HOST}, port: 443, password: p}\n`,
    );
    expect(r.configs.map((p) => [p.config.name, p.origin.line])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('finds the proxies block in a CRLF body surrounded by other top-level keys', () => {
    const body = [
      'port: 7890',
      'proxies:',
      `  - {name: a, type: trojan, server: ${HOST}, port: 443, password: p}`,
      '',
      '  # comment',
      `  - {name: b, type: trojan, server: ${IP}, port: 443, password: p}`,
      'rules:',
      '  - MATCH,DIRECT',
      '',
    ].join('\r\n');
    const r = parseSubscription(body);
    expect(r.container).toBe('clash');
    expect(r.configs.map((p) => [p.config.name, p.origin.line])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('recovers entry by entry from invalid YAML: one broken proxy line loses only itself', () => {
    const r = clash(
      [
        `  - {name: good1, type: trojan, server: a.${HOST}, port: 443, password: p}`,
        `  - {name: "FR-"2001:bc8::1"-021", type: vless, server: b.${HOST}, port: 443, uuid: ${UUID}}`,
        `  - {name: good2, type: trojan, server: c.${HOST}, port: 443, password: p}`,
      ].join('\n'),
    );
    expect(r.configs.map((p) => p.config.name)).toEqual(['good1', 'good2']);
    expect(r.diagnostics).toMatchObject([
      { code: 'INVALID_YAML', severity: 'error', line: 2, scheme: 'clash:vless' },
    ]);
  });

  it('stops a YAML alias bomb with a diagnostic instead of expanding it', () => {
    const bomb =
      'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\nproxies: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n';
    const r = parseSubscription(bomb);
    expect(r.configs).toEqual([]);
    expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });

  it('refuses nesting deeper than the limit without parsing it', () => {
    const r = parseSubscription(`proxies: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(r.configs).toEqual([]);
    expect(r.diagnostics[0]).toMatchObject({ code: 'INVALID_YAML' });
  });

  it('drops TLS details of an entry whose TLS is off, with a warning', () => {
    const r = clash(
      `  - {name: p, type: vless, server: ${HOST}, port: 80, uuid: ${UUID}, tls: false, servername: ${HOST}, network: tcp}`,
    );
    expect(r.configs[0]?.config).toMatchObject({ tls: { enabled: false } });
    expect(r.diagnostics).toMatchObject([
      { code: 'DROPPED_FIELD', severity: 'warning', line: 1, scheme: 'clash:vless' },
    ]);
  });

  it('reports a proxies entry without a server as MISSING_FIELD at its entry index', () => {
    const r = clash(
      `  - {name: a, type: trojan, server: ${HOST}, port: 443, password: p}\n  - {name: b, type: trojan, port: 443, password: p}`,
    );
    expect(r.configs).toHaveLength(1);
    expect(r.diagnostics).toMatchObject([{ code: 'MISSING_FIELD', line: 2, scheme: 'clash:trojan' }]);
  });
});
