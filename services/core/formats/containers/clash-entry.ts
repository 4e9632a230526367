import type { PortRange, ShadowsocksPlugin } from '../../model/config.ts';
import type { Diagnostic } from '../../model/diagnostic.ts';
import { DIAGNOSTIC_CODES } from '../../model/diagnostic.ts';
import type { RealitySettings, TlsSettings } from '../../model/tls.ts';
import type { Transport } from '../../model/transport.ts';
import { splitEarlyData } from '../links/early-data.ts';
import type { EntryOutcome } from './entry-outcome.ts';
import { accepted, problem, rejected } from './entry-outcome.ts';
import { decodeBase64Text } from '../../text/base64.ts';
import { xhttpExtraFromClash } from './clash-xhttp-extra.ts';
import type { Obj } from './values.ts';
import { arr, bool, compact, int, mbps, obj, positive, seconds, str, strList, strOf } from './values.ts';

/** Clash/mihomo proxy types that are not proxies in the model (mihomo-only protocols). */
const UNSUPPORTED_TYPES = new Set([
  'mieru',
  'snell',
  'ssh',
  'masque',
  'openvpn',
  'tailscale',
  'sudoku',
  'trusttunnel',
  'direct',
  'dns',
  'reject',
]);

/** One entry of Clash/mihomo `proxies` (formats.md §3.3, incl. legacy keys) into the model. */
export function readClashEntry(p: Obj): EntryOutcome {
  const type = (str(p['type']) ?? '').toLowerCase();
  if (type === '') return rejected(DIAGNOSTIC_CODES.missingField, 'proxy has no type');
  if (UNSUPPORTED_TYPES.has(type))
    return rejected(DIAGNOSTIC_CODES.unsupportedEntry, `proxy type ${type} is not supported`);
  const server = str(p['server']);
  const port = int(p['port']);
  const name = str(p['name']) ?? '';
  const warnings: Diagnostic[] = [];
  if (type === 'wireguard' && server === undefined) return readWireguard(p, name, warnings);
  if (server === undefined) return rejected(DIAGNOSTIC_CODES.missingField, 'proxy has no server');
  if (port === undefined)
    return rejected(DIAGNOSTIC_CODES.invalidPort, `port ${String(p['port'])} is not a number`);
  const base = { name, server, port };

  switch (type) {
    case 'ss':
    case 'shadowsocks': {
      const method = str(p['cipher']);
      const password = str(p['password']);
      if (method === undefined) return rejected(DIAGNOSTIC_CODES.missingField, 'ss proxy has no cipher');
      if (password === undefined) return rejected(DIAGNOSTIC_CODES.missingField, 'ss proxy has no password');
      return accepted(
        compact({
          protocol: 'shadowsocks' as const,
          ...base,
          method,
          password,
          plugin: ssPlugin(p),
          udpOverTcp: bool(p['udp-over-tcp']) === true ? true : undefined,
        }),
        warnings,
      );
    }
    case 'ssr':
    case 'shadowsocksr': {
      const method = str(p['cipher']);
      const password = str(p['password']);
      const protocolName = str(p['protocol']);
      const obfs = str(p['obfs']);
      if (
        method === undefined ||
        password === undefined ||
        protocolName === undefined ||
        obfs === undefined
      ) {
        return rejected(DIAGNOSTIC_CODES.missingField, 'ssr proxy needs cipher, password, protocol and obfs');
      }
      return accepted(
        compact({
          protocol: 'shadowsocksr' as const,
          ...base,
          method,
          password,
          protocolName,
          protocolParam: strOf(p, 'protocol-param', 'protocolparam', 'protocol_param'),
          obfs,
          obfsParam: strOf(p, 'obfs-param', 'obfsparam', 'obfs_param'),
        }),
        warnings,
      );
    }
    case 'vmess':
    case 'vless':
    case 'trojan': {
      const transport = clashTransport(p, warnings);
      if (typeof transport === 'string') return rejected(DIAGNOSTIC_CODES.invalidValue, transport);
      const tls = clashTls(p, type === 'trojan' ? true : (bool(p['tls']) ?? false), warnings);
      if (type === 'trojan') {
        const password = str(p['password']);
        if (password === undefined)
          return rejected(DIAGNOSTIC_CODES.missingField, 'trojan proxy has no password');
        return accepted({ protocol: 'trojan', ...base, password, tls, transport }, warnings);
      }
      const uuid = str(p['uuid']);
      if (uuid === undefined) return rejected(DIAGNOSTIC_CODES.missingField, `${type} proxy has no uuid`);
      const packetEncoding = str(p['packet-encoding']);
      if (type === 'vmess') {
        return accepted(
          compact({
            protocol: 'vmess' as const,
            ...base,
            uuid,
            alterId: int(p['alterId'] ?? p['alter-id']) ?? 0,
            cipher: str(p['cipher']) ?? 'auto',
            tls,
            transport,
            packetEncoding,
          }),
          warnings,
        );
      }
      return accepted(
        compact({
          protocol: 'vless' as const,
          ...base,
          uuid,
          flow: str(p['flow']),
          encryption: str(p['encryption']) ?? 'none',
          tls,
          transport,
          packetEncoding,
        }),
        warnings,
      );
    }
    case 'hysteria': {
      let authStr = strOf(p, 'auth-str', 'auth_str', 'auth-string');
      if (authStr === undefined) {
        const auth = str(p['auth']);
        // mihomo's `auth` is base64 bytes; the model carries the string form.
        if (auth !== undefined) authStr = decodeBase64Text(auth)?.text ?? auth;
      }
      return accepted(
        compact({
          protocol: 'hysteria' as const,
          ...base,
          authStr,
          ports: portRanges(p['ports']),
          upMbps: mbps(p['up'] ?? p['up-speed']),
          downMbps: mbps(p['down'] ?? p['down-speed']),
          obfs: str(p['obfs']),
          transportProtocol: str(p['protocol']),
          tls: clashTls(p, true, warnings),
        }),
        warnings,
      );
    }
    case 'hysteria2':
    case 'hy2': {
      // Hysteria 2 auth is optional (`hysteria2://host:port`): no password is the empty one.
      const password = strOf(p, 'password', 'auth') ?? '';
      const obfsType = str(p['obfs']);
      const obfsPassword = str(p['obfs-password']);
      return accepted(
        compact({
          protocol: 'hysteria2' as const,
          ...base,
          password,
          ports: portRanges(p['ports']),
          hopInterval: seconds(p['hop-interval']),
          upMbps: mbps(p['up']),
          downMbps: mbps(p['down']),
          obfs: obfsType === undefined ? undefined : { type: obfsType, password: obfsPassword ?? '' },
          tls: clashTls(p, true, warnings),
        }),
        warnings,
      );
    }
    case 'tuic': {
      const uuid = str(p['uuid']);
      if (uuid === undefined) {
        if (str(p['token']) !== undefined)
          return rejected(DIAGNOSTIC_CODES.unsupportedEntry, 'TUIC v4 (token) is not supported');
        return rejected(DIAGNOSTIC_CODES.missingField, 'tuic proxy needs a uuid');
      }
      // As in `tuic://uuid:@host`, an empty password is a password.
      const password = str(p['password']) ?? '';
      return accepted(
        compact({
          protocol: 'tuic' as const,
          ...base,
          uuid,
          password,
          congestionControl: strOf(p, 'congestion-controller', 'congestion-control'),
          udpRelayMode: str(p['udp-relay-mode']),
          zeroRtt: bool(p['reduce-rtt']) === true ? true : undefined,
          tls: clashTls(p, true, warnings),
        }),
        warnings,
      );
    }
    case 'wireguard':
    case 'wg':
      return readWireguard(p, name, warnings);
    case 'anytls': {
      const password = str(p['password']);
      if (password === undefined)
        return rejected(DIAGNOSTIC_CODES.missingField, 'anytls proxy has no password');
      return accepted({ protocol: 'anytls', ...base, password, tls: clashTls(p, true, warnings) }, warnings);
    }
    case 'socks5':
    case 'socks':
    case 'socks4':
    case 'socks4a': {
      const on = bool(p['tls']) ?? false;
      return accepted(
        compact({
          protocol: 'socks' as const,
          ...base,
          version: type === 'socks4' ? ('4' as const) : type === 'socks4a' ? ('4a' as const) : ('5' as const),
          username: str(p['username']),
          password: str(p['password']),
          tls: on ? clashTls(p, true, warnings) : undefined,
        }),
        warnings,
      );
    }
    case 'http':
    case 'https':
      return accepted(
        compact({
          protocol: 'http' as const,
          ...base,
          username: str(p['username']),
          password: str(p['password']),
          tls: clashTls(p, type === 'https' || (bool(p['tls']) ?? false), warnings),
        }),
        warnings,
      );
    default:
      return rejected(DIAGNOSTIC_CODES.unsupportedEntry, `proxy type ${type} is not supported`);
  }
}

