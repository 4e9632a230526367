import type {
  AnyTlsConfig,
  HttpProxyConfig,
  Hysteria2Config,
  HysteriaConfig,
  NaiveConfig,
  PortRange,
  ProxyConfig,
  ShadowsocksConfig,
  SocksConfig,
  TrojanConfig,
  TuicConfig,
  VlessConfig,
  VmessConfig,
  WireguardConfig,
} from '../model/config.ts';
import type { TlsSettings } from '../model/tls.ts';
import type { Transport } from '../model/transport.ts';
import { leftOut } from './emit-each.ts';
import type { EmitOptions, EmitResult, Incompatibility, Rejection } from './emit-result.ts';
import { INCOMPATIBILITY_CODES as C, reject } from './emit-result.ts';
import { createLineSink } from './line-sink.ts';
import { pluginOptionsString } from './sip003.ts';
import { ss2022KeyProblem } from './ss2022.ts';
import { createNameAllocator, displayName } from './unique-names.ts';

/**
 * sing-box JSON: proxy outbounds, WireGuard as an endpoint (the wireguard outbound was
 * removed in 1.13), a `select` selector and an `auto` urltest over all of them. Valid for
 * sing-box 1.14 built with with_quic and with_utls (infra/local), plus with_wireguard for
 * WireGuard endpoints (on by default, as in release builds; `wireguard: false` otherwise).
 *
 * Left out, each with a code: shadowsocksr (removed from sing-box), naive (needs a build with
 * libcronet, off unless `naive: true`), xhttp/kcp transports, HTTP/1.1 camouflage over TLS
 * (sing-box would speak HTTP/2 there) and h2 without TLS (it would speak HTTP/1.1), gRPC
 * `authority`, certificate SHA-256 pins (sing-box only pins public-key hashes), VLESS
 * encryption other than none, flows other than xtls-rprx-vision, TLS on socks, ciphers and
 * plugins outside sing-box's lists (shadow-tls would need a chained shadowtls outbound),
 * hysteria v1 over faketcp/wechat-video or without bandwidth, QUIC transport without TLS,
 * REALITY with ECH or an odd-length short id, malformed Shadowsocks 2022 keys and 2022
 * multi-user keys on chacha20. Dropped because they do not change what goes on the wire or
 * only tune the client: REALITY spiderX, gRPC `multi` mode (servers accept both),
 * httpupgrade early data. `xtls-rprx-vision-udp443` is written as the vision flow it sends.
 */
export interface SingBoxEmitOptions extends EmitOptions {
  /** The target sing-box was built with with_naive_outbound (1.13+). Default false: release builds need libcronet. */
  readonly naive?: boolean;
  /** The target sing-box was built with with_wireguard. Default true, as release builds are. */
  readonly wireguard?: boolean;
}

type Json = string | number | boolean | readonly Json[] | { readonly [key: string]: Json | undefined };
type JsonObject = { [key: string]: Json | undefined };

const SELECTOR_TAG = 'select';
const URLTEST_TAG = 'auto';
const DIRECT_TAG = 'direct';

const SS_METHODS = new Set([
  'none',
  'aes-128-gcm',
  'aes-192-gcm',
  'aes-256-gcm',
  'chacha20-ietf-poly1305',
  'xchacha20-ietf-poly1305',
  '2022-blake3-aes-128-gcm',
  '2022-blake3-aes-256-gcm',
  '2022-blake3-chacha20-poly1305',
  'aes-128-ctr',
  'aes-192-ctr',
  'aes-256-ctr',
  'aes-128-cfb',
  'aes-192-cfb',
  'aes-256-cfb',
  'rc4-md5',
  'chacha20-ietf',
  'xchacha20',
]);
const VMESS_SECURITY = new Set(['auto', 'none', 'zero', 'aes-128-cfb', 'aes-128-gcm', 'chacha20-poly1305']);
const UTLS_FINGERPRINTS = new Set([
  'chrome',
  'firefox',
  'edge',
  'safari',
  '360',
  'qq',
  'ios',
  'android',
  'random',
  'randomized',
]);
const TUIC_CONGESTION = new Set(['cubic', 'new_reno', 'bbr']);
const TUIC_RELAY_MODES = new Set(['native', 'quic']);
const PACKET_ENCODINGS = new Set(['packetaddr', 'xudp']);

