import type {
  AnyTlsConfig,
  HttpProxyConfig,
  Hysteria2Config,
  HysteriaConfig,
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
import { xhttpExtraOpts } from './clash-xhttp.ts';
import { leftOut } from './emit-each.ts';
import type { EmitOptions, EmitResult, Incompatibility, Rejection } from './emit-result.ts';
import { INCOMPATIBILITY_CODES as C, reject } from './emit-result.ts';
import { explicitServerName } from './explicit-sni.ts';
import { createLineSink } from './line-sink.ts';
import { ss2022KeyProblem } from './ss2022.ts';
import { createNameAllocator, displayName } from './unique-names.ts';
import { vlessEncryptionProblem } from './vless-encryption.ts';
import type { YamlValue } from './yaml-flow.ts';
import { yamlFlowEntries, yamlString } from './yaml-flow.ts';

/**
 * Clash.Meta (mihomo) YAML: `proxies` (one flow mapping per line), a `PROXY` select group
 * over an `AUTO` url-test group and every proxy, and `MATCH,PROXY`. Names are unique
 * (`-01`, `-02` suffixes, as mihomo's own converter does) and every string is double-quoted
 * (yaml-flow.ts says why). Checked with `mihomo -t` (v1.19.30) in the real-client test.
 *
 * Left out, each with a code: naive (mihomo has no naive outbound), socks4/4a, trojan without
 * TLS, transports mihomo lacks for the protocol (quic; mKCP except on vmess; trojan over
 * http/h2; xhttp except on vless), xhttp `extra` settings mihomo has no key for (download
 * settings), gRPC `authority`, a non-default WebSocket early-data header, REALITY on protocols
 * other than vmess/vless/trojan, TLS settings a proxy type lacks (SNI/ALPN/ECH on socks5 and
 * http), hysteria v1 without bandwidth, ciphers/obfs/protocols/plugins outside mihomo's lists,
 * malformed Shadowsocks 2022 keys and VLESS encryption values. Dropped because they do not
 * change what goes on the wire or only shape the ClientHello: REALITY spiderX, gRPC `multi`
 * mode (servers accept both modes), the size of httpupgrade early data (mihomo only has a
 * switch, `v2ray-http-upgrade-fast-open`, which it gets), the uTLS fingerprint on types
 * without `client-fingerprint` (hysteria, hysteria2, tuic, socks5, http).
 */
export function emitClash(configs: readonly ProxyConfig[], options: EmitOptions = {}): EmitResult {
  const accepted: { proxy: Proxy; name: string }[] = [];
  const incompatible: Incompatibility[] = [];
  for (let i = 0; i < configs.length; i++) {
    const config = configs[i] as ProxyConfig;
    const proxy = clashProxy(config);
    if ('code' in proxy) incompatible.push(leftOut(config, i, proxy as Rejection, options));
    else accepted.push({ proxy, name: displayName(config) });
  }
  const names = createNameAllocator(
    [...BUILTIN_POLICIES, SELECT_GROUP, AUTO_GROUP],
    accepted.map((a) => a.name),
  );
  const lines = createLineSink('\n');
  const members = createLineSink(', ');
  for (const { proxy, name: wanted } of accepted) {
    const name = yamlString(names.take(wanted));
    members.push(name);
    lines.push(`  - {name: ${name}, ${yamlFlowEntries(proxy)}}`);
  }
  const emitted = lines.count;
  // Group member lists are written as one joined flow sequence: 200,000 names stay cheap.
  const groupMembers = emitted > 0 ? members.join() : yamlString('DIRECT');
  let output = emitted > 0 ? `proxies:\n${lines.join()}\n` : 'proxies: []\n';
  output += 'proxy-groups:\n';
  output += `  - {name: ${yamlString(SELECT_GROUP)}, type: "select", proxies: [${yamlString(AUTO_GROUP)}, ${groupMembers}]}\n`;
  output += `  - {name: ${yamlString(AUTO_GROUP)}, type: "url-test", url: ${yamlString(PROBE_URL)}, interval: 300, tolerance: 50, proxies: [${groupMembers}]}\n`;
  output += `rules:\n  - ${yamlString(`MATCH,${SELECT_GROUP}`)}\n`;
  return { output, emitted, incompatible };
}

const SELECT_GROUP = 'PROXY';
const AUTO_GROUP = 'AUTO';
const PROBE_URL = 'https://www.gstatic.com/generate_204';
/** Policy names mihomo defines itself; a proxy with one of these names would be ambiguous. */
const BUILTIN_POLICIES = ['DIRECT', 'REJECT', 'REJECT-DROP', 'PASS', 'COMPATIBLE', 'GLOBAL'];

type Proxy = { [key: string]: YamlValue | undefined };

/** mihomo v1.19.30's shadowsocks ciphers (metacubex/sing-shadowsocks2 method lists). */
const SS_CIPHERS = new Set([
  'none',
  'aes-128-gcm',
  'aes-192-gcm',
  'aes-256-gcm',
  'chacha20-ietf-poly1305',
  'xchacha20-ietf-poly1305',
  'chacha8-ietf-poly1305',
  'xchacha8-ietf-poly1305',
  'rabbit128-poly1305',
  'aes-128-ccm',
  'aes-192-ccm',
  'aes-256-ccm',
  'aes-128-gcm-siv',
  'aes-256-gcm-siv',
  'aegis-128l',
  'aegis-256',
  'aez-384',
  'deoxys-ii-256-128',
  'lea-128-gcm',
  'lea-192-gcm',
  'lea-256-gcm',
  'ascon128',
  'ascon128a',
  'aes-128-ctr',
  'aes-192-ctr',
  'aes-256-ctr',
  'aes-128-cfb',
  'aes-192-cfb',
  'aes-256-cfb',
  'rc4-md5',
  'chacha20-ietf',
  'xchacha20',
  'chacha20',
  '2022-blake3-aes-128-gcm',
  '2022-blake3-aes-256-gcm',
  '2022-blake3-chacha20-poly1305',
  '2022-blake3-chacha8-poly1305',
  '2022-blake3-aes-128-ccm',
  '2022-blake3-aes-256-ccm',
]);
/** ShadowsocksR: stream ciphers (transport/shadowsocks/core) plus none, and the registered obfs/protocols. */
const SSR_CIPHERS = new Set([
  'none',
  'dummy',
  'rc4-md5',
  'aes-128-ctr',
  'aes-192-ctr',
  'aes-256-ctr',
  'aes-128-cfb',
  'aes-192-cfb',
  'aes-256-cfb',
  'chacha20',
  'chacha20-ietf',
  'xchacha20',
]);
const SSR_OBFS = new Set([
  'plain',
  'http_simple',
  'http_post',
  'random_head',
  'tls1.2_ticket_auth',
  'tls1.2_ticket_fastauth',
]);
const SSR_PROTOCOLS = new Set([
  'origin',
  'auth_sha1_v4',
  'auth_aes128_md5',
  'auth_aes128_sha1',
  'auth_chain_a',
  'auth_chain_b',
]);
/** mKCP packet headers mihomo implements (transport/mkcp/header.go); anything else it would silently treat as none. */
const KCP_HEADERS = new Set(['none', 'srtp', 'utp', 'wechat-video', 'dtls', 'wireguard']);
const VMESS_CIPHERS = new Set(['auto', 'none', 'zero', 'aes-128-gcm', 'chacha20-poly1305', 'aes-128-cfb']);

function clashProxy(config: ProxyConfig): Proxy | Rejection {
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
      return reject(C.unsupportedProtocol, 'mihomo has no naive outbound');
  }
}

