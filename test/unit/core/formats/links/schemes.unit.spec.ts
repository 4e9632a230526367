import { describe, expect, it } from 'vitest';
import { parse } from './vector-links.ts';

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const UUID = '0377f33b-abfd-4492-ad10-f6dd3d4e3072';
const PBK = 'OCRYYq4e92sQ-wWFRX6WX9pdvuFBWOqybLhpSiv3nFA';
const WG_KEY = 'bmXOC+F1FxEMF9dyiK2H5/1SUtzH0JuVo51h2wPfgyo=';

describe('parseLink: scheme handling', () => {
  it('reports unknown and unsupported schemes with UNKNOWN_SCHEME and the scheme', () => {
    expect(parse('foo://bar').diagnostics).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_SCHEME', scheme: 'foo', message: 'unknown scheme foo://' }),
    ]);
    expect(parse('mieru://x@h.com:1').diagnostics[0]?.message).toBe('unsupported scheme mieru://');
  });

  it('reads schemes case-insensitively and reports diagnostics under the scheme as written', () => {
    expect(parse(`VLESS://${UUID}@h.com:443`).config?.protocol).toBe('vless');
    expect(parse('HY2://p@10.0.0.1:443').diagnostics).toEqual([
      expect.objectContaining({ code: 'PRIVATE_ADDRESS', scheme: 'hy2' }),
    ]);
  });

  it('rejects text that is not a link', () => {
    expect(parse('---@Ho3ein_ezd').codes).toEqual(['MALFORMED_LINK']);
    expect(parse('').codes).toEqual(['MALFORMED_LINK']);
  });

  it('rejects absurdly long links', () => {
    expect(parse(`vless://${UUID}@h.com:443#${'x'.repeat(70_000)}`).codes).toEqual(['LINE_TOO_LONG']);
  });

  it('requires a port for vless/vmess/ss and rejects non-numeric ports', () => {
    expect(parse(`vless://${UUID}@h.com`).codes).toEqual(['INVALID_PORT']);
    expect(parse(`vless://${UUID}@h.com:44x`).codes).toEqual(['INVALID_PORT']);
  });

  it('repairs an IPv6 server published without brackets, with a warning', () => {
    const r = parse(`vless://${UUID}@2001:db8:1::5:443?security=none`, true);
    expect(r.config).toMatchObject({ server: '2001:db8:1::5', port: 443 });
    expect(r.codes).toContain('REPAIRED_VALUE');
  });
});