interface Entry {
  readonly kind: 'outbound' | 'endpoint';
  readonly body: JsonObject;
}

export function emitSingBox(configs: readonly ProxyConfig[], options: SingBoxEmitOptions = {}): EmitResult {
  const accepted: { entry: Entry; name: string }[] = [];
  const incompatible: Incompatibility[] = [];
  for (let i = 0; i < configs.length; i++) {
    const config = configs[i] as ProxyConfig;
    const entry = singBoxEntry(config, options);
    if ('code' in entry) incompatible.push(leftOut(config, i, entry, options));
    else accepted.push({ entry, name: displayName(config) });
  }
  const names = createNameAllocator(
    [SELECTOR_TAG, URLTEST_TAG, DIRECT_TAG],
    accepted.map((a) => a.name),
  );
  const outbounds = createLineSink(',\n    ');
  const endpoints = createLineSink(',\n    ');
  const members = createLineSink(',');
  for (const { entry, name } of accepted) {
    const tag = names.take(name);
    members.push(JSON.stringify(tag));
    // `type` and `tag` first: the order sing-box's own docs and exports use.
    const text = JSON.stringify({ type: entry.body['type'], tag, ...entry.body });
    (entry.kind === 'endpoint' ? endpoints : outbounds).push(text);
  }
  const emitted = members.count;
  const list = emitted > 0 ? members.join() : JSON.stringify(DIRECT_TAG);
  const selector = `{"type":"selector","tag":${JSON.stringify(SELECTOR_TAG)},"outbounds":[${JSON.stringify(URLTEST_TAG)},${list}],"default":${JSON.stringify(URLTEST_TAG)}}`;
  const urltest = `{"type":"urltest","tag":${JSON.stringify(URLTEST_TAG)},"outbounds":[${list}]}`;
  let output = `{\n  "outbounds": [\n    ${selector},\n    ${urltest}`;
  if (emitted === 0) output += `,\n    ${JSON.stringify({ type: 'direct', tag: DIRECT_TAG })}`;
  if (outbounds.count > 0) output += `,\n    ${outbounds.join()}`;
  output += '\n  ]';
  if (endpoints.count > 0) output += `,\n  "endpoints": [\n    ${endpoints.join()}\n  ]`;
  output += `,\n  "route": { "final": ${JSON.stringify(SELECTOR_TAG)} }\n}\n`;
  return { output, emitted, incompatible };
}

function singBoxEntry(config: ProxyConfig, options: SingBoxEmitOptions): Entry | Rejection {
  switch (config.protocol) {
    case 'vmess':
      return outbound(vmess(config));
    case 'vless':
      return outbound(vless(config));
    case 'trojan':
      return outbound(trojan(config));
    case 'shadowsocks':
      return outbound(shadowsocks(config));
    case 'shadowsocksr':
      return reject(C.unsupportedProtocol, 'sing-box removed ShadowsocksR in 1.6');
    case 'hysteria':
      return outbound(hysteria(config));
    case 'hysteria2':
      return outbound(hysteria2(config));
    case 'tuic':
      return outbound(tuic(config));
    case 'wireguard':
      return options.wireguard === false
        ? reject(C.unsupportedProtocol, 'the target sing-box was built without with_wireguard')
        : { kind: 'endpoint', body: wireguard(config) };
    case 'socks':
      return outbound(socks(config));
    case 'http':
      return outbound(http(config));
    case 'anytls':
      return outbound(anytls(config));
    case 'naive':
      return options.naive === true
        ? outbound(naive(config))
        : reject(
            C.unsupportedProtocol,
            'the naive outbound needs a sing-box built with with_naive_outbound (libcronet)',
          );
  }
}

