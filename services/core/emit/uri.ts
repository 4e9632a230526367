import type {
  AnyTlsConfig,
  HttpProxyConfig,
  Hysteria2Config,
  HysteriaConfig,
  NaiveConfig,
  PortRange,
  ProxyConfig,
  ShadowsocksConfig,
  ShadowsocksRConfig,
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
import { explicitServerName } from './explicit-sni.ts';
import { createLineSink } from './line-sink.ts';
import { pluginString } from './sip003.ts';
import { hostPort } from './unique-names.ts';

/**
 * Share links, one per line. Every value is re-encoded with encodeURIComponent (so `+`,
 * `=`, `#`, `&`, raw JSON and emoji survive every parser in formats.md §1), IPv6 hosts are
 * bracketed, names travel in the fragment. Forms: vmess as v2rayN JSON (base64), vless /
 * trojan with the XTLS query keys, ss as SIP002 (base64url userinfo; plain percent-encoded
 * userinfo for 2022-blake3 ciphers, as SIP022 requires), ssr as the SSR QR scheme, hysteria v1
 * and hysteria2 per their URI schemes (`mport` for port hopping), tuic as dae#182, wireguard as
 * v2rayN, socks5/socks4/socks4a and http/https with plain userinfo, anytls, naive+https/quic.
 *
 * Left out: settings a link syntax has no key for (vmess JSON: REALITY, ECH, xhttp `extra`,
 * a non-GET camouflage method; any link: TLS on socks, a non-default early-data header), each
 * with a code. Nothing else is lost: a link carries every field of the model that clients read.
 */
export function emitUri(configs: readonly ProxyConfig[], options: EmitOptions = {}): EmitResult {
  const lines = createLineSink('\n');
  const incompatible: Incompatibility[] = [];
  for (let i = 0; i < configs.length; i++) {
    const config = configs[i] as ProxyConfig;
    const link = shareLink(config);
    if (typeof link === 'string') lines.push(link);
    else incompatible.push(leftOut(config, i, link, options));
  }
  return { output: lines.count > 0 ? `${lines.join()}\n` : '', emitted: lines.count, incompatible };
}

/** The share link of one config, or why no link can carry it. */
export function shareLink(config: ProxyConfig): string | Rejection {
  switch (config.protocol) {
    case 'vmess':
      return vmess(config);
    case 'vless':
      return vless(config);
    case 'trojan':
      return trojan(config);
    case 'shadowsocks':
      return shadowsocks(config);
    case 'shadowsocksr':
      return shadowsocksr(config);
    case 'hysteria':
      return hysteria(config);
    case 'hysteria2':
      return hysteria2(config);
    case 'tuic':
      return tuic(config);
    case 'wireguard':
      return wireguard(config);
    case 'socks':
      return socks(config);
    case 'http':
      return http(config);
    case 'anytls':
      return anytls(config);
    case 'naive':
      return naive(config);
  }
}

type Params = [string, string][];

const enc = encodeURIComponent;

function query(params: Params): string {
  let out = '';
  for (const [k, v] of params) out += `${out === '' ? '?' : '&'}${k}=${enc(v)}`;
  return out;
}

function fragment(name: string): string {
  return name === '' ? '' : `#${enc(name)}`;
}

function add(params: Params, key: string, value: string | undefined): void {
  if (value !== undefined && value !== '') params.push([key, value]);
}

function base64Std(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

function base64Url(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64url');
}

const EARLY_DATA_HEADER = 'Sec-WebSocket-Protocol';

/** `?ed=N` inside the path is how links carry WebSocket early data (Xray's header). */
function pathWithEarlyData(path: string, maxEarlyData: number | undefined): string {
  if (maxEarlyData === undefined || maxEarlyData <= 0) return path;
  return `${path}${path.includes('?') ? '&' : '?'}ed=${maxEarlyData}`;
}

function earlyDataHeaderProblem(t: Transport): Rejection | undefined {
  if (t.type !== 'ws' || t.maxEarlyData === undefined || t.earlyDataHeaderName === undefined)
    return undefined;
  return t.earlyDataHeaderName === EARLY_DATA_HEADER
    ? undefined
    : reject(C.unrepresentableValue, `links carry early data only in the ${EARLY_DATA_HEADER} header`);
}

// --- vmess: v2rayN JSON ---------------------------------------------------------------

function vmess(c: VmessConfig): string | Rejection {
  if (c.tls.reality !== undefined)
    return reject(C.unsupportedSecurity, 'the v2rayN vmess JSON link has no REALITY keys');
  if (c.tls.echConfig !== undefined)
    return reject(C.unsupportedSecurity, 'the v2rayN vmess JSON link has no ECH key');
  const header = earlyDataHeaderProblem(c.transport);
  if (header !== undefined) return header;
  const t = vmessTransport(c.transport);
  if ('code' in t) return t;
  const json: Record<string, string> = {
    v: '2',
    ps: c.name,
    add: c.server,
    port: String(c.port),
    id: c.uuid,
    aid: String(c.alterId),
    scy: c.cipher,
    net: t.net,
    type: t.type,
    host: t.host,
    path: t.path,
    tls: c.tls.enabled ? 'tls' : '',
  };
  if (c.tls.enabled) {
    const sni = explicitServerName(c.tls, c.transport, c.server);
    if (sni !== undefined) json['sni'] = sni;
    if (c.tls.alpn !== undefined && c.tls.alpn.length > 0) json['alpn'] = c.tls.alpn.join(',');
    if (c.tls.fingerprint !== undefined) json['fp'] = c.tls.fingerprint;
    if (c.tls.insecure === true) json['insecure'] = '1';
    if (c.tls.certSha256 !== undefined) json['pcs'] = c.tls.certSha256;
  }
  // Not in v2rayN's key list (its Xray core always uses XUDP); mihomo-style importers read it.
  if (c.packetEncoding !== undefined) json['packetEncoding'] = c.packetEncoding;
  return `vmess://${base64Std(JSON.stringify(json))}`;
}

interface VmessTransport {
  readonly net: string;
  readonly type: string;
  readonly host: string;
  readonly path: string;
}

function vmessTransport(t: Transport): VmessTransport | Rejection {
  switch (t.type) {
    case 'tcp':
      return { net: 'tcp', type: 'none', host: '', path: '' };
    case 'http':
      if (t.method !== undefined && t.method !== 'GET') {
        return reject(C.unrepresentableValue, `the vmess JSON link has no key for HTTP method ${t.method}`);
      }
      return { net: 'tcp', type: 'http', host: t.host.join(','), path: t.path };
    case 'ws':
      return { net: 'ws', type: 'none', host: t.host ?? '', path: pathWithEarlyData(t.path, t.maxEarlyData) };
    case 'httpupgrade':
      return {
        net: 'httpupgrade',
        type: 'none',
        host: t.host ?? '',
        path: pathWithEarlyData(t.path, t.maxEarlyData),
      };
    case 'h2':
      return { net: 'h2', type: 'none', host: t.host.join(','), path: t.path };
    case 'grpc':
      return { net: 'grpc', type: t.mode ?? 'gun', host: t.authority ?? '', path: t.serviceName };
    case 'xhttp':
      if (t.extra !== undefined)
        return reject(C.unrepresentableValue, 'the vmess JSON link has no xhttp extra key');
      return { net: 'xhttp', type: t.mode ?? 'auto', host: t.host ?? '', path: t.path };
    case 'kcp':
      return { net: 'kcp', type: t.headerType ?? 'none', host: '', path: t.seed ?? '' };
    case 'quic':
      return { net: 'quic', type: t.headerType ?? 'none', host: t.security ?? 'none', path: t.key ?? '' };
  }
}

// --- vless / trojan: XTLS query keys -------------------------------------------------------

function transportParams(t: Transport, params: Params): Rejection | undefined {
  const header = earlyDataHeaderProblem(t);
  if (header !== undefined) return header;
  switch (t.type) {
    case 'tcp':
      params.push(['type', 'tcp']);
      return undefined;
    case 'http':
      params.push(['type', 'tcp'], ['headerType', 'http']);
      add(params, 'host', t.host.join(','));
      add(params, 'path', t.path);
      if (t.method !== undefined && t.method !== 'GET') {
        return reject(C.unrepresentableValue, `share links have no key for HTTP method ${t.method}`);
      }
      return undefined;
    case 'ws':
    case 'httpupgrade':
      params.push(['type', t.type]);
      add(params, 'host', t.host);
      add(params, 'path', pathWithEarlyData(t.path, t.maxEarlyData));
      return undefined;
    case 'h2':
      params.push(['type', 'http']);
      add(params, 'host', t.host.join(','));
      add(params, 'path', t.path);
      return undefined;
    case 'grpc':
      params.push(['type', 'grpc']);
      add(params, 'serviceName', t.serviceName);
      add(params, 'mode', t.mode);
      add(params, 'authority', t.authority);
      return undefined;
    case 'xhttp':
      params.push(['type', 'xhttp']);
      add(params, 'host', t.host);
      add(params, 'path', t.path);
      add(params, 'mode', t.mode);
      add(params, 'extra', t.extra);
      return undefined;
    case 'kcp':
      params.push(['type', 'kcp']);
      add(params, 'headerType', t.headerType);
      add(params, 'seed', t.seed);
      return undefined;
    case 'quic':
      params.push(['type', 'quic']);
      add(params, 'quicSecurity', t.security);
      add(params, 'key', t.key);
      add(params, 'headerType', t.headerType);
      return undefined;
  }
}

/** `security` and the TLS/REALITY keys shared by vless, trojan, anytls. */
function tlsParams(tls: TlsSettings, params: Params, sni: string | undefined): Rejection | undefined {
  if (!tls.enabled) {
    params.push(['security', 'none']);
    return undefined;
  }
  if (tls.disableSni === true)
    return reject(C.unrepresentableValue, 'share links have no key for disabling SNI');
  params.push(['security', tls.reality !== undefined ? 'reality' : 'tls']);
  add(params, 'sni', sni);
  add(params, 'alpn', tls.alpn?.join(','));
  add(params, 'fp', tls.fingerprint);
  if (tls.insecure === true) params.push(['allowInsecure', '1']);
  if (tls.reality !== undefined) {
    params.push(['pbk', tls.reality.publicKey]);
    // An empty short id is valid REALITY; keep the key so parsers see it was meant.
    params.push(['sid', tls.reality.shortId]);
    add(params, 'spx', tls.reality.spiderX);
  }
  add(params, 'pcs', tls.certSha256);
  add(params, 'ech', tls.echConfig);
  return undefined;
}

function vless(c: VlessConfig): string | Rejection {
  const params: Params = [['encryption', c.encryption === '' ? 'none' : c.encryption]];
  add(params, 'flow', c.flow);
  const tlsProblem = tlsParams(c.tls, params, explicitServerName(c.tls, c.transport, c.server));
  if (tlsProblem !== undefined) return tlsProblem;
  const transportProblem = transportParams(c.transport, params);
  if (transportProblem !== undefined) return transportProblem;
  add(params, 'packetEncoding', c.packetEncoding);
  return `vless://${enc(c.uuid)}@${hostPort(c.server, c.port)}${query(params)}${fragment(c.name)}`;
}

function trojan(c: TrojanConfig): string | Rejection {
  const params: Params = [];
  const tlsProblem = tlsParams(c.tls, params, explicitServerName(c.tls, c.transport, c.server));
  if (tlsProblem !== undefined) return tlsProblem;
  const transportProblem = transportParams(c.transport, params);
  if (transportProblem !== undefined) return transportProblem;
  return `trojan://${enc(c.password)}@${hostPort(c.server, c.port)}${query(params)}${fragment(c.name)}`;
}

// --- shadowsocks / ssr ---------------------------------------------------------------------

function shadowsocks(c: ShadowsocksConfig): string | Rejection {
  // SIP022 requires the plain form for 2022 ciphers; everything else gets SIP002's base64url.
  const userinfo = c.method.startsWith('2022-')
    ? `${enc(c.method)}:${enc(c.password)}`
    : base64Url(`${c.method}:${c.password}`);
  const params: Params = [];
  if (c.plugin !== undefined) params.push(['plugin', pluginString(c.plugin)]);
  if (c.udpOverTcp === true) params.push(['uot', '1']);
  const path = params.length > 0 ? '/' : '';
  return `ss://${userinfo}@${hostPort(c.server, c.port)}${path}${query(params)}${fragment(c.name)}`;
}

function shadowsocksr(c: ShadowsocksRConfig): string {
  const main = [c.server, c.port, c.protocolName, c.method, c.obfs, base64Url(c.password)].join(':');
  const params: string[] = [];
  params.push(`obfsparam=${base64Url(c.obfsParam ?? '')}`);
  params.push(`protoparam=${base64Url(c.protocolParam ?? '')}`);
  params.push(`remarks=${base64Url(c.name)}`);
  return `ssr://${base64Url(`${main}/?${params.join('&')}`)}`;
}

// --- QUIC family ---------------------------------------------------------------------------

function portList(ranges: readonly PortRange[]): string {
  return ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`)).join(',');
}

/** sni / insecure / alpn / fp / pin as the hysteria, hysteria2, tuic and anytls schemes name them. */
function quicTlsParams(
  tls: TlsSettings,
  params: Params,
  keys: { sni: string; insecure: string },
): Rejection | undefined {
  if (tls.reality !== undefined)
    return reject(C.unsupportedSecurity, 'REALITY on a protocol whose link has no REALITY keys');
  add(params, keys.sni, tls.serverName);
  if (tls.insecure === true) params.push([keys.insecure, '1']);
  add(params, 'alpn', tls.alpn?.join(','));
  add(params, 'fp', tls.fingerprint);
  add(params, 'ech', tls.echConfig);
  return undefined;
}

function hysteria(c: HysteriaConfig): string | Rejection {
  const params: Params = [];
  add(params, 'protocol', c.transportProtocol);
  add(params, 'auth', c.authStr);
  const tlsProblem = quicTlsParams(c.tls, params, { sni: 'peer', insecure: 'insecure' });
  if (tlsProblem !== undefined) return tlsProblem;
  if (c.tls.certSha256 !== undefined)
    return reject(C.unsupportedSecurity, 'the hysteria link has no certificate pin key');
  if (c.tls.disableSni === true)
    return reject(C.unrepresentableValue, 'the hysteria link has no key for disabling SNI');
  if (c.upMbps !== undefined) params.push(['upmbps', String(c.upMbps)]);
  if (c.downMbps !== undefined) params.push(['downmbps', String(c.downMbps)]);
  if (c.obfs !== undefined && c.obfs !== '') params.push(['obfs', 'xplus'], ['obfsParam', c.obfs]);
  if (c.ports !== undefined && c.ports.length > 0) params.push(['mport', portList(c.ports)]);
  return `hysteria://${hostPort(c.server, c.port)}${query(params)}${fragment(c.name)}`;
}

function hysteria2(c: Hysteria2Config): string | Rejection {
  const params: Params = [];
  const tlsProblem = quicTlsParams(c.tls, params, { sni: 'sni', insecure: 'insecure' });
  if (tlsProblem !== undefined) return tlsProblem;
  if (c.tls.disableSni === true)
    return reject(C.unrepresentableValue, 'the hysteria2 link has no key for disabling SNI');
  add(params, 'pinSHA256', c.tls.certSha256);
  if (c.obfs !== undefined) {
    params.push(['obfs', c.obfs.type]);
    add(params, 'obfs-password', c.obfs.password);
  }
  if (c.ports !== undefined && c.ports.length > 0) params.push(['mport', portList(c.ports)]);
  if (c.hopInterval !== undefined) params.push(['hop-interval', String(c.hopInterval)]);
  if (c.upMbps !== undefined) params.push(['up', String(c.upMbps)]);
  if (c.downMbps !== undefined) params.push(['down', String(c.downMbps)]);
  const auth = c.password === '' ? '' : `${enc(c.password)}@`;
  return `hysteria2://${auth}${hostPort(c.server, c.port)}/${query(params)}${fragment(c.name)}`;
}

function tuic(c: TuicConfig): string | Rejection {
  const params: Params = [];
  add(params, 'congestion_control', c.congestionControl);
  add(params, 'udp_relay_mode', c.udpRelayMode);
  const tlsProblem = quicTlsParams(c.tls, params, { sni: 'sni', insecure: 'allow_insecure' });
  if (tlsProblem !== undefined) return tlsProblem;
  if (c.tls.certSha256 !== undefined)
    return reject(C.unsupportedSecurity, 'the tuic link has no certificate pin key');
  if (c.tls.disableSni === true) params.push(['disable_sni', '1']);
  if (c.zeroRtt === true) params.push(['reduce_rtt', '1']);
  return `tuic://${enc(c.uuid)}:${enc(c.password)}@${hostPort(c.server, c.port)}${query(params)}${fragment(c.name)}`;
}

// --- the rest --------------------------------------------------------------------------------

function wireguard(c: WireguardConfig): string {
  const params: Params = [['publickey', c.peerPublicKey]];
  add(params, 'presharedkey', c.preSharedKey);
  params.push(['address', c.addresses.join(',')]);
  if (c.reserved !== undefined) params.push(['reserved', c.reserved.join(',')]);
  if (c.mtu !== undefined) params.push(['mtu', String(c.mtu)]);
  if (c.keepalive !== undefined) params.push(['keepalive', String(c.keepalive)]);
  return `wireguard://${enc(c.privateKey)}@${hostPort(c.server, c.port)}${query(params)}${fragment(c.name)}`;
}

function userinfo(username: string | undefined, password: string | undefined): string {
  const user = username ?? '';
  const pass = password ?? '';
  if (user === '' && pass === '') return '';
  return pass === '' ? `${enc(user)}@` : `${enc(user)}:${enc(pass)}@`;
}

function socks(c: SocksConfig): string | Rejection {
  if (c.tls?.enabled === true)
    return reject(C.unsupportedSecurity, 'socks links have no TLS form every client reads');
  const scheme = c.version === '5' ? 'socks5' : c.version === '4a' ? 'socks4a' : 'socks4';
  return `${scheme}://${userinfo(c.username, c.password)}${hostPort(c.server, c.port)}${fragment(c.name)}`;
}

function http(c: HttpProxyConfig): string | Rejection {
  const params: Params = [];
  if (c.tls.enabled) {
    const tlsProblem = quicTlsParams(c.tls, params, { sni: 'sni', insecure: 'allowInsecure' });
    if (tlsProblem !== undefined) return tlsProblem;
    if (c.tls.certSha256 !== undefined)
      return reject(C.unsupportedSecurity, 'https proxy links have no certificate pin key');
    if (c.tls.disableSni === true)
      return reject(C.unrepresentableValue, 'https proxy links have no key for disabling SNI');
  }
  const scheme = c.tls.enabled ? 'https' : 'http';
  return `${scheme}://${userinfo(c.username, c.password)}${hostPort(c.server, c.port)}${query(params)}${fragment(c.name)}`;
}

function anytls(c: AnyTlsConfig): string | Rejection {
  const params: Params = [];
  const tlsProblem = quicTlsParams(c.tls, params, { sni: 'sni', insecure: 'insecure' });
  if (tlsProblem !== undefined) return tlsProblem;
  if (c.tls.certSha256 !== undefined)
    return reject(C.unsupportedSecurity, 'the anytls link has no certificate pin key');
  if (c.tls.disableSni === true)
    return reject(C.unrepresentableValue, 'the anytls link has no key for disabling SNI');
  const auth = c.password === '' ? '' : `${enc(c.password)}@`;
  return `anytls://${auth}${hostPort(c.server, c.port)}/${query(params)}${fragment(c.name)}`;
}

function naive(c: NaiveConfig): string | Rejection {
  const params: Params = [];
  const tlsProblem = quicTlsParams(c.tls, params, { sni: 'sni', insecure: 'insecure' });
  if (tlsProblem !== undefined) return tlsProblem;
  if (c.tls.certSha256 !== undefined)
    return reject(C.unsupportedSecurity, 'naive links have no certificate pin key');
  if (c.tls.disableSni === true)
    return reject(C.unrepresentableValue, 'naive links have no key for disabling SNI');
  const scheme = c.quic ? 'naive+quic' : 'naive+https';
  return `${scheme}://${userinfo(c.username, c.password)}${hostPort(c.server, c.port)}${query(params)}${fragment(c.name)}`;
}
