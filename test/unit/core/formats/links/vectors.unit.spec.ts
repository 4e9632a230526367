import { describe, expect, it } from 'vitest';
import { configOf, parse, parseVector, vectorLines } from './vector-links.ts';

// One test per vector of ../shared/docs/vectors.md: what a correct parser must extract.

describe('vmess vectors', () => {
  it('V01 reads a numeric port and ignores a foreign "name" key', () => {
    expect(configOf('V01')).toEqual({
      protocol: 'vmess',
      name: '🇺🇸 7 - US - VMess/TLS - 2053',
      server: 'de5.taskflowhub.org',
      port: 2053,
      uuid: 'ca58b165-0f7d-49aa-9fae-a017e8a0f884',
      alterId: 0,
      cipher: 'auto',
      tls: { enabled: true, serverName: 'de5.taskflowhub.org' },
      transport: { type: 'tcp' },
    });
  });

  it('V02 treats JSON null as absent and drops host/path on plain TCP without inventing early data', () => {
    const [r] = parseVector('V02');
    expect(r?.config).toEqual({
      protocol: 'vmess',
      name: '🇺🇸 131 - US - VMess - 180',
      server: '82.198.246.97',
      port: 180,
      uuid: 'd13fc2f5-3e05-4795-81eb-44143a09e552',
      alterId: 0,
      cipher: 'auto',
      tls: { enabled: false },
      transport: { type: 'tcp' },
    });
    expect(r?.codes).toContain('DROPPED_FIELD');
  });

  it('V03 reads net "http" as HTTP/2 without TLS and flags the ambiguity', () => {
    const [r] = parseVector('V03');
    expect(r?.config).toMatchObject({
      protocol: 'vmess',
      name: '🇩🇪 德国 | DEU',
      server: '91.107.255.181',
      port: 28110,
      uuid: '9b4cf5b4-7fd9-436b-a441-6e9dfe601bf9',
      tls: { enabled: false },
      transport: { type: 'h2', host: ['www.apple.com'], path: '/' },
    });
    expect(r?.codes).toContain('AMBIGUOUS_VALUE');
  });

  it('V04 reads tcp + type http as HTTP/1.1 header camouflage', () => {
    expect(configOf('V04')).toMatchObject({
      server: '51.195.235.71',
      port: 2052,
      uuid: '59e28f78-c31b-4613-9d9f-1e6732a31f46',
      alterId: 0,
      cipher: 'auto',
      name: '🇬🇧 19 - GB - VMess - 2052',
      tls: { enabled: false },
      transport: { type: 'http', host: [], path: '/' },
    });
  });

  it('V05 decodes unpadded base64, keeps legacy alterId 64 and JSON escapes', () => {
    expect(configOf('V05')).toEqual({
      protocol: 'vmess',
      name: '🇹🇼 TW | 🔒 VMESS | @yaney_01 [5]',
      server: '45.199.138.217',
      port: 41000,
      uuid: 'f9fa3a9c-f7d5-414f-88e6-6970585d9949',
      alterId: 64,
      cipher: 'auto',
      tls: { enabled: true },
      transport: { type: 'ws', path: '/path/282018252526' },
    });
  });

  it('V06 keeps TLS off for tls "none" and takes the gRPC service name from path', () => {
    expect(configOf('V06')).toMatchObject({
      server: '45.138.74.173',
      port: 13700,
      uuid: '6ddf3049-acea-47a3-899c-862e6e9d5d0f',
      alterId: 0,
      cipher: 'auto',
      tls: { enabled: false },
      transport: {
        type: 'grpc',
        serviceName:
          'Telegram@Rnrifci@Rnrifci@Rnrifci@Rnrifci@Rnrifci@Rnrifci@Rnrifci@Rnrifci@Rnrifci@Rnrifci',
      },
    });
  });

  it('V07 reads an mKCP transport with header none and no seed', () => {
    expect(configOf('V07')).toEqual({
      protocol: 'vmess',
      name: '日本v2|@ripaojiedian',
      server: '8.209.211.236',
      port: 34933,
      uuid: '8a9150bc-b9c8-40ac-be83-aaec45176a81',
      alterId: 0,
      cipher: 'auto',
      tls: { enabled: false },
      transport: { type: 'kcp' },
    });
  });

  it('V08 ignores a junk type, keeps the trailing-dot host and splits early data out of the httpupgrade path', () => {
    expect(configOf('V08')).toMatchObject({
      name: 'RoseVpn🌹@v222ray',
      server: '104.19.150.10',
      port: 2095,
      uuid: '94f332b0-c5d3-4531-a1d6-6e6358cc6c72',
      tls: { enabled: false },
      transport: {
        type: 'httpupgrade',
        host: 'mci.mtn.ir.com.org.net.om.musicfa123.ir.',
        path: '/d3d3LmlyYW5ob3N0LmNvbQ==',
        maxEarlyData: 2560,
      },
    });
  });

  it('V09 strips CR/LF inside the base64 and cuts the trailing junk', () => {
    const [r] = parseVector('V09');
    expect(r?.config).toMatchObject({
      name: '@Golestan_VPN - JOIN',
      server: '104.21.64.1',
      port: 2096,
      uuid: '8f78e709-2c5f-4c19-9f44-b5b5f80ab74c',
      tls: { enabled: true, serverName: 'cc2d1.988988.shop' },
      transport: { type: 'ws', host: 'cc2d1.988988.shop', path: '/' },
    });
    expect(r?.diagnostics.every((d) => d.severity !== 'error')).toBe(true);
  });

  it('V10 rejects truncated vmess JSON instead of guessing', () => {
    const [r] = parseVector('V10');
    expect(r?.config).toBeUndefined();
    expect(r?.diagnostics).toEqual([
      expect.objectContaining({ code: 'TRUNCATED_PAYLOAD', severity: 'error', line: 1, scheme: 'vmess' }),
    ]);
  });

  it('V11 splits a vmess glued to a vless and reads both', () => {
    const results = parseVector('V11');
    expect(results).toHaveLength(2);
    const persian = '(@VmessProtocol)برای خرید و اتصال دائمی جوین شو🇩🇪';
    expect(results[0]?.config).toMatchObject({
      protocol: 'vmess',
      name: persian,
      server: 'us-21.hihu.net',
      port: 80,
      alterId: 0,
      uuid: 'a65eb840-1cc5-11f0-b030-205c6d5f5d78',
      tls: { enabled: false },
      transport: { type: 'ws', host: 'mtn.zm', path: '/d8qnxmye' },
    });
    expect(results[1]?.config).toMatchObject({
      protocol: 'vless',
      name: persian,
      server: '85.9.104.89',
      port: 36916,
      uuid: 'feea4b50-0588-4160-9327-85a61b7f8903',
      tls: { enabled: false },
      transport: { type: 'http', host: [], path: '/' },
    });
  });

  it('V12 keeps an unbracketed IPv4-mapped IPv6 server and a literal "+" in the name', () => {
    expect(configOf('V12')).toMatchObject({
      name: '🇨🇦CA+3@Surfboardv2ray',
      server: '0000:0000:0000:0000:0000:ffff:681f:1068',
      port: 443,
      uuid: '4b3e66e0-f3ff-11ed-b631-205c6d5f5d78',
      tls: { enabled: true, serverName: 'tehron98.0rd.net' },
      transport: { type: 'ws', host: 'uk.0rd.net', path: '/vsoiehay' },
    });
  });

  it('V13 accepts the "security" cipher alias and pretty-printed JSON without "v"', () => {
    const [r] = parseVector('V13');
    expect(r?.config).toEqual({
      protocol: 'vmess',
      name: '🇭🇰HK-45.144.174.211-5012',
      server: '45.144.174.211',
      port: 22106,
      uuid: '5f5514ff-a5c3-4b0d-a6c2-44c9cb1955d9',
      alterId: 0,
      cipher: 'auto',
      tls: { enabled: false },
      transport: { type: 'ws', path: '/' },
    });
  });
});