function ssPlugin(p: Obj): ShadowsocksPlugin | undefined {
  const name = str(p['plugin']);
  const opts = obj(p['plugin-opts']) ?? {};
  if (name === undefined) {
    // Legacy Clash wrote simple-obfs as top-level `obfs` / `obfs-host`.
    const legacy = str(p['obfs']);
    if (legacy === undefined) return undefined;
    return {
      name: 'obfs-local',
      opts: pairs([
        ['obfs', legacy],
        ['obfs-host', str(p['obfs-host'])],
      ]),
    };
  }
  const n = name.toLowerCase();
  if (n === 'obfs' || n === 'simple-obfs' || n === 'obfs-local') {
    return {
      name: 'obfs-local',
      opts: pairs([
        ['obfs', str(opts['mode'])],
        ['obfs-host', str(opts['host'])],
      ]),
    };
  }
  if (n === 'v2ray-plugin') {
    const list = pairs([
      ['mode', str(opts['mode']) ?? 'websocket'],
      ['host', str(opts['host'])],
      ['path', str(opts['path'])],
    ]);
    if (bool(opts['tls']) === true) list.push(['tls', '']);
    if (bool(opts['mux']) === true) list.push(['mux', '1']);
    return { name: 'v2ray-plugin', opts: list };
  }
  if (n === 'shadow-tls') {
    return {
      name: 'shadow-tls',
      opts: pairs([
        ['host', str(opts['host'])],
        ['password', str(opts['password'])],
        ['version', str(opts['version'])],
      ]),
    };
  }
  const list: [string, string][] = [];
  for (const [k, v] of Object.entries(opts)) {
    const s = str(v);
    if (s !== undefined) list.push([k, s]);
  }
  return { name: n, opts: list };
}