function outbound(body: JsonObject | Rejection): Entry | Rejection {
  return 'code' in body ? (body as Rejection) : { kind: 'outbound', body };
}

function server(config: ProxyConfig): JsonObject {
  return { server: config.server, server_port: config.port };
}

function vmess(c: VmessConfig): JsonObject | Rejection {
  if (!VMESS_SECURITY.has(c.cipher)) return reject(C.unsupportedCipher, `vmess security ${c.cipher}`);
  const tls = c.tls.enabled ? tlsBlock(c.tls) : undefined;
  if (tls !== undefined && 'code' in tls) return tls;
  const transport = transportBlock(c.transport, c.tls.enabled);
  if (transport !== undefined && 'code' in transport) return transport;
  const body: JsonObject = { type: 'vmess', ...server(c), uuid: c.uuid, security: c.cipher };
  if (c.alterId > 0) body['alter_id'] = c.alterId;
  const encoding = packetEncoding(c.packetEncoding);
  if (encoding !== undefined) body['packet_encoding'] = encoding;
  body['tls'] = tls;
  body['transport'] = transport;
  return body;
}

function vless(c: VlessConfig): JsonObject | Rejection {
  if (c.encryption !== 'none' && c.encryption !== '') {
    return reject(C.unsupportedEncryption, 'sing-box VLESS has no encryption setting (only plain VLESS)');
  }
  // `-udp443` only tells an Xray client not to block UDP/443; the wire flow is plain vision.
  const flow = c.flow === 'xtls-rprx-vision-udp443' ? 'xtls-rprx-vision' : c.flow;
  if (flow !== undefined && flow !== '' && flow !== 'xtls-rprx-vision') {
    return reject(C.unsupportedFlow, `sing-box only supports the xtls-rprx-vision flow, not ${flow}`);
  }
  const tls = c.tls.enabled ? tlsBlock(c.tls) : undefined;
  if (tls !== undefined && 'code' in tls) return tls;
  const transport = transportBlock(c.transport, c.tls.enabled);
  if (transport !== undefined && 'code' in transport) return transport;
  const body: JsonObject = { type: 'vless', ...server(c), uuid: c.uuid };
  if (flow !== undefined && flow !== '') body['flow'] = flow;
  if (c.packetEncoding !== undefined) {
    // sing-box defaults to xudp when the key is absent; an explicit none must say "".
    body['packet_encoding'] = PACKET_ENCODINGS.has(c.packetEncoding) ? c.packetEncoding : '';
  }
  body['tls'] = tls;
  body['transport'] = transport;
  return body;
}

function trojan(c: TrojanConfig): JsonObject | Rejection {
  const tls = c.tls.enabled ? tlsBlock(c.tls) : undefined;
  if (tls !== undefined && 'code' in tls) return tls;
  const transport = transportBlock(c.transport, c.tls.enabled);
  if (transport !== undefined && 'code' in transport) return transport;
  return { type: 'trojan', ...server(c), password: c.password, tls, transport };
}

function shadowsocks(c: ShadowsocksConfig): JsonObject | Rejection {
  const method = c.method === 'chacha20-poly1305' ? 'chacha20-ietf-poly1305' : c.method;
  if (!SS_METHODS.has(method))
    return reject(C.unsupportedCipher, `sing-box has no shadowsocks method ${c.method}`);
  const keyProblem = ss2022KeyProblem(method, c.password);
  if (keyProblem !== undefined) return reject(C.invalidKey, keyProblem);
  if (method === '2022-blake3-chacha20-poly1305' && c.password.includes(':')) {
    return reject(
      C.unsupportedCipher,
      'Shadowsocks 2022 multi-user keys (EIH) need an AES cipher, not chacha20',
    );
  }
  const body: JsonObject = { type: 'shadowsocks', ...server(c), method, password: c.password };
  if (c.plugin !== undefined) {
    if (c.plugin.name !== 'obfs-local' && c.plugin.name !== 'v2ray-plugin') {
      return reject(
        C.unsupportedPlugin,
        `sing-box only runs obfs-local and v2ray-plugin, not ${c.plugin.name}`,
      );
    }
    body['plugin'] = c.plugin.name;
    const opts = pluginOptionsString(c.plugin.opts);
    if (opts !== '') body['plugin_opts'] = opts;
  }
  if (c.udpOverTcp === true) body['udp_over_tcp'] = true;
  return body;
}