describe('vless vectors', () => {
  it('V14 reads REALITY + Vision with a six-digit short id kept as a string', () => {
    expect(configOf('V14')).toEqual({
      protocol: 'vless',
      name: '🇷🇺 3 - RU - VLESS/REALITY/PBK/SID/VISION/UTLS - 443',
      server: '158.160.159.180',
      port: 443,
      uuid: '0377f33b-abfd-4492-ad10-f6dd3d4e3072',
      flow: 'xtls-rprx-vision',
      encryption: 'none',
      tls: {
        enabled: true,
        serverName: 'id.x5.ru',
        fingerprint: 'random',
        reality: { publicKey: 'OCRYYq4e92sQ-wWFRX6WX9pdvuFBWOqybLhpSiv3nFA', shortId: '111111' },
      },
      transport: { type: 'tcp' },
    });
  });

  it('V15 strips brackets from an IPv4-mapped IPv6 server and keeps brackets in the name', () => {
    expect(configOf('V15')).toEqual({
      protocol: 'vless',
      name: '🔒 VL-GRPC-RLT 🇩🇪 DE-[0000:0000:0000:0000:0000:ffff:5b63:9012]:20600',
      server: '0000:0000:0000:0000:0000:ffff:5b63:9012',
      port: 20600,
      uuid: '09324ee6-1235-4793-bf9b-0da17a466a69',
      encryption: 'none',
      tls: {
        enabled: true,
        serverName: 'www.speedtest.net',
        fingerprint: 'firefox',
        reality: { publicKey: 'b14Nibi1pMPwFPqgiyZRS3a6-Y-Q8EsE5urKnA-RkAc', shortId: 'adf8a1f5689177a2' },
      },
      transport: { type: 'grpc', serviceName: '' },
    });
  });

  it('V16 decodes the ws path once, moves ?ed=2048 to early data and reads empty security as no TLS', () => {
    expect(configOf('V16')).toEqual({
      protocol: 'vless',
      name: '🇺🇸 US | 🔓 VLESS | @connectshu [13]',
      server: '199.232.13.32',
      port: 80,
      uuid: '03517ec0-976e-4cac-b84b-146fc4c7b023',
      encryption: 'none',
      tls: { enabled: false },
      transport: {
        type: 'ws',
        host: 'Apple-SIB.ir',
        path: '/Telegram-ipV2Ry-Telegram-ipV2Ry-Telegram-ipV2Ry',
        maxEarlyData: 2048,
        earlyDataHeaderName: 'Sec-WebSocket-Protocol',
      },
    });
  });

  it('V17 decodes a double-encoded path with a warning and reads flow=none as no flow', () => {
    const [r] = parseVector('V17');
    expect(r?.config).toMatchObject({
      server: '141.193.213.21',
      port: 2096,
      uuid: '57ded7d6-87d4-4648-85b6-434558d49578',
      tls: { enabled: true, serverName: 'premium.vkehi.shop', fingerprint: 'chrome' },
      transport: { type: 'ws', host: 'premium.vkehi.shop', path: '/' },
    });
    expect(r?.config).not.toHaveProperty('flow');
    expect(r?.codes).toEqual(['DOUBLE_ENCODED']);
  });

  it('V18 reads xhttp mode auto, treats extra=null as absent and splits a raw-comma alpn', () => {
    expect(configOf('V18')).toEqual({
      protocol: 'vless',
      name: '🇷🇺 21 - RU - VLESS/XHTTP/TLS/UTLS - 443',
      server: '185.242.19.250',
      port: 443,
      uuid: '06d07c05-4805-448a-818f-17e711698a69',
      encryption: 'none',
      tls: {
        enabled: true,
        serverName: 'top2197697635.mwscdn.ru',
        alpn: ['h2', 'http/1.1'],
        fingerprint: 'chrome',
      },
      // mode=auto is the xhttp default: canonical form leaves it out.
      transport: { type: 'xhttp', host: 'top2197697635.mwscdn.ru', path: '/xhttppath' },
    });
  });

  it('V19 keeps the unencoded xhttp extra JSON intact and allows an empty REALITY short id', () => {
    const c = configOf('V19');
    expect(c).toMatchObject({
      server: '158.160.61.9',
      port: 443,
      uuid: '14a59796-6db6-4c48-b4d5-2c7b875074c1',
      tls: {
        enabled: true,
        serverName: 'api-maps.yandex.ru',
        fingerprint: 'firefox',
        reality: { publicKey: 'LPB1-p7L2oXKLKbNYQOpLHv1gNUs23ODePnxGroWdyw', shortId: '' },
      },
      transport: { type: 'xhttp', path: '/search/results' },
    });
    const line = vectorLines('V19')[0] ?? '';
    const raw = /extra=(\{.*\})&fp=/.exec(line)?.[1];
    expect(c.protocol === 'vless' && c.transport.type === 'xhttp' ? c.transport.extra : undefined).toBe(raw);
    expect(JSON.parse(raw ?? '')).toMatchObject({ xmux: { maxConcurrency: '0' }, downloadSettings: null });
  });

  it('V20 keeps a non-UUID VLESS id and does not split on an @ in the query', () => {
    expect(configOf('V20')).toEqual({
      protocol: 'vless',
      name: '🇺🇸 937 - US - VLESS - 22',
      server: '172.65.111.43',
      port: 22,
      uuid: 'monacoVPN',
      encryption: 'none',
      tls: { enabled: false },
      transport: { type: 'http', host: [], path: '/@monacoVPN@monacoVPN@monacoVPN@monacoVPN' },
    });
  });

  it('V21 reads REALITY over gRPC gun mode and keeps the base64url pbk as written', () => {
    expect(configOf('V21')).toEqual({
      protocol: 'vless',
      name: '🇷🇺 353 - RU - VLESS/GRPC/REALITY/PBK/SID/UTLS - 3443',
      encryption: 'none',
      server: '185.91.52.67',
      port: 3443,
      uuid: '67465a9c-ed10-4e4a-919c-22dd6d018354',
      tls: {
        enabled: true,
        serverName: 'ads.x5.ru',
        fingerprint: 'chrome',
        reality: { publicKey: 'sgFFdQvfeujBKh6g7N7klU_u0mKYlr800MFbko5FzUg', shortId: '844352756c1fabba' },
      },
      // mode=gun is gRPC's default: canonical form leaves it out.
      transport: { type: 'grpc', serviceName: 'grpc-vk' },
    });
  });

  it('V22 accepts gRPC with an empty service name and no TLS', () => {
    expect(configOf('V22')).toEqual({
      protocol: 'vless',
      encryption: 'none',
      name: '🇮🇹 476 - IT - VLESS/GRPC - 8880',
      server: 'sca13.myfymain.com',
      port: 8880,
      uuid: '8dc7722c-2767-4eea-a28b-2f8daacc07e3',
      tls: { enabled: false },
      transport: { type: 'grpc', serviceName: '' },
    });
  });

  it('V23 rejects the loopback placeholder nodes and their 35-character pseudo-UUIDs', () => {
    for (let i = 0; i < 3; i++) {
      const [r] = parseVector('V23', i);
      expect(r?.config).toBeUndefined();
      expect(r?.codes).toEqual(['LOOPBACK_ADDRESS']);
    }
    // Even where loopback is allowed, the pseudo-UUID id is not a usable VLESS id (too long for a custom id).
    const [allowed] = parseVector('V23', 0, true);
    expect(allowed?.codes).toEqual(['INVALID_UUID']);
    // The ss placeholder is syntactically fine: none:<junk> on 127.0.0.1.
    const [ss] = parseVector('V23', 2, true);
    expect(ss?.config).toMatchObject({
      protocol: 'shadowsocks',
      method: 'none',
      password: 'caaacbb-baca-aacb-abcd-cabbabbaaccc',
      server: '127.0.0.1',
      port: 1080,
    });
  });
});