function pairs(items: readonly (readonly [string, string | undefined])[]): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of items) if (v !== undefined) out.push([k, v]);
  return out;
}

/** Clash TLS keys (formats.md §3.3 / META-DOCS tls). `enabled` false keeps nothing else. */
function clashTls(p: Obj, enabled: boolean, warnings: Diagnostic[]): TlsSettings {
  const realityOpts = obj(p['reality-opts']);
  const publicKey = realityOpts === undefined ? undefined : str(realityOpts['public-key']);
  const reality: RealitySettings | undefined =
    publicKey === undefined ? undefined : { publicKey, shortId: str(realityOpts?.['short-id']) ?? '' };
  const ech = obj(p['ech-opts']);
  const settings = compact({
    enabled: enabled || reality !== undefined,
    serverName: strOf(p, 'servername', 'sni'),
    alpn: strList(p['alpn']),
    insecure: bool(p['skip-cert-verify']),
    fingerprint: str(p['client-fingerprint']),
    reality,
    certSha256: str(p['fingerprint']),
    echConfig: ech !== undefined && bool(ech['enable']) !== false ? str(ech['config']) : undefined,
    disableSni: bool(p['disable-sni']) === true ? true : undefined,
  });
  return tlsOff(settings, warnings);
}

/** Drops TLS details of a config whose TLS is off, with a warning (model: tls.ts). */
export function tlsOff(settings: TlsSettings, warnings: Diagnostic[]): TlsSettings {
  if (settings.enabled) return settings;
  const dropped = Object.keys(settings).filter(
    (k) => k !== 'enabled' && !(k === 'insecure' && settings.insecure === false),
  );
  if (dropped.length > 0) {
    warnings.push(
      problem(DIAGNOSTIC_CODES.droppedField, `TLS is off; dropped ${dropped.join(', ')}`, 'warning'),
    );
  }
  return { enabled: false };
}

function clashTransport(p: Obj, warnings: Diagnostic[]): Transport | string {
  const network = (str(p['network']) ?? 'tcp').toLowerCase();
  switch (network) {
    case 'tcp':
    case 'raw':
      return { type: 'tcp' };
    case 'ws':
    case 'websocket': {
      const o = obj(p['ws-opts']) ?? {};
      const headers = obj(o['headers']) ?? obj(p['ws-headers']) ?? {};
      const host = hostHeader(headers);
      const split = splitEarlyData(str(o['path']) ?? str(p['ws-path']) ?? '/');
      const maxEarlyData = positive(int(o['max-early-data'])) ?? split.earlyData;
      if (bool(o['v2ray-http-upgrade']) === true) {
        return compact({ type: 'httpupgrade' as const, host, path: split.path, maxEarlyData });
      }
      const headerName = str(o['early-data-header-name']);
      return compact({
        type: 'ws' as const,
        host,
        path: split.path,
        maxEarlyData,
        earlyDataHeaderName:
          maxEarlyData === undefined ? undefined : (headerName ?? 'Sec-WebSocket-Protocol'),
      });
    }
    case 'http': {
      const o = obj(p['http-opts']) ?? {};
      const headers = obj(o['headers']) ?? {};
      return compact({
        type: 'http' as const,
        host: strList(headers['Host'] ?? headers['host']) ?? [],
        path: strList(o['path'])?.[0] ?? '/',
        method: str(o['method']),
      });
    }
    case 'h2': {
      const o = obj(p['h2-opts']) ?? {};
      return { type: 'h2', host: strList(o['host']) ?? [], path: str(o['path']) ?? '/' };
    }
    case 'grpc': {
      const o = obj(p['grpc-opts']) ?? {};
      const raw = str(o['grpc-mode'])?.toLowerCase();
      const mode: 'gun' | 'multi' | undefined = raw === 'gun' || raw === 'multi' ? raw : undefined;
      return compact({
        type: 'grpc' as const,
        serviceName: str(o['grpc-service-name']) ?? '',
        mode,
      });
    }
    case 'xhttp':
    case 'splithttp': {
      const o = obj(p['xhttp-opts']) ?? {};
      const { extra, dropped } = xhttpExtraFromClash(o);
      if (dropped.length > 0) {
        warnings.push(
          problem(DIAGNOSTIC_CODES.droppedField, `xhttp-opts ${dropped.join(', ')} not kept`, 'warning'),
        );
      }
      return compact({
        type: 'xhttp' as const,
        host: str(o['host']),
        path: str(o['path']) ?? '/',
        mode: str(o['mode']),
        extra,
      });
    }
    case 'mkcp':
    case 'kcp': {
      const o = obj(p['mkcp-opts']) ?? obj(p['kcp-opts']) ?? {};
      return compact({
        type: 'kcp' as const,
        headerType: str(o['header-type'] ?? o['header']),
        seed: str(o['seed']),
      });
    }
    case 'quic':
      return { type: 'quic' };
    default:
      return `network ${network} is not supported`;
  }
}