function base(type: string, c: ProxyConfig): Proxy {
  return { type, server: c.server, port: c.port };
}

/** What one mihomo proxy type reads of TLS (adapter/outbound/*.go option tags, v1.19.30). */
interface TlsCaps {
  /** `servername` for vmess/vless, `sni` elsewhere, none for socks5. */
  readonly sniKey?: 'servername' | 'sni';
  readonly alpn: boolean;
  readonly ech: boolean;
  readonly reality: boolean;
  /** `client-fingerprint`; where absent the uTLS hello is dropped (it only shapes the ClientHello). */
  readonly utls: boolean;
}

const V2RAY_TLS: TlsCaps = { sniKey: 'servername', alpn: true, ech: true, reality: true, utls: true };
const TROJAN_TLS: TlsCaps = { sniKey: 'sni', alpn: true, ech: true, reality: true, utls: true };
const ANYTLS_TLS: TlsCaps = { sniKey: 'sni', alpn: true, ech: true, reality: false, utls: true };
const QUIC_TLS: TlsCaps = { sniKey: 'sni', alpn: true, ech: true, reality: false, utls: false };
const HTTP_TLS: TlsCaps = { sniKey: 'sni', alpn: false, ech: false, reality: false, utls: false };
const SOCKS_TLS: TlsCaps = { alpn: false, ech: false, reality: false, utls: false };