describe('trojan vectors', () => {
  it('V24 honours security=none and decodes the double-encoded path', () => {
    const [r] = parseVector('V24');
    expect(r?.config).toEqual({
      protocol: 'trojan',
      name: '❔ XX | 🔓 TROJAN | @armodchannel [61]',
      server: 'asia.artunnel57.host',
      port: 80,
      password: 'fa9b326c-ca6f-4bb2-88f5-a163b404fcf8',
      tls: { enabled: false },
      transport: { type: 'ws', host: 'asia.artunnel57.host', path: '/trojan-ntls' },
    });
    expect(r?.codes).toEqual(['DOUBLE_ENCODED']);
  });

  it('V25 decodes the password, keeps raw +/@/emoji in the path and reads allowInsecure=0 as false', () => {
    expect(configOf('V25')).toEqual({
      protocol: 'trojan',
      name: '🇳🇱 15 - NL - Trojan/WS/TLS - 2053',
      server: '213.176.113.98',
      port: 2053,
      password: "8r<[9'l6hAO#8ZQi",
      tls: { enabled: true, serverName: 'Koma-YT.PAGeS.Dev' },
      transport: { type: 'ws', host: 'Koma-YT.PAGeS.Dev', path: '/trTelegram🇨🇳+@WangCai2' },
    });
  });

  it('V26 decodes %2B and %3D in the password without turning + into space; IP SNI kept bare', () => {
    expect(configOf('V26')).toEqual({
      protocol: 'trojan',
      name: '🇩🇪 71 - DE - Trojan/TLS - 443',
      server: '172.104.237.100',
      port: 443,
      password: 'VPTFm=oZ++SuNT+jMRqGZqrAnWq-r8KJyY',
      tls: { enabled: true, serverName: '172.104.237.100' },
      transport: { type: 'tcp' },
    });
  });

  it('V27 decodes a hex-escaped password and matches allowinsecure case-insensitively', () => {
    expect(configOf('V27')).toEqual({
      protocol: 'trojan',
      name: '🇺🇸 1 - US - Trojan/WS/TLS/UTLS - 443',
      server: '188.114.97.6',
      port: 443,
      password: 'mitivpn',
      tls: {
        enabled: true,
        serverName: 'cdn.linkman1.ir',
        alpn: ['http/1.1'],
        insecure: true,
        fingerprint: 'chrome',
      },
      transport: {
        type: 'ws',
        host: 'cdn.linkman1.ir',
        path: '/720f09dba195249b423f771661162528/workers/services/view/mitivpn/production/settings',
      },
    });
  });

  it('V28 drops an SNI that is not a host name and keeps the node', () => {
    const [r] = parseVector('V28');
    expect(r?.config).toEqual({
      protocol: 'trojan',
      name: '🇯🇵 20 - JP - Trojan/TLS - 29440',
      server: '52.69.79.73',
      port: 29440,
      password: 'BxceQaOe',
      tls: { enabled: true, insecure: true },
      transport: { type: 'tcp' },
    });
    expect(r?.diagnostics).toEqual([expect.objectContaining({ code: 'DROPPED_FIELD', severity: 'warning' })]);
  });

  it('V29 keeps a truncated percent-escape in the name literally', () => {
    expect(configOf('V29')).toMatchObject({
      name: '英国-21.7MB%2',
      server: 'gorgeous-gopher.shiner427.skin',
      port: 443,
      password: '74260704627805900',
      tls: { enabled: true, insecure: true },
    });
  });

  it('V30 splits eight glued trojan links and reads each', () => {
    const results = parseVector('V30');
    expect(results).toHaveLength(8);
    expect(results.every((r) => r.config !== undefined)).toBe(true);
    expect(results[0]?.config).toEqual({
      protocol: 'trojan',
      name: '@V2rayNG3',
      server: '103.160.204.1',
      port: 443,
      password: 'amclubs',
      tls: { enabled: true, serverName: 'tran.amclubstest.nyc.mn' },
      transport: {
        type: 'ws',
        host: 'tran.amclubstest.nyc.mn',
        path: '/Telegram@V2ray_Alpha/',
        maxEarlyData: 2560,
        earlyDataHeaderName: 'Sec-WebSocket-Protocol',
      },
    });
    expect(results[1]?.config).toEqual({
      protocol: 'trojan',
      name: '@V2rayNG3',
      server: '141.227.160.167',
      port: 1935,
      password: 'AXpQXM4vNh',
      tls: { enabled: true, serverName: 'x2swe-ovh.devefun.net', alpn: ['h3', 'h2', 'http/1.1'] },
      transport: { type: 'tcp' },
    });
    expect(results[7]?.config?.name).toBe('@V2rayNG3✈️@V2rayNG3✈️@SERVER444');
  });
});