function hostHeader(headers: Obj): string | undefined {
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === 'host') return strList(v)?.[0];
  }
  return undefined;
}

/** mihomo `ports`: `443-8443`, `1000,2000-3000`, `20000:55000` (sing-box style), or a list. */
export function portRanges(value: unknown): PortRange[] | undefined {
  const items = arr(value)?.map(str) ?? str(value)?.split(/[,/]/);
  if (items === undefined) return undefined;
  const out: PortRange[] = [];
  for (const item of items) {
    if (item === undefined) continue;
    const m = /^\s*(\d{1,5})\s*(?:[-:]\s*(\d{1,5}))?\s*$/.exec(item);
    if (m === null) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    out.push({ from: Math.min(from, to), to: Math.max(from, to) });
  }
  return out.length > 0 ? out : undefined;
}

/** WireGuard from Clash: top-level peer fields or `peers[0]` (multi-peer: the first peer). */
function readWireguard(p: Obj, name: string, warnings: Diagnostic[]): EntryOutcome {
  const peer = obj(arr(p['peers'])?.[0]) ?? {};
  const server = str(p['server']) ?? str(peer['server']);
  const port = int(p['port'] ?? peer['port']);
  if (server === undefined) return rejected(DIAGNOSTIC_CODES.missingField, 'wireguard proxy has no server');
  if (port === undefined) return rejected(DIAGNOSTIC_CODES.invalidPort, 'wireguard proxy has no valid port');
  const privateKey = str(p['private-key']);
  const peerPublicKey = str(p['public-key']) ?? str(peer['public-key']);
  if (privateKey === undefined || peerPublicKey === undefined) {
    return rejected(DIAGNOSTIC_CODES.missingField, 'wireguard proxy needs private-key and public-key');
  }
  const addresses: string[] = [];
  for (const ip of strList(p['ip']) ?? []) addresses.push(ip.includes('/') ? ip : `${ip}/32`);
  for (const ip of strList(p['ipv6']) ?? []) addresses.push(ip.includes('/') ? ip : `${ip}/128`);
  return accepted(
    compact({
      protocol: 'wireguard' as const,
      name,
      server,
      port,
      privateKey,
      peerPublicKey,
      preSharedKey: str(p['pre-shared-key']) ?? str(peer['pre-shared-key']),
      addresses,
      reserved: reservedBytes(p['reserved'] ?? peer['reserved']),
      mtu: int(p['mtu']),
      keepalive: int(p['persistent-keepalive']),
    }),
    warnings,
  );
}

/** `reserved`: a list of three ints, `"1,2,3"`, or base64 of three bytes (mihomo). */
export function reservedBytes(value: unknown): readonly [number, number, number] | undefined {
  const list = arr(value)?.map(int) ?? str(value)?.split(',').map(int);
  if (list !== undefined && list.length === 3 && list.every((n) => n !== undefined && n <= 255)) {
    return [list[0] as number, list[1] as number, list[2] as number];
  }
  const s = str(value);
  if (s !== undefined && /^[A-Za-z0-9+/_-]{4}=*$/.test(s)) {
    const bytes = Buffer.from(s, 'base64');
    if (bytes.length === 3) return [bytes[0] as number, bytes[1] as number, bytes[2] as number];
  }
  return undefined;
}