function hysteria(c: HysteriaConfig): JsonObject | Rejection {
  if (c.transportProtocol !== undefined && c.transportProtocol !== '' && c.transportProtocol !== 'udp') {
    return reject(C.unsupportedOption, `sing-box hysteria only runs over udp, not ${c.transportProtocol}`);
  }
  if (c.upMbps === undefined || c.downMbps === undefined || c.upMbps <= 0 || c.downMbps <= 0) {
    return reject(
      C.missingRequiredField,
      'sing-box hysteria requires up and down bandwidth; the config has none',
    );
  }
  const tls = tlsBlock(c.tls);
  if ('code' in tls) return tls;
  const body: JsonObject = { type: 'hysteria', ...server(c) };
  const ports = serverPorts(c.port, c.ports);
  if (ports !== undefined) body['server_ports'] = ports;
  body['up_mbps'] = c.upMbps;
  body['down_mbps'] = c.downMbps;
  if (c.obfs !== undefined && c.obfs !== '') body['obfs'] = c.obfs;
  if (c.authStr !== undefined && c.authStr !== '') body['auth_str'] = c.authStr;
  body['tls'] = tls;
  return body;
}

function hysteria2(c: Hysteria2Config): JsonObject | Rejection {
  const tls = tlsBlock(c.tls);
  if ('code' in tls) return tls;
  const body: JsonObject = { type: 'hysteria2', ...server(c) };
  const ports = serverPorts(c.port, c.ports);
  if (ports !== undefined) body['server_ports'] = ports;
  if (ports !== undefined && c.hopInterval !== undefined && c.hopInterval > 0)
    body['hop_interval'] = `${c.hopInterval}s`;
  if (c.upMbps !== undefined && c.upMbps > 0) body['up_mbps'] = c.upMbps;
  if (c.downMbps !== undefined && c.downMbps > 0) body['down_mbps'] = c.downMbps;
  if (c.obfs !== undefined) {
    if (c.obfs.type !== 'salamander' && c.obfs.type !== 'gecko') {
      return reject(C.unsupportedOption, `sing-box has no hysteria2 obfs ${c.obfs.type}`);
    }
    if (c.obfs.password === '') return reject(C.missingRequiredField, 'hysteria2 obfs without a password');
    body['obfs'] = { type: c.obfs.type, password: c.obfs.password };
  }
  body['password'] = c.password;
  body['tls'] = tls;
  return body;
}

function tuic(c: TuicConfig): JsonObject | Rejection {
  if (c.congestionControl !== undefined && !TUIC_CONGESTION.has(c.congestionControl)) {
    return reject(C.unsupportedOption, `sing-box tuic has no congestion control ${c.congestionControl}`);
  }
  if (c.udpRelayMode !== undefined && !TUIC_RELAY_MODES.has(c.udpRelayMode)) {
    return reject(C.unsupportedOption, `sing-box tuic has no udp relay mode ${c.udpRelayMode}`);
  }
  const tls = tlsBlock(c.tls);
  if ('code' in tls) return tls;
  const body: JsonObject = { type: 'tuic', ...server(c), uuid: c.uuid, password: c.password };
  if (c.congestionControl !== undefined) body['congestion_control'] = c.congestionControl;
  if (c.udpRelayMode !== undefined) body['udp_relay_mode'] = c.udpRelayMode;
  if (c.zeroRtt === true) body['zero_rtt_handshake'] = true;
  body['tls'] = tls;
  return body;
}