describe('shadowsocks vectors', () => {
  it('V31 reads padded std-base64 userinfo and maps simple-obfs to obfs-local', () => {
    expect(configOf('V31')).toEqual({
      protocol: 'shadowsocks',
      name: '🇹🇼 | @WhiteDNS | TW5|2.3MB/s|GPT⁺-TW|GM-TW|CL-TW',
      server: '59.125.62.188',
      port: 2377,
      method: 'chacha20-ietf-poly1305',
      password: 't0srmdxrm3xyjnvqz9ewlxb2myq7rjuv',
      plugin: {
        name: 'obfs-local',
        opts: [
          ['obfs', 'tls'],
          ['obfs-host', '(Telegram🇨🇳 @WangCai2)7eb777f:123571'],
        ],
      },
    });
  });

  it('V32 reads a plugin with unencoded ; and = in the query', () => {
    expect(configOf('V32')).toEqual({
      protocol: 'shadowsocks',
      name: '韩国|@ripaojiedian',
      server: 'kr2.qiangdong.xyz',
      port: 1052,
      method: 'aes-128-gcm',
      password: 'VXPipi29nxMO',
      plugin: {
        name: 'obfs-local',
        opts: [
          ['obfs', 'http'],
          ['obfs-host', '182039459a34f64238143cd31ddebbc914362.taobao.com'],
        ],
      },
    });
  });

  it('V33 percent-decodes %3D padding before base64-decoding', () => {
    expect(configOf('V33')).toEqual({
      protocol: 'shadowsocks',
      name: 'SHADOWSOCKS',
      server: '167.172.95.249',
      port: 30655,
      method: 'chacha20-ietf-poly1305',
      password: 'Q54gASZhthrfhDeUUyHR7xMKEpc8clp5QCpWYrwvkyQ=',
    });
  });

  it('V34 splits a base64 2022 userinfo on the first colon, keeping the iPSK:uPSK password', () => {
    const [r] = parseVector('V34');
    expect(r?.config).toEqual({
      protocol: 'shadowsocks',
      name: '🇳🇱 NL | 🔒 SS | @oonfig [6]',
      server: 'xxx.90908585.ir',
      port: 8080,
      method: '2022-blake3-aes-128-gcm',
      password: 'XV+umcZHRuSpfrigrIbOloRZZ7rMFZTASosT7FrbqCY=:A7xAzHKaAILMfIeQvXAbI6qQzT5zQGSP5WvxlZlwZQM=',
    });
    // The keys are 32 bytes where aes-128 wants 16: kept (as published) but reported.
    expect(r?.diagnostics).toEqual([expect.objectContaining({ code: 'INVALID_KEY', severity: 'warning' })]);
  });

  it('V35 decodes a legacy whole-authority base64 link', () => {
    expect(configOf('V35')).toEqual({
      protocol: 'shadowsocks',
      name: 'Delta-Kronecker',
      server: '148.113.139.160',
      port: 46534,
      method: 'chacha20-ietf-poly1305',
      password: '7a106afc33eaa261',
    });
  });

  it('V36 trims the space before # in the legacy and plain forms', () => {
    expect(configOf('V36', 0)).toMatchObject({
      server: '51.161.80.138',
      port: 27797,
      method: 'chacha20-ietf-poly1305',
      password: '9f99180fc9211c40',
      name: 'Delta-Kronecker',
    });
    expect(configOf('V36', 1)).toMatchObject({
      server: '82.38.31.61',
      port: 8080,
      method: 'chacha20-ietf-poly1305',
      password: 'oZIoA69Q8yhcQV8ka3Pa3A',
      name: 'Delta-Kronecker',
    });
  });

  it('V37 rejects a VLESS link published under ss:// as mislabeled', () => {
    const [r] = parseVector('V37');
    expect(r?.config).toBeUndefined();
    expect(r?.codes).toEqual(['MISLABELED_SCHEME']);
  });
});