function tlsKeys(
  tls: TlsSettings,
  p: Proxy,
  caps: TlsCaps,
  server: string,
  transport?: Transport,
): Rejection | undefined {
  const type = typeof p['type'] === 'string' ? p['type'] : 'proxy';
  // mihomo sends the ws/h2 Host header as SNI when none is set; the model means the server.
  const serverName = transport === undefined ? tls.serverName : explicitServerName(tls, transport, server);
  if (serverName !== undefined && serverName !== '') {
    if (caps.sniKey !== undefined) p[caps.sniKey] = serverName;
    else if (serverName !== server) return reject(C.unsupportedSecurity, `mihomo ${type} has no SNI setting`);
  }
  if (tls.alpn !== undefined && tls.alpn.length > 0) {
    if (!caps.alpn) return reject(C.unsupportedSecurity, `mihomo ${type} has no ALPN setting`);
    p['alpn'] = [...tls.alpn];
  }
  if (tls.insecure === true) p['skip-cert-verify'] = true;
  if (tls.certSha256 !== undefined && tls.certSha256 !== '') p['fingerprint'] = tls.certSha256;
  if (caps.utls && tls.fingerprint !== undefined && tls.fingerprint !== '')
    p['client-fingerprint'] = tls.fingerprint;
  if (tls.reality !== undefined) {
    if (!caps.reality)
      return reject(
        C.unsupportedSecurity,
        `mihomo reads REALITY only on vmess, vless and trojan, not ${type}`,
      );
    p['reality-opts'] = { 'public-key': tls.reality.publicKey, 'short-id': tls.reality.shortId };
    // mihomo needs a uTLS hello for REALITY; chrome when the source named none (its converter does the same).
    p['client-fingerprint'] ??= 'chrome';
  }
  if (tls.echConfig !== undefined && tls.echConfig !== '') {
    if (!caps.ech) return reject(C.unsupportedSecurity, `mihomo ${type} has no ECH setting`);
    p['ech-opts'] = { enable: true, config: tls.echConfig };
  }
  if (tls.disableSni === true) return reject(C.unsupportedSecurity, 'mihomo can disable SNI only on tuic');
  return undefined;
}

const EARLY_DATA_HEADER = 'Sec-WebSocket-Protocol';

/** network + *-opts; `allowed` lists what mihomo supports for this protocol. */
function transportKeys(
  t: Transport,
  p: Proxy,
  allowed: ReadonlySet<Transport['type']>,
  protocol: string,
): Rejection | undefined {
  if (!allowed.has(t.type))
    return reject(C.unsupportedTransport, `mihomo has no ${t.type} transport for ${protocol}`);
  switch (t.type) {
    case 'tcp':
      return undefined;
    case 'http': {
      p['network'] = 'http';
      const opts: Proxy = { method: t.method, path: [t.path === '' ? '/' : t.path] };
      if (t.host.length > 0) opts['headers'] = { Host: [...t.host] };
      p['http-opts'] = opts;
      return undefined;
    }
    case 'h2':
      p['network'] = 'h2';
      p['h2-opts'] = {
        host: t.host.length > 0 ? [...t.host] : undefined,
        path: t.path === '' ? '/' : t.path,
      };
      return undefined;
    case 'ws':
    case 'httpupgrade': {
      p['network'] = 'ws';
      const opts: Proxy = { path: t.path === '' ? '/' : t.path };
      if (t.host !== undefined && t.host !== '') opts['headers'] = { Host: t.host };
      if (t.type === 'ws') {
        if (t.maxEarlyData !== undefined && t.maxEarlyData > 0) {
          const header = t.earlyDataHeaderName ?? EARLY_DATA_HEADER;
          if (header !== EARLY_DATA_HEADER) {
            return reject(
              C.unsupportedTransport,
              `mihomo sends WebSocket early data only in ${EARLY_DATA_HEADER}`,
            );
          }
          opts['max-early-data'] = t.maxEarlyData;
          opts['early-data-header-name'] = header;
        }
      } else {
        opts['v2ray-http-upgrade'] = true;
        if (t.maxEarlyData !== undefined && t.maxEarlyData > 0) opts['v2ray-http-upgrade-fast-open'] = true;
      }
      p['ws-opts'] = opts;
      return undefined;
    }
    case 'grpc':
      if (t.authority !== undefined && t.authority !== '')
        return reject(C.unsupportedTransport, 'mihomo gRPC has no authority setting');
      p['network'] = 'grpc';
      p['grpc-opts'] = { 'grpc-service-name': t.serviceName };
      return undefined;
    case 'xhttp': {
      const extra = t.extra === undefined || t.extra === '' ? {} : xhttpExtraOpts(t.extra);
      if ('code' in extra) return extra as Rejection;
      p['network'] = 'xhttp';
      p['xhttp-opts'] = {
        path: t.path === '' ? '/' : t.path,
        host: nonEmpty(t.host),
        mode: nonEmpty(t.mode),
        ...extra,
      };
      return undefined;
    }
    case 'kcp': {
      const header = t.headerType ?? 'none';
      if (!KCP_HEADERS.has(header))
        return reject(C.unsupportedTransport, `mihomo has no mKCP header ${header}`);
      p['network'] = 'mkcp';
      p['mkcp-opts'] = { header: header === 'none' ? undefined : header, seed: nonEmpty(t.seed) };
      return undefined;
    }
    case 'quic':
      return reject(C.unsupportedTransport, 'mihomo has no QUIC transport');
  }
}

