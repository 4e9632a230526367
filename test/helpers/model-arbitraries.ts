import fc from 'fast-check';
import type {
  AnyTlsConfig,
  HttpProxyConfig,
  Hysteria2Config,
  HysteriaConfig,
  NaiveConfig,
  PortRange,
  Protocol,
  ProxyConfig,
  RealitySettings,
  ShadowsocksConfig,
  ShadowsocksPlugin,
  ShadowsocksRConfig,
  SocksConfig,
  TlsSettings,
  Transport,
  TrojanConfig,
  TuicConfig,
  VlessConfig,
  VmessConfig,
  WireguardConfig,
} from '../../services/core/model/index.ts';
import { UTLS_FINGERPRINTS } from '../../services/core/model/index.ts';

/**
 * fast-check arbitraries for every protocol of the canonical model. They generate configs
 * already in canonical form (what validateConfig returns): lower-case public hosts,
 * unbracketed IPv6 in RFC 5952 form, cleaned names, optional fields either absent or at a
 * non-default value. Strings are deliberately hostile to emitters (`#?@&=%+:/;,[]{}"'`,
 * spaces, YAML look-alikes such as `null`, `0123`, `true`, emoji, CJK).
 */

/** Build an object without `undefined` values (exactOptionalPropertyTypes). */
export function compact<T extends object>(value: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out as T;
}

const opt = <T>(arb: fc.Arbitrary<T>, freq = 0.4): fc.Arbitrary<T | undefined> =>
  fc.oneof(
    { weight: Math.round((1 - freq) * 10), arbitrary: fc.constant(undefined) },
    { weight: Math.round(freq * 10), arbitrary: arb },
  );

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const HEX = '0123456789abcdef';
const charsOf = (alphabet: string): fc.Arbitrary<string> => fc.constantFrom(...alphabet.split(''));
const word = (alphabet: string, min: number, max: number): fc.Arbitrary<string> =>
  fc.string({ unit: charsOf(alphabet), minLength: min, maxLength: max });

/** Things that break YAML, URIs, JSON or shells when not quoted/encoded. */
const NASTY_TOKENS = [
  'null',
  'true',
  'false',
  'yes',
  'no',
  '~',
  '0123',
  '08',
  '1e3',
  '0x1f',
  '.inf',
  '-',
  '---',
  '...',
  '*a',
  '&b',
  '!tag',
  '#',
  '?',
  '@',
  '&',
  '=',
  '%',
  '%2F',
  '%25',
  '+',
  ':',
  '/',
  ';',
  ',',
  '[',
  ']',
  '{',
  '}',
  '"',
  "'",
  '\\',
  '|',
  '>',
  '<',
  '`',
  '$',
  ' ',
  '  ',
  'é',
  '中文',
  'ß',
  '🇩🇪',
  '😀',
  'Ω',
  'ж',
  'ا',
];
const SAFE = LOWER + LOWER.toUpperCase() + DIGITS + '-_.~';

/** A printable credential-like string: no control or bidi characters, may be anything else. */
export const secretArb: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 6, arbitrary: word(SAFE, 1, 8) },
      { weight: 3, arbitrary: fc.constantFrom(...NASTY_TOKENS) },
    ),
    {
      minLength: 1,
      maxLength: 6,
    },
  )
  .map((parts) => parts.join(''))
  .filter((s) => s.length <= 64);

/** A display name as cleanName leaves it: NFC, trimmed, no controls; may be empty. */
export const nameArb: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      { weight: 5, arbitrary: word(SAFE + ' ', 1, 8) },
      { weight: 2, arbitrary: fc.constantFrom(...NASTY_TOKENS) },
    ),
    {
      maxLength: 6,
    },
  )
  .map((parts) => parts.join('').normalize('NFC').trim());

const label = fc
  .tuple(word(LOWER + DIGITS, 1, 1), word(LOWER + DIGITS + '-', 0, 10), word(LOWER + DIGITS, 0, 1))
  .map(([a, b, c]) => (c === '' ? a : a + b + c));
