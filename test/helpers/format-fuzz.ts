import fc from 'fast-check';
import { stringify as yamlStringify } from 'yaml';
import type { FuzzSeeds } from './fuzz-seeds.ts';

/**
 * Fuzz inputs for the format core: corpus lines and documents mutated byte- and
 * token-wise, link-shaped strings assembled from scheme/param pools, random structured
 * documents (JSON / YAML with anchors) whose values have the wrong types, raw bytes
 * (invalid UTF-8) and random Unicode. Every input is one subscription body.
 */

const SCHEMES = [
  'vmess',
  'vless',
  'trojan',
  'ss',
  'ssr',
  'hysteria',
  'hysteria2',
  'hy2',
  'tuic',
  'wireguard',
  'wg',
  'socks',
  'socks5',
  'socks4',
  'http',
  'https',
  'anytls',
  'naive',
  'naive+https',
  'naive+quic',
  'psiphon',
  'dnstt',
  'VLESS',
  'Trojan',
  '',
];
const PARAM_KEYS = [
  'security',
  'type',
  'headerType',
  'host',
  'path',
  'serviceName',
  'mode',
  'extra',
  'sni',
  'alpn',
  'fp',
  'pbk',
  'sid',
  'spx',
  'flow',
  'encryption',
  'insecure',
  'allowInsecure',
  'allow_insecure',
  'obfs',
  'obfs-password',
  'obfsParam',
  'mport',
  'ports',
  'upmbps',
  'downmbps',
  'auth',
  'auth_str',
  'peer',
  'protocol',
  'congestion_control',
  'udp_relay_mode',
  'plugin',
  'publickey',
  'privatekey',
  'presharedkey',
  'reserved',
  'address',
  'mtu',
  'keepalive',
  'pinSHA256',
  'ech',
  'seed',
  'key',
  'quicSecurity',
  'authority',
  'packetEncoding',
  'uot',
  'hop-interval',
  'note',
  'ed',
];
const TOKENS = [
  '',
  ' ',
  '%',
  '%2',
  '%25',
  '%252F',
  '%00',
  '%ff',
  '%E4%B8',
  '#',
  '?',
  '&',
  '=',
  '==',
  '@',
  '@@',
  ':',
  '::',
  '[',
  ']',
  '[::1]',
  '[2001:db8::1]',
  '/',
  '//',
  '\\',
  ';',
  ',',
  '|',
  '+',
  '"',
  "'",
  '{',
  '}',
  '{}',
  '[]',
  'null',
  'true',
  '0',
  '-1',
  '65536',
  '99999999999999999999',
  '1e308',
  'NaN',
  '0x10',
  '\u0000',
  '\r',
  '\n',
  '\r\n',
  '\t',
  '\ufeff',
  '\u202e',
  '\u200f',
  '\ud800',
  '🇩🇪',
  '中文',
  'é',
  'A'.repeat(300),
  '-'.repeat(70),
  'base64:',
  'vmess://',
  'trojan://',
  '://',
  '127.0.0.1',
  '169.254.169.254',
  'localhost',
  'example.com',
  '443',
  '1-65535',
  '20000-55000,443',
  'tls',
  'reality',
  'ws',
  'grpc',
  'xhttp',
  'h2',
  'kcp',
  'quic',
  'httpupgrade',
  'salamander',
  'xtls-rprx-vision',
  'chrome',
  'aes-256-gcm',
  '2022-blake3-aes-128-gcm',
  'ca58b165-0f7d-49aa-9fae-a017e8a0f884',
  '---',
  '...',
  '*a',
  '&a',
  '!!binary',
  '<<: *a',
  '<!DOCTYPE html>',
  '<html>',
  'proxies:',
  'outbounds',
  '[server_local]',
  '[Proxy]',
  '//profile-title: base64:',
];
const STRUCT_KEYS = [
  'name',
  'type',
  'server',
  'port',
  'uuid',
  'password',
  'cipher',
  'alterId',
  'network',
  'tls',
  'sni',
  'servername',
  'skip-cert-verify',
  'client-fingerprint',
  'reality-opts',
  'public-key',
  'short-id',
  'ws-opts',
  'path',
  'headers',
  'Host',
  'grpc-opts',
  'grpc-service-name',
  'h2-opts',
  'http-opts',
  'xhttp-opts',
  'plugin',
  'plugin-opts',
  'mode',
  'obfs',
  'obfs-password',
  'ports',
  'auth-str',
  'up',
  'down',
  'protocol',
  'protocol-param',
  'obfs-param',
  'private-key',
  'ip',
  'ipv6',
  'reserved',
  'flow',
  'tag',
  'server_port',
  'method',
  'transport',
  'service_name',
  'utls',
  'fingerprint',
  'enabled',
  'server_name',
  'insecure',
  'alpn',
  'reality',
  'short_id',
  'public_key',
  'outbounds',
  'endpoints',
  'peers',
  'address',
  'private_key',
  'settings',
  'vnext',
  'users',
  'id',
  'streamSettings',
  'wsSettings',
  'security',
  'servers',
  'remarks',
  'version',
  'congestion_control',
  'udp_relay_mode',
  'up_mbps',
  'down_mbps',
  'server_ports',
];
const STRUCT_TYPES = [
  'vmess',
  'vless',
  'trojan',
  'ss',
  'shadowsocks',
  'ssr',
  'shadowsocksr',
  'hysteria',
  'hysteria2',
  'tuic',
  'wireguard',
  'socks5',
  'socks',
  'http',
  'anytls',
  'naive',
  'mieru',
  'selector',
  'urltest',
  'direct',
  'block',
  'dns',
  'freedom',
];