describe('vmess forms', () => {
  it('reads the Xray URL form with encryption as the cipher', () => {
    const r = parse(
      `vmess://${UUID}@h.com:443?type=ws&path=%2Fws&host=cdn.com&security=tls&encryption=aes-128-gcm#n`,
    );
    expect(r.config).toEqual({
      protocol: 'vmess',
      name: 'n',
      server: 'h.com',
      port: 443,
      uuid: UUID,
      alterId: 0,
      cipher: 'aes-128-gcm',
      tls: { enabled: true, serverName: 'cdn.com' },
      transport: { type: 'ws', path: '/ws', host: 'cdn.com' },
    });
  });

  it('reads the Shadowrocket form', () => {
    const r = parse(
      `vmess://${b64(`auto:${UUID}@h.com:8443`)}?remarks=SR&obfs=websocket&path=/p&obfsParam=cdn.com&tls=1&peer=sni.com`,
    );
    expect(r.config).toMatchObject({
      name: 'SR',
      server: 'h.com',
      port: 8443,
      uuid: UUID,
      cipher: 'auto',
      tls: { enabled: true, serverName: 'sni.com' },
      transport: { type: 'ws', path: '/p', host: 'cdn.com' },
    });
  });

  it('uses the fragment as the name when ps is empty', () => {
    const json = JSON.stringify({ add: 'h.com', port: 443, id: UUID, ps: '' });
    expect(parse(`vmess://${b64(json)}#frag`).config?.name).toBe('frag');
  });

  it('rejects JSON without a server or with a non-numeric port', () => {
    expect(parse(`vmess://${b64(JSON.stringify({ port: 1, id: UUID }))}`).codes).toEqual(['MISSING_FIELD']);
    expect(parse(`vmess://${b64(JSON.stringify({ add: 'h.com', port: 'x', id: UUID }))}`).codes).toEqual([
      'INVALID_PORT',
    ]);
    expect(parse('vmess://%%%').codes).toEqual(['INVALID_BASE64']);
  });

  it('fills SNI from the Host header when TLS is on without sni (v2rayN behaviour)', () => {
    const json = JSON.stringify({
      add: '1.2.3.4',
      port: 443,
      id: UUID,
      net: 'ws',
      host: 'cdn.com',
      tls: 'tls',
    });
    expect(parse(`vmess://${b64(json)}`).config).toMatchObject({
      tls: { enabled: true, serverName: 'cdn.com' },
    });
  });

  it('reads grpc mode and authority, kcp seed and quic key from the JSON', () => {
    const grpc = JSON.stringify({
      add: 'h.com',
      port: 443,
      id: UUID,
      net: 'grpc',
      type: 'multi',
      path: 'svc',
      host: 'auth.com',
    });
    expect(parse(`vmess://${b64(grpc)}`).config).toMatchObject({
      transport: { type: 'grpc', serviceName: 'svc', mode: 'multi', authority: 'auth.com' },
    });
    const kcp = JSON.stringify({
      add: 'h.com',
      port: 443,
      id: UUID,
      net: 'kcp',
      type: 'wechat-video',
      path: 'seed1',
    });
    expect(parse(`vmess://${b64(kcp)}`).config).toMatchObject({
      transport: { type: 'kcp', headerType: 'wechat-video', seed: 'seed1' },
    });
    const quic = JSON.stringify({
      add: 'h.com',
      port: 443,
      id: UUID,
      net: 'quic',
      host: 'aes-128-gcm',
      path: 'k',
    });
    expect(parse(`vmess://${b64(quic)}`).config).toMatchObject({
      transport: { type: 'quic', security: 'aes-128-gcm', key: 'k' },
    });
  });
});

describe('vless and trojan options', () => {
  it('rejects REALITY without pbk and unknown transports', () => {
    expect(parse(`vless://${UUID}@h.com:443?security=reality&sni=x.com`).codes).toEqual(['MISSING_FIELD']);
    expect(parse(`vless://${UUID}@h.com:443?type=tcp@oliver`).codes).toEqual(['INVALID_VALUE']);
  });

  it('keeps spx, drops pqv and obsolete flows with warnings', () => {
    const r = parse(
      `vless://${UUID}@h.com:443?security=reality&pbk=${PBK}&sid=ab&spx=%2Fcrawl&pqv=xyz&flow=xtls-rprx-direct`,
    );
    expect(r.config).toMatchObject({
      tls: { reality: { publicKey: PBK, shortId: 'ab', spiderX: '/crawl' } },
    });
    expect(r.config).not.toHaveProperty('flow');
    expect(r.codes).toEqual(['DROPPED_FIELD', 'DROPPED_FIELD']);
  });

  it('keeps an ML-KEM VLESS encryption verbatim and reads template junk as none', () => {
    expect(
      parse(`vless://${UUID}@h.com:443?encryption=mlkem768x25519plus.native.0rtt.abc`).config,
    ).toMatchObject({ encryption: 'mlkem768x25519plus.native.0rtt.abc' });
    const junk = parse(`vless://${UUID}@h.com:443?encryption=auto`);
    expect(junk.config).toMatchObject({ encryption: 'none' });
    expect(junk.codes).toEqual(['REPAIRED_VALUE']);
  });

  it('keeps the first of repeated parameters and warns', () => {
    const r = parse(`vless://${UUID}@h.com:443?type=ws&type=grpc`);
    expect(r.config).toMatchObject({ transport: { type: 'ws' } });
    expect(r.codes).toEqual(['DUPLICATE_PARAM']);
  });

  it('reads httpupgrade, h2 host lists and early data given as a parameter', () => {
    expect(parse(`vless://${UUID}@h.com:443?type=httpupgrade&path=/u&host=a.com`).config).toMatchObject({
      transport: { type: 'httpupgrade', path: '/u', host: 'a.com' },
    });
    expect(parse(`vless://${UUID}@h.com:443?type=h2&path=/h&host=a.com,b.com`).config).toMatchObject({
      transport: { type: 'h2', path: '/h', host: ['a.com', 'b.com'] },
    });
    expect(parse(`vless://${UUID}@h.com:443?type=ws&path=/w&ed=2048`).config).toMatchObject({
      transport: { type: 'ws', path: '/w', maxEarlyData: 2048 },
    });
  });

  it('defaults trojan to port 443 with TLS, reads legacy peer and Shadowrocket ws=1', () => {
    expect(parse('trojan://pw@h.com?peer=p.com&ws=1&wspath=/ws').config).toEqual({
      protocol: 'trojan',
      name: '',
      server: 'h.com',
      port: 443,
      password: 'pw',
      tls: { enabled: true, serverName: 'p.com' },
      transport: { type: 'ws', path: '/ws' },
    });
  });
});