const tld = fc.constantFrom('com', 'net', 'org', 'io', 'ru', 'de', 'xyz', 'shop', 'ir', 'info');
export const domainArb: fc.Arbitrary<string> = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld)
  .map(([labels, t]) => [...labels, t].join('.'));

/** Publicly routable IPv4 (no private, loopback, CGNAT, link-local, reserved or multicast). */
export const ipv4Arb: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 1, max: 223 }).filter((a) => ![10, 100, 127, 169, 172, 192, 198, 203].includes(a)),
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 1, max: 254 }),
  )
  .map((parts) => parts.join('.'));

/** Global-unicast IPv6 in 2a00::/12 (not documentation, not 6to4), RFC 5952 text. */
export const ipv6Arb: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 0x2a00, max: 0x2a0f }),
    fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 }),
  )
  .map(([first, rest]) => rfc5952([first, ...rest]));

function rfc5952(groups: readonly number[]): string {
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  return bestStart < 0 ? hex(0, 8) : `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

export const hostArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: domainArb },
  { weight: 3, arbitrary: ipv4Arb },
  { weight: 1, arbitrary: ipv6Arb },
);
export const portArb: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(443, 80, 8443, 2053, 2096, 8080),
  fc.integer({ min: 1, max: 65535 }),
);
export const uuidArb: fc.Arbitrary<string> = fc.uuid();

const bytesArb = (n: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: n, maxLength: n });
const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
/** A 32-byte key in standard padded base64 (WireGuard, SS2022). */
export const keyBase64Arb = (n = 32): fc.Arbitrary<string> => bytesArb(n).map(b64);

const pathSegment = fc.oneof(
  { weight: 6, arbitrary: word(SAFE, 1, 10) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '@channel',
      'a b',
      '🇩🇪',
      '中文',
      'x+y',
      'a=b',
      'a&b',
      'a,b',
      "it's",
      '%41',
      'q?x',
    ),
  },
);
/** An absolute path; never embeds an `?ed=N` marker (that is maxEarlyData). */
export const pathArb: fc.Arbitrary<string> = fc
  .array(pathSegment, { maxLength: 3 })
  .map((segments) => '/' + segments.join('/'))
  .filter((p) => !/[?&]ed=\d/.test(p));

export const alpnArb: fc.Arbitrary<readonly string[]> = fc.subarray(['h2', 'http/1.1', 'h3'], {
  minLength: 1,
});
const fingerprintArb = fc.constantFrom(...UTLS_FINGERPRINTS);

export const realityArb: fc.Arbitrary<RealitySettings> = fc
  .record({
    publicKey: bytesArb(32).map(b64url),
    shortId: fc.integer({ min: 0, max: 8 }).chain((n) => word(HEX, n * 2, n * 2)),
    spiderX: opt(
      pathArb.filter((p) => !p.includes(' ')),
      0.2,
    ),
  })
  .map((r) => compact<RealitySettings>(r));

interface TlsOptions {
  /** TLS may be off (false) or is always on (true). */
  readonly alwaysOn?: boolean;
  readonly reality?: boolean;
  readonly utls?: boolean;
  readonly pin?: boolean;
  readonly ech?: boolean;
  readonly disableSni?: boolean;
}

export function tlsArb(o: TlsOptions = {}): fc.Arbitrary<TlsSettings> {
  const on = fc
    .record({
      serverName: opt(domainArb, 0.6),
      alpn: opt(alpnArb, 0.3),
      insecure: opt(fc.constant(true as const), 0.3),
      fingerprint: o.utls === false ? fc.constant(undefined) : opt(fingerprintArb, 0.4),
      reality: o.reality === true ? opt(realityArb, 0.3) : fc.constant(undefined),
      certSha256: o.pin === true ? opt(word(HEX, 64, 64), 0.2) : fc.constant(undefined),
      echConfig:
        o.ech === true
          ? opt(fc.uint8Array({ minLength: 8, maxLength: 48 }).map(b64), 0.1)
          : fc.constant(undefined),
      disableSni: o.disableSni === true ? opt(fc.constant(true as const), 0.1) : fc.constant(undefined),
    })
    // REALITY needs a uTLS client hello (sing-box refuses it otherwise).
    .map((t) =>
      t.reality !== undefined && t.fingerprint === undefined ? { ...t, fingerprint: 'chrome' } : t,
    )
    .map((t) => compact<TlsSettings>({ enabled: true, ...t }));
  if (o.alwaysOn === true) return on;
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant<TlsSettings>({ enabled: false }) },
    { weight: 3, arbitrary: on },
  );
}

export const transportArb: fc.Arbitrary<Transport> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Transport>({ type: 'tcp' }) },
  fc
    .record({ host: fc.array(domainArb, { maxLength: 2 }), path: pathArb })
    .map((t): Transport => ({ type: 'http', ...t })),
  {
    weight: 3,
    arbitrary: fc
      .record({
        host: opt(domainArb, 0.6),
        path: pathArb,
        early: opt(fc.constantFrom(2048, 2560, 4096), 0.3),
      })
      .map(({ host, path, early }): Transport =>
        compact<Transport>({
          type: 'ws',
          host,
          path,
          maxEarlyData: early,
          earlyDataHeaderName: early === undefined ? undefined : 'Sec-WebSocket-Protocol',
        }),
      ),
  },
  fc
    .record({ host: opt(domainArb, 0.6), path: pathArb, maxEarlyData: opt(fc.constantFrom(2048, 2560), 0.2) })
    .map((t): Transport => compact<Transport>({ type: 'httpupgrade', ...t })),
  fc
    .record({ host: fc.array(domainArb, { maxLength: 2 }), path: pathArb })
    .map((t): Transport => ({ type: 'h2', ...t })),
  {
    weight: 2,
    arbitrary: fc
      .record({
        serviceName: fc.oneof(word(SAFE, 1, 16), fc.constant('Telegram@Rnrifci@Rnrifci')),
        mode: opt(fc.constant('multi' as const), 0.2),
        authority: opt(domainArb, 0.1),
      })
      .map((t): Transport => compact<Transport>({ type: 'grpc', ...t })),
  },
  fc
    .record({
      host: opt(domainArb, 0.5),
      path: pathArb,
      mode: opt(fc.constantFrom('packet-up', 'stream-up', 'stream-one'), 0.5),
      extra: opt(
        fc.constantFrom(
          '{"xPaddingBytes":"100-1000"}',
          '{"noGRPCHeader":false,"scMaxEachPostBytes":1000000}',
        ),
        0.3,
      ),
    })
    .map((t): Transport => compact<Transport>({ type: 'xhttp', ...t })),
  fc
    .record({
      headerType: opt(fc.constantFrom('srtp', 'utp', 'wechat-video', 'dtls', 'wireguard'), 0.5),
      seed: opt(word(SAFE, 1, 12), 0.4),
    })
    .map((t): Transport => compact<Transport>({ type: 'kcp', ...t })),
  fc
    .record({
      security: opt(fc.constantFrom('aes-128-gcm', 'chacha20-poly1305'), 0.4),
      key: opt(word(SAFE, 1, 12), 0.4),
      headerType: opt(fc.constantFrom('srtp', 'utp', 'wechat-video'), 0.4),
    })
    .map(({ security, key, headerType }): Transport =>
      // The QUIC key only means something with a QUIC security (cipher).
      compact<Transport>({
        type: 'quic',
        security,
        key: security === undefined ? undefined : key,
        headerType,
      }),
    ),
);

const base = { name: nameArb, server: hostArb, port: portArb };

export const vmessArb: fc.Arbitrary<VmessConfig> = fc
  .record({
    ...base,
    uuid: uuidArb,
    alterId: fc.oneof(
      { weight: 5, arbitrary: fc.constant(0) },
      { weight: 1, arbitrary: fc.constantFrom(1, 4, 64) },
    ),
    cipher: fc.constantFrom('auto', 'aes-128-gcm', 'chacha20-poly1305', 'none', 'zero'),
    tls: tlsArb({ ech: true }),
    transport: transportArb,
    packetEncoding: opt(fc.constantFrom('xudp', 'packetaddr'), 0.1),
  })
  .map((c) => compact<VmessConfig>({ protocol: 'vmess', ...c }));

/** VLESS ids: UUIDs, and custom strings Xray maps to UUIDv5 (V20). */
const vlessIdArb = fc.oneof({ weight: 6, arbitrary: uuidArb }, { weight: 1, arbitrary: word(SAFE, 1, 30) });

export const vlessArb: fc.Arbitrary<VlessConfig> = fc
  .record({
    ...base,
    uuid: vlessIdArb,
    tls: tlsArb({ reality: true, ech: true }),
    transport: transportArb,
    vision: fc.boolean(),
    encryption: fc.oneof(
      { weight: 9, arbitrary: fc.constant('none') },
      { weight: 1, arbitrary: fc.constant('mlkem768x25519plus.native.0rtt.' + 'A'.repeat(40)) },
    ),
    packetEncoding: opt(fc.constantFrom('xudp', 'packetaddr'), 0.1),
  })
  .map(({ vision, ...c }) =>
    compact<VlessConfig>({
      protocol: 'vless',
      ...c,
      // Vision only exists on raw TCP with TLS or REALITY.
      flow: vision && c.tls.enabled && c.transport.type === 'tcp' ? 'xtls-rprx-vision' : undefined,
    }),
  );

export const trojanArb: fc.Arbitrary<TrojanConfig> = fc
  .record({
    ...base,
    password: secretArb,
    tls: fc.oneof(
      { weight: 9, arbitrary: tlsArb({ alwaysOn: true, reality: true }) },
      { weight: 1, arbitrary: fc.constant<TlsSettings>({ enabled: false }) },
    ),
    transport: transportArb,
  })
  .map((c) => ({ protocol: 'trojan' as const, ...c }));

const SS_METHODS = [
  'aes-128-gcm',
  'aes-192-gcm',
  'aes-256-gcm',
  'chacha20-ietf-poly1305',
  'xchacha20-ietf-poly1305',
  'none',
  'aes-128-ctr',
  'aes-256-cfb',
  'rc4-md5',
  'chacha20-ietf',
];
const SS2022: readonly [string, number][] = [
  ['2022-blake3-aes-128-gcm', 16],
  ['2022-blake3-aes-256-gcm', 32],
  ['2022-blake3-chacha20-poly1305', 32],
];

export const ssPluginArb: fc.Arbitrary<ShadowsocksPlugin> = fc.oneof(
  fc
    .record({ obfs: fc.constantFrom('http', 'tls'), host: opt(domainArb, 0.8) })
    .map(({ obfs, host }): ShadowsocksPlugin => ({
      name: 'obfs-local',
      opts:
        host === undefined
          ? [['obfs', obfs]]
          : [
              ['obfs', obfs],
              ['obfs-host', host],
            ],
    })),
  fc
    .record({ host: domainArb, path: pathArb, tls: fc.boolean() })
    .map(({ host, path, tls }): ShadowsocksPlugin => ({
      name: 'v2ray-plugin',
      opts: [['mode', 'websocket'], ['host', host], ['path', path], ...(tls ? [['tls', ''] as const] : [])],
    })),
);

export const shadowsocksArb: fc.Arbitrary<ShadowsocksConfig> = fc
  .record({
    ...base,
    cred: fc.oneof(
      { weight: 4, arbitrary: fc.record({ method: fc.constantFrom(...SS_METHODS), password: secretArb }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(...SS2022).chain(([method, n]) =>
          fc.tuple(keyBase64Arb(n), opt(keyBase64Arb(n), 0.3)).map(([user, server]) => ({
            method,
            password: server === undefined ? user : `${server}:${user}`,
          })),
        ),
      },
    ),
    plugin: opt(ssPluginArb, 0.2),
    udpOverTcp: opt(fc.constant(true as const), 0.1),
  })
  .map(({ cred, ...c }) => compact<ShadowsocksConfig>({ protocol: 'shadowsocks', ...c, ...cred }));

export const shadowsocksrArb: fc.Arbitrary<ShadowsocksRConfig> = fc
  .record({
    ...base,
    method: fc.constantFrom('aes-256-cfb', 'aes-128-ctr', 'chacha20-ietf', 'rc4-md5', 'none'),
    password: secretArb,
    protocolName: fc.constantFrom(
      'origin',
      'auth_sha1_v4',
      'auth_aes128_md5',
      'auth_aes128_sha1',
      'auth_chain_a',
    ),
    protocolParam: opt(
      fc.oneof(
        word(DIGITS, 1, 5).map((u) => `${u}:${'k'.repeat(4)}`),
        word(SAFE, 1, 12),
      ),
      0.3,
    ),
    obfs: fc.constantFrom('plain', 'http_simple', 'http_post', 'tls1.2_ticket_auth', 'random_head'),
    obfsParam: opt(domainArb, 0.3),
  })
  .map((c) => compact<ShadowsocksRConfig>({ protocol: 'shadowsocksr', ...c }));

/** Hop ranges besides the main port: disjoint, ascending, never just the main port. */
const portRangesArb: fc.Arbitrary<readonly PortRange[]> = fc
  .array(fc.tuple(fc.integer({ min: 1024, max: 60000 }), fc.integer({ min: 0, max: 500 })), {
    minLength: 1,
    maxLength: 3,
  })
  .map((pairs) => {
    const ranges = pairs.map(([from, width]) => ({ from, to: from + width })).sort((a, b) => a.from - b.from);
    const out: PortRange[] = [];
    for (const r of ranges) {
      const last = out[out.length - 1];
      if (last === undefined || r.from > last.to + 1) out.push(r);
    }
    return out;
  });

const mbpsArb = fc.integer({ min: 1, max: 1000 });

export const hysteriaArb: fc.Arbitrary<HysteriaConfig> = fc
  .record({
    ...base,
    authStr: opt(secretArb, 0.8),
    ports: opt(portRangesArb, 0.2),
    upMbps: opt(mbpsArb, 0.7),
    downMbps: opt(mbpsArb, 0.7),
    obfs: opt(secretArb, 0.3),
    transportProtocol: opt(fc.constantFrom('wechat-video', 'faketcp'), 0.1),
    tls: tlsArb({ alwaysOn: true, utls: false }),
  })
  .map((c) => compact<HysteriaConfig>({ protocol: 'hysteria', ...c }));

export const hysteria2Arb: fc.Arbitrary<Hysteria2Config> = fc
  .record({
    ...base,
    password: secretArb,
    ports: opt(portRangesArb, 0.3),
    hopInterval: opt(fc.integer({ min: 5, max: 120 }), 0.1),
    upMbps: opt(mbpsArb, 0.2),
    downMbps: opt(mbpsArb, 0.2),
    obfs: opt(
      secretArb.map((password) => ({ type: 'salamander', password })),
      0.3,
    ),
    tls: tlsArb({ alwaysOn: true, utls: false, pin: true }),
  })
  // A hop interval without port hopping means nothing.
  .map((c) =>
    compact<Hysteria2Config>({
      protocol: 'hysteria2',
      ...c,
      hopInterval: c.ports === undefined ? undefined : c.hopInterval,
    }),
  );

export const tuicArb: fc.Arbitrary<TuicConfig> = fc
  .record({
    ...base,
    uuid: uuidArb,
    password: secretArb,
    congestionControl: opt(fc.constantFrom('bbr', 'cubic', 'new_reno'), 0.6),
    udpRelayMode: opt(fc.constantFrom('native', 'quic'), 0.5),
    zeroRtt: opt(fc.constant(true as const), 0.1),
    tls: tlsArb({ alwaysOn: true, utls: false, disableSni: true }),
  })
  .map((c) => compact<TuicConfig>({ protocol: 'tuic', ...c }));

const cidr4 = fc
  .tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 1, max: 254 }))
  .map(([c, d]) => `172.16.${c}.${d}/32`);
const cidr6 = fc.integer({ min: 1, max: 0xffff }).map((n) => `fd01:5ca1:ab1e::${n.toString(16)}/128`);

export const wireguardArb: fc.Arbitrary<WireguardConfig> = fc
  .record({
    ...base,
    privateKey: keyBase64Arb(),
    peerPublicKey: keyBase64Arb(),
    preSharedKey: opt(keyBase64Arb(), 0.2),
    addresses: fc.oneof(
      cidr4.map((a) => [a]),
      fc.tuple(cidr4, cidr6).map(([a, b]) => [a, b]),
    ),
    reserved: opt(
      fc.tuple(
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 255 }),
      ),
      0.3,
    ),
    mtu: opt(fc.integer({ min: 1280, max: 1420 }), 0.4),
    keepalive: opt(fc.integer({ min: 1, max: 60 }), 0.3),
  })
  .map((c) => compact<WireguardConfig>({ protocol: 'wireguard', ...c }));

const userPass = fc.oneof(fc.constant({}), fc.record({ username: secretArb, password: secretArb }));

export const socksArb: fc.Arbitrary<SocksConfig> = fc
  .record({
    ...base,
    version: fc.oneof(
      { weight: 8, arbitrary: fc.constant('5' as const) },
      { weight: 1, arbitrary: fc.constantFrom('4' as const, '4a' as const) },
    ),
    auth: userPass,
    tls: opt(tlsArb({ alwaysOn: true, utls: false }), 0.1),
  })
  .map(({ auth, ...c }) =>
    compact<SocksConfig>({ protocol: 'socks', ...c, ...(c.version === '5' ? auth : {}) }),
  );

export const httpArb: fc.Arbitrary<HttpProxyConfig> = fc
  .record({ ...base, auth: userPass, tls: tlsArb({ utls: false }) })
  .map(({ auth, ...c }) => compact<HttpProxyConfig>({ protocol: 'http', ...c, ...auth }));

export const anytlsArb: fc.Arbitrary<AnyTlsConfig> = fc
  .record({ ...base, password: secretArb, tls: tlsArb({ alwaysOn: true }) })
  .map((c) => ({ protocol: 'anytls' as const, ...c }));

export const naiveArb: fc.Arbitrary<NaiveConfig> = fc
  .record({
    ...base,
    username: secretArb,
    password: secretArb,
    quic: fc.boolean(),
    tls: tlsArb({ alwaysOn: true, utls: false }),
  })
  .map((c) => ({ protocol: 'naive' as const, ...c }));

export const CONFIG_ARBITRARIES: {
  readonly [P in Protocol]: fc.Arbitrary<Extract<ProxyConfig, { protocol: P }>>;
} = {
  vmess: vmessArb,
  vless: vlessArb,
  trojan: trojanArb,
  shadowsocks: shadowsocksArb,
  shadowsocksr: shadowsocksrArb,
  hysteria: hysteriaArb,
  hysteria2: hysteria2Arb,
  tuic: tuicArb,
  wireguard: wireguardArb,
  socks: socksArb,
  http: httpArb,
  anytls: anytlsArb,
  naive: naiveArb,
};

/** Any config of any protocol. */
export const configArb: fc.Arbitrary<ProxyConfig> = fc.oneof(
  ...(Object.values(CONFIG_ARBITRARIES) as fc.Arbitrary<ProxyConfig>[]),
);