const token = fc.constantFrom(...TOKENS);
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 3, arbitrary: token },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
);
const pieces = (max: number): fc.Arbitrary<string> =>
  fc.array(piece, { maxLength: max }).map((p) => p.join(''));

/** Link-shaped strings: scheme, userinfo, host, port, query with real keys, fragment, or a base64 body. */
export const linkLikeArb: fc.Arbitrary<string> = fc
  .record({
    scheme: fc.constantFrom(...SCHEMES),
    userinfo: fc.option(pieces(3), { nil: undefined }),
    host: fc.oneof(
      fc.constantFrom('example.com', '1.2.3.4', '[2a01:4f8::1]', 'xn--bcher-kva.de', ''),
      pieces(2),
    ),
    port: fc.option(fc.oneof(fc.integer({ min: -5, max: 70000 }).map(String), pieces(1)), { nil: undefined }),
    path: fc.option(pieces(2), { nil: undefined }),
    query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...PARAM_KEYS), pieces(1)), pieces(2)), {
      maxLength: 8,
    }),
    fragment: fc.option(pieces(3), { nil: undefined }),
    base64Body: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined, freq: 4 }),
  })
  .map((l) => {
    if (l.base64Body !== undefined) {
      return `${l.scheme}://${Buffer.from(JSON.stringify(l.base64Body)).toString('base64')}${l.fragment === undefined ? '' : '#' + l.fragment}`;
    }
    const query = l.query.map(([k, v]) => `${k}=${v}`).join('&');
    return (
      `${l.scheme}://${l.userinfo === undefined ? '' : l.userinfo + '@'}${l.host}` +
      `${l.port === undefined ? '' : ':' + l.port}${l.path ?? ''}${query === '' ? '' : '?' + query}` +
      `${l.fragment === undefined ? '' : '#' + l.fragment}`
    );
  });

const structValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(...TOKENS),
    fc.constantFrom(...STRUCT_TYPES),
    fc.integer({ min: -70000, max: 70000 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.string({ maxLength: 20 }),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...STRUCT_KEYS), tie('value'), { maxKeys: 5 }),
  ),
})).value;

const proxyObject = fc.dictionary(fc.constantFrom(...STRUCT_KEYS), structValue, { minKeys: 1, maxKeys: 12 });

/** Containers with plausible keys and random value types, as JSON, YAML (block/flow) or with alias bombs. */
export const structuredArb: fc.Arbitrary<string> = fc
  .record({
    root: fc.constantFrom('proxies', 'Proxy', 'outbounds', 'endpoints', 'servers', ''),
    entries: fc.array(proxyObject, { maxLength: 5 }),
    style: fc.constantFrom('json', 'yaml', 'yaml-flow', 'alias-bomb', 'multi-doc'),
  })
  .map(({ root, entries, style }) => {
    const doc = root === '' ? entries : { [root]: entries };
    switch (style) {
      case 'json':
        return JSON.stringify(doc);
      case 'yaml':
        return yamlStringify(doc);
      case 'yaml-flow':
        return `${root || 'proxies'}:\n${entries.map((e) => `  - ${JSON.stringify(e)}`).join('\n')}\n`;
      case 'multi-doc':
        return `${yamlStringify(doc)}---\n${yamlStringify(doc)}`;
      case 'alias-bomb': {
        // Exponential alias expansion must be cut off by the parser's alias limit.
        let text = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n';
        for (let i = 1; i < 12; i++)
          text += `a${i}: &a${i} [${Array.from({ length: 9 }, () => `*a${i - 1}`).join(', ')}]\n`;
        return `${text}proxies: *a11\n`;
      }
      default:
        return '';
    }
  });