// mKCP is vmess-only in mihomo (adapter/outbound/vmess.go dialContext).
const VMESS_TRANSPORTS = new Set<Transport['type']>([
  'tcp',
  'http',
  'h2',
  'ws',
  'httpupgrade',
  'grpc',
  'kcp',
]);
const VLESS_TRANSPORTS = new Set<Transport['type']>([
  'tcp',
  'http',
  'h2',
  'ws',
  'httpupgrade',
  'grpc',
  'xhttp',
]);
const TROJAN_TRANSPORTS = new Set<Transport['type']>(['tcp', 'ws', 'httpupgrade', 'grpc']);

function vmess(c: VmessConfig): Proxy | Rejection {
  if (!VMESS_CIPHERS.has(c.cipher))
    return reject(C.unsupportedCipher, `mihomo has no vmess cipher ${c.cipher}`);
  const p: Proxy = { ...base('vmess', c), uuid: c.uuid, alterId: c.alterId, cipher: c.cipher, udp: true };
  if (c.tls.enabled) {
    p['tls'] = true;
    const problem = tlsKeys(c.tls, p, V2RAY_TLS, c.server, c.transport);
    if (problem !== undefined) return problem;
  }
  const problem = transportKeys(c.transport, p, VMESS_TRANSPORTS, 'vmess');
  if (problem !== undefined) return problem;
  if (c.packetEncoding !== undefined && c.packetEncoding !== '') p['packet-encoding'] = c.packetEncoding;
  return p;
}

function vless(c: VlessConfig): Proxy | Rejection {
  const p: Proxy = { ...base('vless', c), uuid: c.uuid, udp: true };
  if (c.flow !== undefined && c.flow !== '') p['flow'] = c.flow;
  if (c.encryption !== '' && c.encryption !== 'none') {
    const problem = vlessEncryptionProblem(c.encryption);
    if (problem !== undefined) return reject(C.invalidKey, problem);
    p['encryption'] = c.encryption;
  }
  if (c.tls.enabled) {
    p['tls'] = true;
    const problem = tlsKeys(c.tls, p, V2RAY_TLS, c.server, c.transport);
    if (problem !== undefined) return problem;
  }
  const problem = transportKeys(c.transport, p, VLESS_TRANSPORTS, 'vless');
  if (problem !== undefined) return problem;
  if (c.packetEncoding !== undefined && c.packetEncoding !== '') p['packet-encoding'] = c.packetEncoding;
  return p;
}

function trojan(c: TrojanConfig): Proxy | Rejection {
  if (!c.tls.enabled)
    return reject(C.unsupportedSecurity, 'mihomo trojan always runs TLS; this node has TLS off');
  const p: Proxy = { ...base('trojan', c), password: c.password, udp: true };
  const problem = tlsKeys(c.tls, p, TROJAN_TLS, c.server, c.transport);
  if (problem !== undefined) return problem;
  const transportProblem = transportKeys(c.transport, p, TROJAN_TRANSPORTS, 'trojan');
  if (transportProblem !== undefined) return transportProblem;
  return p;
}

