import { describe, expect, it } from 'vitest';
import { emitBase64 } from '../../../../services/core/emit/base64.ts';
import { emitUri, shareLink } from '../../../../services/core/emit/uri.ts';
import { ALL_SAMPLES, SAMPLE_CONFIGS as S } from './sample-configs.ts';

function link(config: Parameters<typeof shareLink>[0]): string {
  const out = shareLink(config);
  if (typeof out !== 'string') throw new Error(`${out.code}: ${out.reason}`);
  return out;
}

function params(uri: string): Map<string, string> {
  const q = uri.indexOf('?');
  const h = uri.indexOf('#');
  const text = uri.slice(q + 1, h < 0 ? undefined : h);
  return new Map(
    text
      .split('&')
      .map((kv) => [kv.slice(0, kv.indexOf('=')), decodeURIComponent(kv.slice(kv.indexOf('=') + 1))]),
  );
}

describe('shareLink', () => {
  it('writes vless REALITY with XTLS keys, an empty-safe sid and the name in the fragment', () => {
    const uri = link(S.vlessRealityVision);
    expect(uri.startsWith('vless://48ff2b70-e180-582f-8866-d9a2edeed5f5@51.158.206.29:23576?')).toBe(true);
    expect(Object.fromEntries(params(uri))).toEqual({
      encryption: 'none',
      flow: 'xtls-rprx-vision',
      security: 'reality',
      sni: 'www.example.com',
      fp: 'chrome',
      pbk: S.vlessRealityVision.tls.reality.publicKey,
      sid: '01',
      type: 'tcp',
    });
    expect(decodeURIComponent(uri.slice(uri.indexOf('#') + 1))).toBe('🇳🇱 reality vision');
    expect(
      params(
        link({
          ...S.vlessRealityVision,
          tls: { ...S.vlessRealityVision.tls, reality: { publicKey: 'k', shortId: '' } },
        }),
      ).get('sid'),
    ).toBe('');
  });

  it('brackets IPv6 servers and carries ws early data as ?ed= inside the encoded path', () => {
    const uri = link(S.vlessWsEarlyData);
    expect(uri).toContain('@[2001:db8::10]:443?');
    expect(params(uri).get('path')).toBe('/ws/path?ed=2048');
    expect(params(uri).get('alpn')).toBe('h2,http/1.1');
  });

  it('percent-encodes every reserved character of a password so no parser splits on it', () => {
    const uri = link(S.trojanHostilePassword);
    const userinfo = uri.slice('trojan://'.length, uri.lastIndexOf('@'));
    expect(userinfo).not.toMatch(/[#?@:/&=+%[\]](?![0-9A-F]{2})/);
    expect(decodeURIComponent(userinfo)).toBe(S.trojanHostilePassword.password);
  });

  it('keeps raw xhttp extra JSON intact through encoding', () => {
    expect(params(link(S.vlessXhttpExtra)).get('extra')).toBe('{"xPaddingBytes":"100-1000"}');
  });

  it('writes vmess as v2rayN JSON with string port and aid', () => {
    const uri = link(S.vmessGrpc);
    const json = JSON.parse(Buffer.from(uri.slice('vmess://'.length), 'base64').toString('utf8')) as Record<
      string,
      string
    >;
    expect(json).toEqual({
      v: '2',
      ps: 'vmess grpc',
      add: '45.138.74.173',
      port: '13700',
      id: '6ddf3049-acea-47a3-899c-862e6e9d5d0f',
      aid: '0',
      scy: 'chacha20-poly1305',
      net: 'grpc',
      type: 'gun',
      host: '',
      path: 'Telegram@Rnrifci',
      tls: 'tls',
      sni: 'grpc.example.com',
      alpn: 'h2',
    });
  });

  it('writes SIP002 base64url userinfo, and the plain form SIP022 requires for 2022 ciphers', () => {
    expect(link(S.ssAead)).toBe(
      'ss://Y2hhY2hhMjAtaWV0Zi1wb2x5MTMwNTowMDAwMDAwMA@193.29.139.159:8080#ss%20aead',
    );
    expect(link(S.ss2022MultiUser)).toBe(
      'ss://2022-blake3-aes-128-gcm:iM1bWEnXySb07vyE1tmMOw%3D%3D%3AuV8EY6CLfu8lzmhaZVrMMw%3D%3D@[2a0c:4ac1:8::1cb]:8388/?uot=1#ss%202022%20iPSK%3AuPSK',
    );
  });

  it('writes a SIP003 plugin parameter with escaped option values', () => {
    expect(params(link(S.ssObfs)).get('plugin')).toBe('obfs-local;obfs=http;obfs-host=www.bing.com');
    expect(params(link(S.ssV2rayPlugin)).get('plugin')).toBe(
      'v2ray-plugin;mode=websocket;host=ss.example.com;path=/v2;tls',
    );
  });

  it('writes ssr as base64url of the six fields with base64url parameters', () => {
    const body = Buffer.from(link(S.ssr).slice('ssr://'.length), 'base64url').toString('utf8');
    const [main, query] = body.split('/?') as [string, string];
    expect(main.split(':').slice(0, 5)).toEqual([
      '120.232.1.1',
      '31234',
      'auth_aes128_md5',
      'aes-256-cfb',
      'tls1.2_ticket_auth',
    ]);
    expect(Buffer.from(main.split(':')[5] ?? '', 'base64url').toString()).toBe('ssr+pass/word=');
    const q = new Map(query.split('&').map((kv) => kv.split('=') as [string, string]));
    expect(Buffer.from(q.get('remarks') ?? '', 'base64url').toString()).toBe('ssr');
    expect(Buffer.from(q.get('protoparam') ?? '', 'base64url').toString()).toBe('1234:abcd');
  });

  it('writes hysteria2 with the auth in userinfo, obfs and mport hopping', () => {
    const uri = link(S.hysteria2Hopping);
    expect(uri.startsWith('hysteria2://https%3A%2F%2Fxship.2fa.cat@us6.dexlos.com:21000/?')).toBe(true);
    expect(params(uri).get('mport')).toBe('21000-21199');
    expect(params(uri).get('obfs-password')).toBe('M2UyNTc5OWUwYjkyM2Q2OQ==');
  });

  it('writes tuic with uuid:password userinfo and dae parameter names', () => {
    const uri = link(S.tuic);
    expect(
      uri.startsWith(
        'tuic://7f9a73a3-e455-4053-ae38-f07719753dff:----Join-Telegram%3A%40IP_CF----@79.137.206.126:443?',
      ),
    ).toBe(true);
    expect(Object.fromEntries(params(uri))).toMatchObject({
      congestion_control: 'cubic',
      udp_relay_mode: 'native',
      allow_insecure: '1',
      alpn: 'h3,spdy/3.1',
      reduce_rtt: '1',
    });
  });

  it('writes wireguard with an encoded private key and comma lists', () => {
    const uri = link(S.wireguard);
    expect(
      uri.startsWith(
        'wireguard://eCtXsJZ27%2B4PbhDkHnB923tkUn2Gj59wZw5wFA75MnU%3D@engage.cloudflareclient.com:2408?',
      ),
    ).toBe(true);
    expect(params(uri).get('address')).toBe('172.16.0.2/32,2606:4700:110:8758:a54c:ef3b:14c6:9cfd/128');
    expect(params(uri).get('reserved')).toBe('242,128,94');
  });

  it('writes socks and http proxies with plain userinfo and the scheme naming version and TLS', () => {
    expect(link(S.socks5)).toBe('socks5://abc123:abc%3A123@47.239.98.42:1080#DIRECT');
    expect(link(S.socks4)).toBe('socks4://5.255.99.75:1080#socks4');
    expect(link(S.httpPlain)).toBe('http://103.62.50.130:3128');
    expect(
      link(S.httpsProxy).startsWith(
        'https://5e2f888c-68ef-11ef-96ca-f23c9164ca5d:5e2f888c-68ef-11ef-96ca-f23c9164ca5d@f67b0a3c.example.net:443?',
      ),
    ).toBe(true);
  });

  it('refuses what a link syntax cannot carry instead of dropping it', () => {
    const reality = shareLink({
      ...S.vmessWsTls,
      tls: { enabled: true, reality: { publicKey: 'k', shortId: '' } },
    });
    expect(reality).toMatchObject({ code: 'UNSUPPORTED_SECURITY' });
    const header = shareLink({
      ...S.vlessWsEarlyData,
      transport: { type: 'ws', path: '/', maxEarlyData: 1, earlyDataHeaderName: 'X-Ed' },
    });
    expect(header).toMatchObject({ code: 'UNREPRESENTABLE_VALUE' });
  });
});

describe('emitUri / emitBase64', () => {
  it('writes one link per line for every sample protocol', () => {
    const result = emitUri(ALL_SAMPLES);
    expect(result.incompatible).toEqual([]);
    expect(result.output.trimEnd().split('\n')).toHaveLength(ALL_SAMPLES.length);
  });

  it('wraps the same list in one line of standard padded base64', () => {
    const list = emitUri(ALL_SAMPLES);
    const b64 = emitBase64(ALL_SAMPLES);
    expect(b64.output).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(b64.output, 'base64').toString('utf8')).toBe(list.output);
    expect(b64.emitted).toBe(list.emitted);
  });

  it('writes an empty body for an empty list', () => {
    expect(emitUri([])).toEqual({ output: '', emitted: 0, incompatible: [] });
    expect(emitBase64([]).output).toBe('');
  });
});

describe('shareLink semantics that differ between clients', () => {
  it('writes the server as SNI when TLS has no server name but the transport has a Host header', () => {
    const ws = { ...S.vmessWsTls, tls: { enabled: true } } as const;
    const json = JSON.parse(
      Buffer.from(link(ws).slice('vmess://'.length), 'base64').toString('utf8'),
    ) as Record<string, string>;
    expect(json['sni']).toBe('de5.taskflowhub.org');
    const trojan = link({ ...S.trojanWs, server: '104.21.1.1', tls: { enabled: true } });
    expect(params(trojan).get('sni')).toBe('104.21.1.1');
  });

  it('carries the vmess packet encoding in the JSON for importers that read it', () => {
    const uri = link({ ...S.vmessGrpc, packetEncoding: 'packetaddr' });
    const json = JSON.parse(Buffer.from(uri.slice('vmess://'.length), 'base64').toString('utf8')) as Record<
      string,
      string
    >;
    expect(json['packetEncoding']).toBe('packetaddr');
  });
});