describe('shadowsocks forms', () => {
  it('reads plain percent-encoded 2022 userinfo (SIP022 form)', () => {
    const r = parse(
      'ss://2022-blake3-aes-256-gcm:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA%3D@h.com:8388#x',
    );
    expect(r.config).toMatchObject({
      method: '2022-blake3-aes-256-gcm',
      password: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=',
    });
    expect(r.codes).toEqual([]);
  });

  it('reads v2ray-plugin options with escapes and flags, and uot', () => {
    const plugin = encodeURIComponent('v2ray-plugin;mode=websocket;host=a.com;path=/p\\;q;tls');
    const r = parse(`ss://${b64('aes-256-gcm:pw')}@h.com:443/?plugin=${plugin}&uot=1`);
    expect(r.config).toMatchObject({
      plugin: {
        name: 'v2ray-plugin',
        opts: [
          ['mode', 'websocket'],
          ['host', 'a.com'],
          ['path', '/p;q'],
          ['tls', ''],
        ],
      },
      udpOverTcp: true,
    });
  });

  it('reads a Shadowrocket shadow-tls parameter as the shadow-tls plugin', () => {
    const st = b64(JSON.stringify({ host: 'cloud.com', password: 'x', version: '3' }));
    expect(parse(`ss://${b64('aes-128-gcm:pw')}@h.com:443?shadow-tls=${st}`).config).toMatchObject({
      plugin: {
        name: 'shadow-tls',
        opts: [
          ['host', 'cloud.com'],
          ['password', 'x'],
          ['version', '3'],
        ],
      },
    });
  });

  it('rejects userinfo that is neither base64 nor method:password', () => {
    expect(parse('ss://!!!@h.com:1').codes).toEqual(['INVALID_BASE64']);
  });
});

describe('hysteria, tuic, wireguard', () => {
  it('reads hysteria v1 obfsParam as the obfs password, mport and a non-udp protocol', () => {
    expect(
      parse(
        'hysteria://h.com:443?auth=a&obfs=xplus&obfsParam=op&protocol=faketcp&mport=1000-2000&upmbps=10%20Mbps',
      ).config,
    ).toMatchObject({
      authStr: 'a',
      obfs: 'op',
      transportProtocol: 'faketcp',
      ports: [{ from: 1000, to: 2000 }],
      upMbps: 10,
    });
  });

  it('rejects hysteria2 salamander without a password and reads pinSHA256 and hop interval', () => {
    expect(parse('hy2://p@h.com:443?obfs=salamander').codes).toEqual(['MISSING_FIELD']);
    const pin = 'AA:'.repeat(31) + 'AA';
    expect(parse(`hy2://p@h.com?pinSHA256=${pin}&hop-interval=30s`).config).toMatchObject({
      port: 443,
      hopInterval: 30,
      tls: { certSha256: 'aa'.repeat(32) },
    });
  });

  it('rejects TUIC v4 token links and reads zero-RTT and disable_sni', () => {
    expect(parse('tuic://token@h.com:443').codes).toEqual(['MISSING_FIELD']);
    expect(
      parse(`tuic://${UUID}:pw@h.com:443?reduce_rtt=1&disable_sni=1&congestion_control=new-reno`).config,
    ).toMatchObject({
      zeroRtt: true,
      congestionControl: 'new_reno',
      tls: { disableSni: true },
    });
  });

  it('reads hiddify wg:// aliases, a base64 reserved and the default port', () => {
    const link = `wg://h.com?pk=${encodeURIComponent(WG_KEY)}&peerpub=${encodeURIComponent(WG_KEY)}&ip=10.0.0.2&reserved=AQID`;
    expect(parse(link).config).toMatchObject({
      port: 51820,
      privateKey: WG_KEY,
      peerPublicKey: WG_KEY,
      addresses: ['10.0.0.2/32'],
      reserved: [1, 2, 3],
    });
  });
});