describe('ssr vectors', () => {
  it('V38 decodes std-base64 body and remarks without form-decoding +', () => {
    expect(configOf('V38')).toEqual({
      protocol: 'shadowsocksr',
      name: '🇳🇱 | @WhiteDNS | NL148|6.1MB/s|GPT⁺-NL|GM-NL|CL-NL|SP-NL',
      server: 'ssr2.762988.xyz',
      port: 33336,
      method: 'chacha20-ietf',
      password: 'dongtaiwang.com',
      protocolName: 'auth_chain_a',
      obfs: 'tls1.2_ticket_auth',
    });
  });

  it('V39 decodes url-safe unpadded base64 with obfsparam, protoparam and remarks', () => {
    expect(configOf('V39')).toEqual({
      protocol: 'shadowsocksr',
      name: '#33B9/AS63888: Hong Kong',
      server: '134.175.195.183',
      port: 36129,
      method: 'aes-128-cfb',
      password: 'QazEdcTgb159@$*',
      protocolName: 'origin',
      obfs: 'plain',
      obfsParam: '付费SSR注册:http://t.cn/EGJIyrl',
      protocolParam: 't.me/SSRSUB',
    });
  });
});

describe('hysteria vectors', () => {
  it('V40 prefers auth over auth_str and reads peer, bandwidth and alpn', () => {
    expect(configOf('V40')).toEqual({
      protocol: 'hysteria',
      name: '🇩🇪 | @WhiteDNS | DE203|2.2MB/s|GPT⁺-DE|CL-DE|SP-DE',
      server: '5.83.129.90',
      port: 54177,
      authStr: 'dongtaiwang.com',
      upMbps: 500,
      downMbps: 1000,
      tls: { enabled: true, serverName: 'apple.com', insecure: true, alpn: ['h3'] },
    });
  });

  it('V41 reads hy2 port hopping from mport', () => {
    expect(configOf('V41')).toEqual({
      protocol: 'hysteria2',
      name: '🔒 HYSTERIA-UDP 🇺🇸 US-208.87.242.215:443',
      server: '208.87.242.215',
      port: 443,
      password: 'b8bd42a9-551f-419d-b70d-4aefdd2cb074',
      ports: [{ from: 20000, to: 55000 }],
      tls: { enabled: true, serverName: 'www.bing.com', insecure: true },
    });
  });

  it('V42 reads a multi-port authority and keeps the obfs password as written', () => {
    expect(configOf('V42')).toEqual({
      protocol: 'hysteria2',
      name: '🇺🇸 美国 | USA',
      server: 'us6.dexlos.com',
      port: 21000,
      password: 'B86A0475-AB74-44BE-8209-A67F85CBF52C',
      // `21000,21000-21199`: the single 21000 is the main port, so the hop set is the range.
      ports: [{ from: 21000, to: 21199 }],
      obfs: { type: 'salamander', password: 'salamander' },
      tls: { enabled: true, serverName: 'us6.dexlos.com', insecure: true },
    });
  });

  it('V43 takes an auth containing :// up to the last @', () => {
    expect(configOf('V43')).toEqual({
      protocol: 'hysteria2',
      name: '🇺🇸 美国 | USA',
      server: 'starlink-ft.251313.xyz',
      port: 443,
      password: 'https://xship.2fa.cat',
      tls: { enabled: true, serverName: 'xship.top', insecure: true },
    });
  });

  it('V44 strips brackets from the IPv6 server and the IPv6 SNI', () => {
    expect(configOf('V44')).toMatchObject({
      server: '2001:19f0:1000:20d0:5400:5ff:fe19:3ba9',
      port: 443,
      password: '4e9ee29b39a28277',
      obfs: { type: 'salamander', password: '13f7ba5f' },
      tls: { enabled: true, insecure: true, serverName: '2001:19f0:1000:20d0:5400:5ff:fe19:3ba9' },
    });
  });

  it('V45 decodes %3D once in obfs-password and does not base64-decode it', () => {
    expect(configOf('V45')).toEqual({
      protocol: 'hysteria2',
      name: '🔒',
      server: '212.192.12.154',
      port: 33002,
      password: '06130ef4-30cd-46cb-8f5b-f8fa8a4b9595',
      obfs: { type: 'salamander', password: 'M2UyNTc5OWUwYjkyM2Q2OQ==' },
      tls: { enabled: true, insecure: true },
    });
  });

  it('V46 percent-decodes a leading %40 in the auth after splitting the authority', () => {
    expect(configOf('V46')).toMatchObject({
      server: '2a0c:4ac1:8::1cb',
      port: 35000,
      password: '@JavidnamanIran-Javid-SHAH-KingRezaPahlavi',
      obfs: { type: 'salamander', password: '@JavidnamanIran-Javid-SHAH-KingRezaPahlavi' },
      tls: { enabled: true, serverName: 'pichondan.com' },
    });
  });
});