function wireguard(c: WireguardConfig): JsonObject {
  const peer: JsonObject = {
    address: c.server,
    port: c.port,
    public_key: c.peerPublicKey,
    pre_shared_key: c.preSharedKey,
    allowed_ips: ['0.0.0.0/0', '::/0'],
  };
  if (c.keepalive !== undefined && c.keepalive > 0) peer['persistent_keepalive_interval'] = c.keepalive;
  if (c.reserved !== undefined) peer['reserved'] = [...c.reserved];
  const body: JsonObject = { type: 'wireguard', address: [...c.addresses], private_key: c.privateKey };
  if (c.mtu !== undefined) body['mtu'] = c.mtu;
  body['peers'] = [peer];
  return body;
}

function socks(c: SocksConfig): JsonObject | Rejection {
  if (c.tls?.enabled === true) return reject(C.unsupportedSecurity, 'sing-box socks has no TLS');
  return {
    type: 'socks',
    ...server(c),
    version: c.version,
    username: nonEmpty(c.username),
    password: nonEmpty(c.password),
  };
}

function http(c: HttpProxyConfig): JsonObject | Rejection {
  const tls = c.tls.enabled ? tlsBlock(c.tls) : undefined;
  if (tls !== undefined && 'code' in tls) return tls;
  return { type: 'http', ...server(c), username: nonEmpty(c.username), password: nonEmpty(c.password), tls };
}

function anytls(c: AnyTlsConfig): JsonObject | Rejection {
  const tls = tlsBlock(c.tls);
  if ('code' in tls) return tls;
  return { type: 'anytls', ...server(c), password: c.password, tls };
}