describe('socks, http, telegram, naive, anytls', () => {
  it('reads socks4/socks4a versions and plain user:pass', () => {
    expect(parse('socks4://h.com:1080').config).toMatchObject({ version: '4' });
    expect(parse('socks4a://h.com').config).toMatchObject({ version: '4a', port: 1080 });
    expect(parse('socks5://u%40x:p@h.com:1080').config).toMatchObject({ username: 'u@x', password: 'p' });
  });

  it('reads https proxies with TLS and rejects http URLs that have a path', () => {
    expect(parse('https://u:p@h.com').config).toMatchObject({
      protocol: 'http',
      port: 443,
      username: 'u',
      password: 'p',
      tls: { enabled: true },
    });
    expect(parse('https://raw.githubusercontent.com/a/b/main/sub.txt').codes).toEqual(['UNSUPPORTED_ENTRY']);
  });

  it('reads Telegram socks links and reports MTProto links as unsupported', () => {
    expect(parse('tg://socks?server=h.com&port=1080&user=u&pass=p').config).toMatchObject({
      protocol: 'socks',
      server: 'h.com',
      port: 1080,
      username: 'u',
      password: 'p',
    });
    expect(parse('https://t.me/socks?server=h.com&port=9050').config).toMatchObject({
      protocol: 'socks',
      port: 9050,
    });
    expect(parse('tg://proxy?server=h.com&port=443&secret=ee').codes).toEqual(['UNKNOWN_SCHEME']);
  });

  it('reads naive+quic as QUIC naive', () => {
    expect(parse('naive+quic://u:p@h.com#q').config).toMatchObject({
      protocol: 'naive',
      quic: true,
      port: 443,
      name: 'q',
    });
  });

  it('reads anytls fingerprint and alpn', () => {
    expect(parse('anytls://pw@h.com?fp=chrome&alpn=h2').config).toMatchObject({
      port: 443,
      tls: { enabled: true, fingerprint: 'chrome', alpn: ['h2'] },
    });
  });
});

describe('credential splitting', () => {
  it('splits user:pass before percent-decoding, so an encoded ":" stays in the user name', () => {
    expect(parse('socks5://%3Au:p@h.com:1080').config).toMatchObject({ username: ':u', password: 'p' });
    expect(parse('http://a%3Ab:c%3Ad@h.com:8080').config).toMatchObject({ username: 'a:b', password: 'c:d' });
  });

  it('keeps ALPN and uTLS fingerprint on https proxies', () => {
    expect(parse('https://h.com?alpn=h2&fp=firefox').config).toMatchObject({
      tls: { enabled: true, alpn: ['h2'], fingerprint: 'firefox' },
    });
  });

  it('decodes a percent-encoded vmess ps only when it hides non-ASCII text', () => {
    const json = (ps: string) => b64(JSON.stringify({ add: 'h.com', port: 443, id: UUID, ps }));
    expect(parse(`vmess://${json('100%25 free')}`).config?.name).toBe('100%25 free');
    expect(parse(`vmess://${json('%F0%9F%87%A9%F0%9F%87%AA DE')}`).config?.name).toBe('🇩🇪 DE');
  });
});