function shadowsocks(c: ShadowsocksConfig): Proxy | Rejection {
  const cipher = c.method === 'chacha20-poly1305' ? 'chacha20-ietf-poly1305' : c.method;
  if (!SS_CIPHERS.has(cipher))
    return reject(C.unsupportedCipher, `mihomo has no shadowsocks cipher ${c.method}`);
  const keyProblem = ss2022KeyProblem(cipher, c.password);
  if (keyProblem !== undefined) return reject(C.invalidKey, keyProblem);
  if (cipher.startsWith('2022-blake3-chacha') && c.password.includes(':')) {
    return reject(
      C.unsupportedCipher,
      'Shadowsocks 2022 multi-user keys (EIH) need an AES cipher, not chacha',
    );
  }
  const p: Proxy = { ...base('ss', c), cipher, password: c.password, udp: true };
  if (c.udpOverTcp === true) p['udp-over-tcp'] = true;
  if (c.plugin !== undefined) {
    const problem = ssPlugin(c.plugin, p);
    if (problem !== undefined) return problem;
  }
  return p;
}

function ssPlugin(plugin: NonNullable<ShadowsocksConfig['plugin']>, p: Proxy): Rejection | undefined {
  const opts = new Map(plugin.opts);
  switch (plugin.name) {
    case 'obfs-local': {
      const mode = opts.get('obfs');
      if (mode !== 'http' && mode !== 'tls')
        return reject(C.unsupportedPlugin, `obfs-local mode ${String(mode)}`);
      p['plugin'] = 'obfs';
      p['plugin-opts'] = { mode, host: nonEmpty(opts.get('obfs-host')) };
      return undefined;
    }
    case 'v2ray-plugin': {
      const mode = opts.get('mode') ?? 'websocket';
      if (mode !== 'websocket') return reject(C.unsupportedPlugin, `mihomo v2ray-plugin has no ${mode} mode`);
      p['plugin'] = 'v2ray-plugin';
      p['plugin-opts'] = {
        mode,
        host: nonEmpty(opts.get('host')),
        path: nonEmpty(opts.get('path')),
        tls: opts.has('tls') ? true : undefined,
        // v2ray-plugin and mihomo both multiplex unless told not to.
        mux: opts.get('mux') === '0' || opts.get('mux') === 'false' ? false : undefined,
      };
      return undefined;
    }
    case 'shadow-tls': {
      const host = opts.get('host');
      const password = opts.get('password');
      if (host === undefined || password === undefined)
        return reject(C.unsupportedPlugin, 'shadow-tls without host or password');
      const version = Number(opts.get('version') ?? '2');
      p['plugin'] = 'shadow-tls';
      p['plugin-opts'] = { host, password, version: Number.isInteger(version) ? version : 2 };
      return undefined;
    }
    default:
      return reject(C.unsupportedPlugin, `mihomo has no shadowsocks plugin ${plugin.name}`);
  }
}

function shadowsocksr(c: ShadowsocksRConfig): Proxy | Rejection {
  if (!SSR_CIPHERS.has(c.method))
    return reject(C.unsupportedCipher, `mihomo has no ShadowsocksR cipher ${c.method}`);
  if (!SSR_OBFS.has(c.obfs)) return reject(C.unsupportedOption, `mihomo has no ShadowsocksR obfs ${c.obfs}`);
  if (!SSR_PROTOCOLS.has(c.protocolName))
    return reject(C.unsupportedOption, `mihomo has no ShadowsocksR protocol ${c.protocolName}`);
  return {
    ...base('ssr', c),
    cipher: c.method,
    password: c.password,
    obfs: c.obfs,
    protocol: c.protocolName,
    'obfs-param': nonEmpty(c.obfsParam),
    'protocol-param': nonEmpty(c.protocolParam),
    udp: true,
  };
}

function portsText(port: number, ranges: readonly PortRange[] | undefined): string | undefined {
  if (ranges === undefined || ranges.length === 0) return undefined;
  const parts = ranges.map((r) => (r.from === r.to ? String(r.from) : `${r.from}-${r.to}`));
  // mihomo hops over `ports` only; keep the main port among them, as the link meant.
  if (!ranges.some((r) => port >= r.from && port <= r.to)) parts.unshift(String(port));
  return parts.join(',');
}

function hysteria(c: HysteriaConfig): Proxy | Rejection {
  // mihomo refuses a hysteria v1 proxy without both bandwidths ("invaild upload speed").
  if (c.upMbps === undefined || c.downMbps === undefined || c.upMbps <= 0 || c.downMbps <= 0) {
    return reject(
      C.missingRequiredField,
      'mihomo hysteria requires up and down bandwidth; the config has none',
    );
  }
  const p: Proxy = { ...base('hysteria', c), 'auth-str': nonEmpty(c.authStr) };
  p['ports'] = portsText(c.port, c.ports);
  p['up'] = speed(c.upMbps);
  p['down'] = speed(c.downMbps);
  if (c.obfs !== undefined && c.obfs !== '') p['obfs'] = c.obfs;
  if (c.transportProtocol !== undefined && c.transportProtocol !== '') p['protocol'] = c.transportProtocol;
  const problem = tlsKeys(c.tls, p, QUIC_TLS, c.server);
  if (problem !== undefined) return problem;
  p['udp'] = true;
  return p;
}