function naive(c: NaiveConfig): JsonObject | Rejection {
  const tls = tlsBlock(c.tls);
  if ('code' in tls) return tls;
  const body: JsonObject = { type: 'naive', ...server(c), username: c.username, password: c.password };
  if (c.quic) body['quic'] = true;
  body['tls'] = tls;
  return body;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

function packetEncoding(value: string | undefined): string | undefined {
  return value !== undefined && PACKET_ENCODINGS.has(value) ? value : undefined;
}

/** Port hopping: `server_ports` as `from:to` ranges; the main port is one of them. */
function serverPorts(port: number, ranges: readonly PortRange[] | undefined): string[] | undefined {
  if (ranges === undefined || ranges.length === 0) return undefined;
  const out: string[] = [];
  let covered = false;
  for (const r of ranges) {
    out.push(`${r.from}:${r.to}`);
    if (port >= r.from && port <= r.to) covered = true;
  }
  if (!covered) out.unshift(`${port}:${port}`);
  return out;
}

function tlsBlock(tls: TlsSettings): JsonObject | Rejection {
  if (tls.certSha256 !== undefined && tls.certSha256 !== '') {
    return reject(
      C.unsupportedSecurity,
      'sing-box cannot pin a certificate SHA-256 (only public-key hashes)',
    );
  }
  const body: JsonObject = { enabled: true };
  if (tls.disableSni === true) body['disable_sni'] = true;
  if (tls.serverName !== undefined && tls.serverName !== '') body['server_name'] = tls.serverName;
  if (tls.insecure === true) body['insecure'] = true;
  if (tls.alpn !== undefined && tls.alpn.length > 0) body['alpn'] = [...tls.alpn];
  const fingerprint = tls.fingerprint !== undefined && tls.fingerprint !== '' ? tls.fingerprint : undefined;
  if (fingerprint !== undefined && !UTLS_FINGERPRINTS.has(fingerprint)) {
    return reject(C.unsupportedSecurity, `sing-box has no uTLS fingerprint ${fingerprint}`);
  }
  if (tls.reality !== undefined) {
    if (tls.echConfig !== undefined && tls.echConfig !== '')
      return reject(C.unsupportedSecurity, 'sing-box refuses REALITY together with ECH');
    if (tls.reality.shortId.length % 2 === 1) {
      return reject(
        C.unrepresentableValue,
        `REALITY short id ${tls.reality.shortId} has an odd number of hex digits`,
      );
    }
    // REALITY needs uTLS in sing-box; a link without `fp` gets chrome, like mihomo's converter.
    body['utls'] = { enabled: true, fingerprint: fingerprint ?? 'chrome' };
    body['reality'] = { enabled: true, public_key: tls.reality.publicKey, short_id: tls.reality.shortId };
  } else if (fingerprint !== undefined) {
    body['utls'] = { enabled: true, fingerprint };
  }
  if (tls.echConfig !== undefined && tls.echConfig !== '') {
    body['ech'] = {
      enabled: true,
      config: ['-----BEGIN ECH CONFIGS-----', tls.echConfig, '-----END ECH CONFIGS-----'],
    };
  }
  return body;
}

const EARLY_DATA_HEADER = 'Sec-WebSocket-Protocol';

function transportBlock(t: Transport, tlsOn: boolean): JsonObject | Rejection | undefined {
  switch (t.type) {
    case 'tcp':
      return undefined;
    case 'http': {
      // sing-box's http transport speaks HTTP/2 as soon as TLS is on.
      if (tlsOn)
        return reject(
          C.unsupportedTransport,
          'HTTP/1.1 header camouflage over TLS (sing-box would speak HTTP/2)',
        );
      const body: JsonObject = { type: 'http' };
      if (t.host.length > 0) body['host'] = [...t.host];
      if (t.path !== '') body['path'] = t.path;
      if (t.method !== undefined && t.method !== '') body['method'] = t.method;
      return body;
    }
    case 'h2': {
      if (!tlsOn)
        return reject(C.unsupportedTransport, 'HTTP/2 transport without TLS (sing-box would speak HTTP/1.1)');
      const body: JsonObject = { type: 'http' };
      if (t.host.length > 0) body['host'] = [...t.host];
      if (t.path !== '') body['path'] = t.path;
      return body;
    }
    case 'ws': {
      const body: JsonObject = { type: 'ws' };
      if (t.path !== '') body['path'] = t.path;
      if (t.host !== undefined && t.host !== '') body['headers'] = { Host: t.host };
      if (t.maxEarlyData !== undefined && t.maxEarlyData > 0) {
        body['max_early_data'] = t.maxEarlyData;
        // Xray sends early data in this header; sing-box's default (in the path) would not match.
        body['early_data_header_name'] = t.earlyDataHeaderName ?? EARLY_DATA_HEADER;
      }
      return body;
    }
    case 'httpupgrade': {
      const body: JsonObject = { type: 'httpupgrade' };
      if (t.host !== undefined && t.host !== '') body['host'] = t.host;
      if (t.path !== '') body['path'] = t.path;
      return body;
    }
    case 'grpc': {
      if (t.authority !== undefined && t.authority !== '') {
        return reject(C.unsupportedTransport, 'sing-box gRPC has no authority setting');
      }
      const body: JsonObject = { type: 'grpc' };
      if (t.serviceName !== '') body['service_name'] = t.serviceName;
      return body;
    }
    case 'quic':
      if (!tlsOn) return reject(C.unsupportedTransport, 'sing-box runs the QUIC transport only with TLS');
      if (
        (t.security !== undefined && t.security !== 'none') ||
        (t.headerType !== undefined && t.headerType !== 'none')
      ) {
        return reject(C.unsupportedTransport, 'sing-box QUIC transport has no security or header settings');
      }
      return { type: 'quic' };
    case 'xhttp':
      return reject(C.unsupportedTransport, 'sing-box has no XHTTP transport');
    case 'kcp':
      return reject(C.unsupportedTransport, 'sing-box has no mKCP transport');
  }
}
