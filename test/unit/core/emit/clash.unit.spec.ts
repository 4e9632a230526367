import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { emitClash } from '../../../../services/core/emit/clash.ts';
import { ALL_SAMPLES, DUPLICATE_NAMES, SAMPLE_CONFIGS as S } from './sample-configs.ts';

interface Profile {
  proxies: Record<string, unknown>[];
  'proxy-groups': { name: string; type: string; proxies: string[] }[];
  rules: string[];
}

function profile(output: string, version: '1.1' | '1.2' = '1.2'): Profile {
  return parse(output, { version }) as Profile;
}

function proxy(p: Profile, name: string): Record<string, unknown> {
  const found = p.proxies.find((x) => x['name'] === name);
  if (found === undefined) throw new Error(`no proxy ${name}`);
  return found;
}

describe('emitClash', () => {
  it('keeps numeric-looking and keyword strings as strings under YAML 1.1 and 1.2 loaders', () => {
    const output = emitClash([S.vlessRealityNoFp, S.ssAead, S.trojanWs, S.vmessWsTls]).output;
    for (const version of ['1.1', '1.2'] as const) {
      const p = profile(output, version);
      expect(proxy(p, S.vlessRealityNoFp.name)['reality-opts']).toEqual({
        'public-key': S.vlessRealityNoFp.tls.reality.publicKey,
        'short-id': '00000000',
      });
      expect(proxy(p, 'ss aead')['password']).toBe('00000000');
      expect(proxy(p, 'null')['password']).toBe('true');
      expect(proxy(p, '12345678')['type']).toBe('vmess');
    }
  });

  it('writes a PROXY select group over an AUTO url-test group and a MATCH rule', () => {
    const p = profile(emitClash([S.ssAead, S.tuic]).output);
    expect(p['proxy-groups']).toEqual([
      { name: 'PROXY', type: 'select', proxies: ['AUTO', 'ss aead', 'tuic'] },
      {
        name: 'AUTO',
        type: 'url-test',
        url: 'https://www.gstatic.com/generate_204',
        interval: 300,
        tolerance: 50,
        proxies: ['ss aead', 'tuic'],
      },
    ]);
    expect(p.rules).toEqual(['MATCH,PROXY']);
  });

  it('renames duplicates with -01/-02 and never shadows a built-in policy', () => {
    const p = profile(emitClash([...DUPLICATE_NAMES, S.socks5]).output);
    expect(p.proxies.map((x) => x['name'])).toEqual([
      'ss aead',
      'ss aead-02',
      'ss aead-03',
      'ss aead-01',
      'DIRECT-01',
    ]);
  });

  it('maps REALITY to reality-opts with a client fingerprint, and drops spiderX', () => {
    const p = proxy(profile(emitClash([S.vlessRealityNoFp]).output), S.vlessRealityNoFp.name);
    expect(p).toMatchObject({
      tls: true,
      servername: 'www.microsoft.com',
      'client-fingerprint': 'chrome',
      network: 'grpc',
      'grpc-opts': { 'grpc-service-name': 'grpc-svc' },
    });
    expect(JSON.stringify(p)).not.toContain('spider');
  });

  it('maps httpupgrade to ws-opts v2ray-http-upgrade and ws early data to max-early-data', () => {
    const p = profile(emitClash([S.vlessHttpUpgrade, S.vlessWsEarlyData]).output);
    expect(proxy(p, S.vlessHttpUpgrade.name)['ws-opts']).toEqual({
      path: '/d3d3LmlyYW5ob3N0LmNvbQ==',
      headers: { Host: 'mci.example.ir.' },
      'v2ray-http-upgrade': true,
      'v2ray-http-upgrade-fast-open': true,
    });
    expect(proxy(p, S.vlessWsEarlyData.name)['ws-opts']).toEqual({
      path: '/ws/path',
      headers: { Host: 'cdn.example.com' },
      'max-early-data': 2048,
      'early-data-header-name': 'Sec-WebSocket-Protocol',
    });
  });

  it('maps shadowsocks plugins to mihomo plugin names and options', () => {
    const p = profile(emitClash([S.ssObfs, S.ssV2rayPlugin, S.ssShadowTls]).output);
    expect(proxy(p, 'ss obfs')).toMatchObject({
      plugin: 'obfs',
      'plugin-opts': { mode: 'http', host: 'www.bing.com' },
      password: 'pa;ss=word',
    });
    expect(proxy(p, 'ss v2ray-plugin')).toMatchObject({
      plugin: 'v2ray-plugin',
      'plugin-opts': { mode: 'websocket', host: 'ss.example.com', path: '/v2', tls: true },
    });
    expect(proxy(p, 'ss shadow-tls')).toMatchObject({
      plugin: 'shadow-tls',
      'plugin-opts': { host: 'www.apple.com', password: 'stpass', version: 3 },
    });
  });

  it('maps vmess mKCP to network mkcp and refuses headers mihomo would silently ignore', () => {
    const p = proxy(profile(emitClash([S.vmessKcpLegacy]).output), S.vmessKcpLegacy.name);
    expect(p).toMatchObject({ network: 'mkcp', alterId: 64, cipher: 'aes-128-gcm' });
    const dns = emitClash([{ ...S.vmessKcpLegacy, transport: { type: 'kcp', headerType: 'dns' } }]);
    expect(dns.incompatible[0]?.code).toBe('UNSUPPORTED_TRANSPORT');
  });

  it('carries xhttp extra settings as mihomo xhttp-opts', () => {
    const p = proxy(profile(emitClash([S.vlessXhttpExtra]).output), S.vlessXhttpExtra.name);
    expect(p['xhttp-opts']).toEqual({
      path: '/x',
      host: 'xhttp.example.org',
      mode: 'auto',
      'x-padding-bytes': '100-1000',
    });
  });

  it('splits WireGuard addresses into ip and ipv6', () => {
    const p = proxy(profile(emitClash([S.wireguard]).output), 'warp');
    expect(p).toMatchObject({
      ip: '172.16.0.2',
      ipv6: '2606:4700:110:8758:a54c:ef3b:14c6:9cfd',
      reserved: [242, 128, 94],
      'persistent-keepalive': 5,
    });
  });

  it('writes hysteria2 port hopping as a ports list and keeps obfs and bandwidth', () => {
    const p = proxy(profile(emitClash([S.hysteria2Hopping]).output), S.hysteria2Hopping.name);
    expect(p).toMatchObject({
      port: 21000,
      ports: '21000-21199',
      'hop-interval': 30,
      obfs: 'salamander',
      'obfs-password': 'M2UyNTc5OWUwYjkyM2Q2OQ==',
      up: '50 Mbps',
      down: '100 Mbps',
    });
  });

  it('leaves out what mihomo cannot express, each with a stable code', () => {
    const result = emitClash(ALL_SAMPLES);
    const codes = Object.fromEntries(result.incompatible.map((i) => [i.name, i.code]));
    expect(codes).toEqual({
      [S.trojanNoTls.name]: 'UNSUPPORTED_SECURITY',
      [S.hysteriaNoBandwidth.name]: 'MISSING_REQUIRED_FIELD',
      [S.socks4.name]: 'UNSUPPORTED_OPTION',
      [S.naive.name]: 'UNSUPPORTED_PROTOCOL',
    });
    expect(profile(result.output).proxies).toHaveLength(result.emitted);
  });

  it('writes a loadable profile with DIRECT in the groups when nothing could be emitted', () => {
    const p = profile(emitClash([S.naive]).output);
    expect(p.proxies).toEqual([]);
    expect(p['proxy-groups'][0]?.proxies).toEqual(['AUTO', 'DIRECT']);
  });
});