describe('tuic vectors', () => {
  it('V47 splits uuid at the first colon and keeps raw : and @ in the password', () => {
    expect(configOf('V47')).toEqual({
      protocol: 'tuic',
      name: '🇫🇮 FI | 🔒 TUIC | @goodbyefiltering [6]',
      server: '79.137.206.126',
      port: 443,
      uuid: '7f9a73a3-e455-4053-ae38-f07719753dff',
      password: '----Join-Telegram:@IP_CF----',
      congestionControl: 'cubic',
      udpRelayMode: 'native',
      tls: { enabled: true, alpn: ['h3', 'spdy/3.1'], insecure: true },
    });
  });

  it('V48 keeps a raw + in the password and splits a raw-comma alpn', () => {
    expect(configOf('V48')).toEqual({
      protocol: 'tuic',
      name: '🔒',
      server: '70.34.198.64',
      port: 443,
      uuid: '6313c68a-472b-4999-ba33-094a55ea7549',
      password: 'FRebRlCrO+huXaprEwr6',
      congestionControl: 'bbr',
      udpRelayMode: 'native',
      tls: { enabled: true, serverName: 'www.apple.com', alpn: ['h3', 'spdy/3.1'], insecure: true },
    });
  });
});

describe('wireguard vectors', () => {
  it('V49 percent-decodes the keys and drops hiddify noise parameters with a warning', () => {
    const [r] = parseVector('V49');
    expect(r?.config).toEqual({
      protocol: 'wireguard',
      name: 'Anon2',
      server: '188.114.98.173',
      port: 946,
      privateKey: '+EpPDzwl/LY9L5NgZBTTMN1FHiDhMacLs6I8LvmqQWs=',
      peerPublicKey: 'bmXOC+F1FxEMF9dyiK2H5/1SUtzH0JuVo51h2wPfgyo=',
      addresses: ['172.16.0.2/32'],
      reserved: [68, 81, 39],
      mtu: 1280,
      keepalive: 5,
    });
    expect(r?.codes).toEqual(['DROPPED_FIELD']);
    expect(r?.diagnostics[0]?.message).toContain('wnoise, wnoisecount, wnoisedelay, wpayloadsize');
  });

  it('V50 reads a dual-stack address list and a fragment containing @', () => {
    expect(configOf('V50')).toEqual({
      protocol: 'wireguard',
      name: 'Peyman_wire-g@WireVpnGuard',
      server: 'engage.cloudflareclient.com',
      port: 2408,
      privateKey: '/RLMdLfE+kgg0INxiotal1fLHSKhhIbFoepC+NIaQUI=',
      peerPublicKey: 'bmXOC+F1FxEMF9dyiK2H5/1SUtzH0JuVo51h2wPfgyo=',
      addresses: ['172.16.0.2/32', '2606:4700:110:8758:a54c:ef3b:14c6:9cfd/128'],
      reserved: [242, 128, 94],
      mtu: 1420,
    });
  });
});