/** mihomo parses `N Mbps` with an integer N; fractions go down a unit. */
function speed(mbps: number): string {
  return Number.isInteger(mbps) ? `${mbps} Mbps` : `${Math.round(mbps * 1000)} Kbps`;
}

function hysteria2(c: Hysteria2Config): Proxy | Rejection {
  const p: Proxy = { ...base('hysteria2', c), password: c.password };
  p['ports'] = portsText(c.port, c.ports);
  if (c.hopInterval !== undefined && c.hopInterval > 0) p['hop-interval'] = c.hopInterval;
  if (c.upMbps !== undefined && c.upMbps > 0) p['up'] = speed(c.upMbps);
  if (c.downMbps !== undefined && c.downMbps > 0) p['down'] = speed(c.downMbps);
  if (c.obfs !== undefined) {
    p['obfs'] = c.obfs.type;
    p['obfs-password'] = c.obfs.password;
  }
  const problem = tlsKeys(c.tls, p, QUIC_TLS, c.server);
  if (problem !== undefined) return problem;
  p['udp'] = true;
  return p;
}

function tuic(c: TuicConfig): Proxy | Rejection {
  const p: Proxy = { ...base('tuic', c), uuid: c.uuid, password: c.password };
  if (c.congestionControl !== undefined) p['congestion-controller'] = c.congestionControl;
  if (c.udpRelayMode !== undefined) p['udp-relay-mode'] = c.udpRelayMode;
  if (c.zeroRtt === true) p['reduce-rtt'] = true;
  const problem = tlsKeys({ ...c.tls, disableSni: false }, p, QUIC_TLS, c.server);
  if (problem !== undefined) return problem;
  if (c.tls.disableSni === true) p['disable-sni'] = true;
  p['udp'] = true;
  return p;
}

function wireguard(c: WireguardConfig): Proxy {
  const v4 = c.addresses.find((a) => !a.includes(':'));
  const v6 = c.addresses.find((a) => a.includes(':'));
  return {
    ...base('wireguard', c),
    'private-key': c.privateKey,
    'public-key': c.peerPublicKey,
    'pre-shared-key': c.preSharedKey,
    ip: v4 === undefined ? undefined : stripPrefix(v4),
    ipv6: v6 === undefined ? undefined : stripPrefix(v6),
    'allowed-ips': ['0.0.0.0/0', '::/0'],
    reserved: c.reserved === undefined ? undefined : [...c.reserved],
    mtu: c.mtu,
    'persistent-keepalive': c.keepalive,
    udp: true,
  };
}

/** mihomo's `ip`/`ipv6` are interface addresses; host-length prefixes are implied. */
function stripPrefix(cidr: string): string {
  const slash = cidr.indexOf('/');
  return slash < 0 ? cidr : cidr.slice(0, slash);
}

function socks(c: SocksConfig): Proxy | Rejection {
  if (c.version !== '5')
    return reject(C.unsupportedOption, `mihomo speaks SOCKS5 only, not SOCKS${c.version}`);
  const p: Proxy = {
    ...base('socks5', c),
    username: nonEmpty(c.username),
    password: nonEmpty(c.password),
    udp: true,
  };
  if (c.tls?.enabled === true) {
    p['tls'] = true;
    const problem = tlsKeys(c.tls, p, SOCKS_TLS, c.server);
    if (problem !== undefined) return problem;
  }
  return p;
}

function http(c: HttpProxyConfig): Proxy | Rejection {
  const p: Proxy = { ...base('http', c), username: nonEmpty(c.username), password: nonEmpty(c.password) };
  if (c.tls.enabled) {
    p['tls'] = true;
    const problem = tlsKeys(c.tls, p, HTTP_TLS, c.server);
    if (problem !== undefined) return problem;
  }
  return p;
}

function anytls(c: AnyTlsConfig): Proxy | Rejection {
  const p: Proxy = { ...base('anytls', c), password: c.password };
  const problem = tlsKeys(c.tls, p, ANYTLS_TLS, c.server);
  if (problem !== undefined) return problem;
  p['udp'] = true;
  return p;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