const MUTATIONS = [
  'flip',
  'insert',
  'delete',
  'duplicate',
  'truncate',
  'case',
  'splice',
  'digits',
  'newline',
] as const;
type Mutation = { op: (typeof MUTATIONS)[number]; at: number; length: number; text: string };

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom(...MUTATIONS),
  at: fc.double({ min: 0, max: 1, noNaN: true }),
  length: fc.integer({ min: 1, max: 40 }),
  text: piece,
});

/** Apply mutations deterministically (positions are fractions of the current length). */
export function mutate(input: string, mutations: readonly Mutation[], other: string): string {
  let s = input;
  for (const m of mutations) {
    const at = Math.floor(m.at * s.length);
    switch (m.op) {
      case 'flip':
        s = s.slice(0, at) + m.text.slice(0, 1) + s.slice(at + 1);
        break;
      case 'insert':
        s = s.slice(0, at) + m.text + s.slice(at);
        break;
      case 'delete':
        s = s.slice(0, at) + s.slice(at + m.length);
        break;
      case 'duplicate':
        s = s.slice(0, at + m.length) + s.slice(at, at + m.length) + s.slice(at + m.length);
        break;
      case 'truncate':
        s = s.slice(0, at);
        break;
      case 'case':
        s = s.slice(0, at) + s.slice(at, at + m.length).toUpperCase() + s.slice(at + m.length);
        break;
      case 'splice':
        s = s.slice(0, at) + other.slice(Math.floor(m.at * other.length));
        break;
      case 'digits':
        s =
          s.slice(0, at) + s.slice(at, at + m.length).replace(/\d+/g, '99999999999') + s.slice(at + m.length);
        break;
      case 'newline':
        s = s.slice(0, at) + '\n' + s.slice(at);
        break;
    }
  }
  return s;
}

const WRAPS = ['none', 'none', 'none', 'base64', 'base64url', 'base64-wrapped', 'bom', 'crlf'] as const;
function wrap(text: string, how: (typeof WRAPS)[number]): string {
  switch (how) {
    case 'base64':
      return Buffer.from(text).toString('base64');
    case 'base64url':
      return Buffer.from(text).toString('base64url');
    case 'base64-wrapped':
      return (
        Buffer.from(text)
          .toString('base64')
          .match(/.{1,76}/g) ?? []
      ).join('\r\n');
    case 'bom':
      return '\ufeff' + text;
    case 'crlf':
      return text.replaceAll('\n', '\r\n');
    default:
      return text;
  }
}

export type FuzzInput = string | Uint8Array;

/** Every kind of fuzz input, weighted towards mutated real data. */
export function fuzzInputArb(seeds: FuzzSeeds): fc.Arbitrary<FuzzInput> {
  const line = fc.constantFrom(...seeds.lines);
  const document = fc.constantFrom(...seeds.documents);
  const mutatedLines = fc
    .tuple(
      fc.array(line, { minLength: 1, maxLength: 6 }),
      fc.array(mutationArb, { maxLength: 4 }),
      line,
      fc.constantFrom(...WRAPS),
    )
    .map(([ls, ms, other, how]) => wrap(mutate(ls.join('\n'), ms, other), how));
  const mutatedDocument = fc
    .tuple(document, fc.array(mutationArb, { maxLength: 3 }), line, fc.constantFrom(...WRAPS))
    .map(([doc, ms, other, how]) => wrap(mutate(doc, ms, other), how));
  const linkList = fc
    .tuple(
      fc.array(fc.oneof(linkLikeArb, line), { minLength: 1, maxLength: 5 }),
      fc.constantFrom('\n', '\r\n', '\r', ' ', '|', ''),
      fc.constantFrom(...WRAPS),
    )
    .map(([ls, sep, how]) => wrap(ls.join(sep), how));
  return fc.oneof(
    { weight: 30, arbitrary: mutatedLines },
    { weight: 15, arbitrary: mutatedDocument },
    { weight: 20, arbitrary: linkList },
    { weight: 10, arbitrary: structuredArb },
    { weight: 5, arbitrary: fc.uint8Array({ maxLength: 400 }) },
    { weight: 5, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    { weight: 5, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 300 }) },
  );
}