describe('anytls, socks, http and naive vectors', () => {
  it('V51 ignores VLESS-template params on anytls and honours allowInsecure/sni', () => {
    const [r] = parseVector('V51');
    expect(r?.config).toEqual({
      protocol: 'anytls',
      name: '🇺🇸 | @WhiteDNS | US202|1.6MB/s|GPT⁺-US|GM-US|CL-US|SP-US',
      server: '76842b4a-tb71c0-tgprfk-ddgs.losjan20.west.wctype.com',
      port: 8300,
      password: 'c870fe5a-0729-11f0-8cf9-f23c93136cb3',
      tls: {
        enabled: true,
        serverName: '76842b4a-tb71c0-tgprfk-ddgs.losjan20.west.wctype.com',
        insecure: true,
      },
    });
    expect(r?.diagnostics).toEqual([]);
  });

  it('V52 decodes base64 user:pass with %3D padding and reads Og== as no auth', () => {
    expect(configOf('V52', 0)).toEqual({
      protocol: 'socks',
      name: '🇭🇰 | @WhiteDNS | HK5|1.3MB/s|DNSOK|SP-HK',
      server: '47.239.98.42',
      port: 1080,
      version: '5',
      username: 'abc123',
      password: 'abc123',
    });
    expect(configOf('V52', 1)).toEqual({
      protocol: 'socks',
      name: '🇳🇱 | @WhiteDNS | NL82|34.4MB/s|GPT⁺-NL|GM-NL|CL-NL',
      server: '5.255.99.75',
      port: 1080,
      version: '5',
    });
  });

  it('V53 decodes a whole-authority base64 socks link before any host handling', () => {
    expect(configOf('V53', 0)).toEqual({
      protocol: 'socks',
      name: 'NL_speednode_0029',
      server: '5.255.99.75',
      port: 1080,
      version: '5',
    });
    expect(configOf('V53', 1)).toEqual({
      protocol: 'socks',
      name: 'CN_speednode_0034',
      server: 'pipi.myddns.me',
      port: 28811,
      version: '5',
      username: 'myszy',
      password: 'myszy28811',
    });
  });

  it('V54 reads base64 http links with TLS off and flags port 443 as ambiguous', () => {
    const [a] = parseVector('V54', 0);
    expect(a?.config).toEqual({
      protocol: 'http',
      name: 'AU_speednode_0001',
      server: '103.62.50.130',
      port: 443,
      tls: { enabled: false },
    });
    expect(a?.codes).toEqual(['AMBIGUOUS_VALUE']);
    expect(configOf('V54', 1)).toEqual({
      protocol: 'http',
      name: 'US_speednode_0299',
      server: 'f67b0a3c-swd340-swy6li-tni2.sj.gotochinatown.net',
      port: 443,
      username: '5e2f888c-68ef-11ef-96ca-f23c9164ca5d',
      password: '5e2f888c-68ef-11ef-96ca-f23c9164ca5d',
      tls: { enabled: false },
    });
  });

  it('V55 never reads hiddify metadata header lines as links', () => {
    // The container parser turns these into metadata; as links they are not share links at all.
    for (const line of vectorLines('V55')) {
      const r = parse(line);
      expect(r.config).toBeUndefined();
      expect(r.codes).toEqual(['MALFORMED_LINK']);
    }
  });

  it('V56 reads the complete VLESS line, ignores note=, leaves the name empty and rejects the garbage lines', () => {
    const [r] = parseVector('V56', 0);
    expect(r?.config).toEqual({
      protocol: 'vless',
      name: '',
      server: '51.158.206.29',
      port: 23576,
      uuid: '48ff2b70-e180-582f-8866-d9a2edeed5f5',
      flow: 'xtls-rprx-vision',
      encryption: 'none',
      tls: {
        enabled: true,
        serverName: 'fuck.rkn',
        fingerprint: 'chrome',
        reality: { publicKey: '1y5h2FGWKXTJ9xLPCqPo6Mw7RxoZzh6fGkEQKNxpZ3s', shortId: '01' },
      },
      transport: { type: 'tcp' },
    });
    expect(r?.diagnostics).toEqual([]);
    for (const i of [1, 2]) {
      const [g] = parseVector('V56', i);
      expect(g?.config).toBeUndefined();
      expect(g?.codes).toEqual(['MALFORMED_LINK']);
    }
  });

  it('V57 reports psiphon as an unsupported scheme and a detour chain as unsupported', () => {
    const [psiphon] = parseVector('V57', 0);
    expect(psiphon?.diagnostics).toEqual([
      expect.objectContaining({ code: 'UNKNOWN_SCHEME', scheme: 'psiphon', severity: 'error' }),
    ]);
    const chain = parseVector('V57', 1);
    expect(chain).toHaveLength(1);
    expect(chain[0]?.codes).toEqual(['UNSUPPORTED_ENTRY']);
  });

  it('V58 reads naive:// as HTTPS naive with user and password', () => {
    expect(configOf('V58')).toEqual({
      protocol: 'naive',
      name: 'my-proxy',
      server: 'example.com',
      port: 443,
      username: 'testuser',
      password: 'testpass',
      quic: false,
      tls: { enabled: true },
    });
  });
});
