import type { Diagnostic } from '../../model/diagnostic.ts';
import { DIAGNOSTIC_CODES } from '../../model/diagnostic.ts';
import type { TlsSettings } from '../../model/tls.ts';
import type { Transport } from '../../model/transport.ts';
import { reservedBytes, tlsOff } from './clash-entry.ts';
import { splitEarlyData } from '../links/early-data.ts';
import type { EntryOutcome } from './entry-outcome.ts';
import { NON_PROXY, accepted, rejected } from './entry-outcome.ts';
import type { Obj } from './values.ts';
import { arr, bool, compact, int, obj, str, strList } from './values.ts';

/** Xray outbound protocols that are not proxies: skipped silently, counted. */
export const XRAY_NON_PROXY = new Set(['freedom', 'blackhole', 'dns', 'loopback']);

/**
 * One Xray/V2Ray outbound (`protocol` + `settings` + `streamSettings`) into the model.
 * `remarks` names the node when the outbound tag is a generic one (v2rayN custom configs).
 */
export function readXrayOutbound(o: Obj, remarks?: string): EntryOutcome {
  const protocol = (str(o['protocol']) ?? '').toLowerCase();
  if (protocol === '') return rejected(DIAGNOSTIC_CODES.missingField, 'outbound has no protocol');
  if (XRAY_NON_PROXY.has(protocol)) return NON_PROXY;
  const tag = str(o['tag']);
  const name = remarks !== undefined && (tag === undefined || tag === 'proxy') ? remarks : (tag ?? '');
  const settings = obj(o['settings']) ?? {};
  const warnings: Diagnostic[] = [];

  // `vnext` / `servers` lists (classic), or the flat form of newer Xray (`settings.address`).
  const target = obj(arr(settings['vnext'])?.[0]) ?? obj(arr(settings['servers'])?.[0]) ?? settings;
  const user = obj(arr(target['users'])?.[0]) ?? target;
  const server = str(target['address']);
  const port = int(target['port']);
  if (protocol === 'wireguard') return readWireguard(settings, name);
  if (server === undefined)
    return rejected(DIAGNOSTIC_CODES.missingField, `${protocol} outbound has no address`);
  if (port === undefined)
    return rejected(DIAGNOSTIC_CODES.invalidPort, `port ${String(target['port'])} is not a number`);
  const base = { name, server, port };
  const stream = obj(o['streamSettings']) ?? {};

  switch (protocol) {
    case 'vless':
    case 'vmess':
    case 'trojan': {
      const transport = xrayTransport(stream);
      if (typeof transport === 'string') return rejected(DIAGNOSTIC_CODES.invalidValue, transport);
      const tls = xrayTls(stream, warnings);
      if (protocol === 'trojan') {
        const password = str(target['password']);
        if (password === undefined)
          return rejected(DIAGNOSTIC_CODES.missingField, 'trojan outbound has no password');
        return accepted({ protocol: 'trojan', ...base, password, tls, transport }, warnings);
      }
      const uuid = str(user['id']);
      if (uuid === undefined)
        return rejected(DIAGNOSTIC_CODES.missingField, `${protocol} outbound has no user id`);
      if (protocol === 'vmess') {
        return accepted(
          compact({
            protocol: 'vmess' as const,
            ...base,
            uuid,
            alterId: int(user['alterId']) ?? 0,
            cipher: str(user['security']) ?? 'auto',
            tls,
            transport,
            packetEncoding: str(o['packetEncoding']) ?? str(user['packetEncoding']),
          }),
          warnings,
        );
      }
      return accepted(
        compact({
          protocol: 'vless' as const,
          ...base,
          uuid,
          flow: str(user['flow']),
          encryption: str(user['encryption']) ?? 'none',
          tls,
          transport,
          packetEncoding: str(o['packetEncoding']) ?? str(user['packetEncoding']),
        }),
        warnings,
      );
    }
    case 'shadowsocks': {
      const method = str(target['method']);
      const password = str(target['password']);
      if (method === undefined || password === undefined)
        return rejected(DIAGNOSTIC_CODES.missingField, 'shadowsocks outbound needs method and password');
      return accepted(
        compact({
          protocol: 'shadowsocks' as const,
          ...base,
          method,
          password,
          udpOverTcp: bool(target['uot']) === true ? true : undefined,
        }),
      );
    }
    case 'socks':
    case 'http': {
      const auth = obj(arr(target['users'])?.[0]) ?? {};
      const credentials = { username: str(auth['user']), password: str(auth['pass']) };
      if (protocol === 'socks') {
        const tls = xrayTls(stream, warnings);
        return accepted(
          compact({
            protocol: 'socks' as const,
            ...base,
            version: '5' as const,
            ...credentials,
            tls: tls.enabled ? tls : undefined,
          }),
          warnings,
        );
      }
      return accepted(
        compact({ protocol: 'http' as const, ...base, ...credentials, tls: xrayTls(stream, warnings) }),
        warnings,
      );
    }
    default:
      return rejected(DIAGNOSTIC_CODES.unsupportedEntry, `outbound protocol ${protocol} is not supported`);
  }
}

function xrayTls(stream: Obj, warnings: Diagnostic[]): TlsSettings {
  const security = (str(stream['security']) ?? 'none').toLowerCase();
  if (security === 'reality') {
    const r = obj(stream['realitySettings']) ?? {};
    const publicKey = str(r['publicKey']) ?? str(r['password']);
    return compact({
      enabled: true,
      serverName: str(r['serverName']),
      fingerprint: str(r['fingerprint']),
      reality:
        publicKey === undefined
          ? undefined
          : compact({ publicKey, shortId: str(r['shortId']) ?? '', spiderX: str(r['spiderX']) }),
    });
  }
  const t = obj(stream['tlsSettings']) ?? obj(stream['xtlsSettings']) ?? {};
  const settings = compact({
    enabled: security === 'tls' || security === 'xtls',
    serverName: str(t['serverName']),
    alpn: strList(t['alpn']),
    insecure: bool(t['allowInsecure']),
    fingerprint: str(t['fingerprint']),
    echConfig: str(t['echConfigList']),
  });
  return tlsOff(settings, warnings);
}

function hostOf(headers: unknown): string | undefined {
  const h = obj(headers);
  if (h === undefined) return undefined;
  for (const [k, v] of Object.entries(h)) if (k.toLowerCase() === 'host') return strList(v)?.[0];
  return undefined;
}

function xrayTransport(stream: Obj): Transport | string {
  const network = (str(stream['network']) ?? 'tcp').toLowerCase();
  switch (network) {
    case 'tcp':
    case 'raw': {
      const s = obj(stream['rawSettings']) ?? obj(stream['tcpSettings']) ?? {};
      const header = obj(s['header']) ?? {};
      if ((str(header['type']) ?? 'none').toLowerCase() !== 'http') return { type: 'tcp' };
      const request = obj(header['request']) ?? {};
      const headers = obj(request['headers']) ?? {};
      let host: string[] = [];
      for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === 'host') host = strList(v) ?? [];
      return compact({
        type: 'http' as const,
        host,
        path: strList(request['path'])?.[0] ?? '/',
        method: str(request['method']),
      });
    }
    case 'ws':
    case 'websocket': {
      const s = obj(stream['wsSettings']) ?? {};
      const split = splitEarlyData(str(s['path']) ?? '/');
      return compact({
        type: 'ws' as const,
        host: str(s['host']) ?? hostOf(s['headers']),
        path: split.path,
        maxEarlyData: split.earlyData,
        earlyDataHeaderName: split.earlyData === undefined ? undefined : 'Sec-WebSocket-Protocol',
      });
    }
    case 'httpupgrade': {
      const s = obj(stream['httpupgradeSettings']) ?? {};
      const split = splitEarlyData(str(s['path']) ?? '/');
      return compact({
        type: 'httpupgrade' as const,
        host: str(s['host']) ?? hostOf(s['headers']),
        path: split.path,
        maxEarlyData: split.earlyData,
      });
    }
    case 'h2':
    case 'http': {
      const s = obj(stream['httpSettings']) ?? {};
      return { type: 'h2', host: strList(s['host']) ?? [], path: str(s['path']) ?? '/' };
    }
    case 'grpc':
    case 'gun': {
      const s = obj(stream['grpcSettings']) ?? {};
      return compact({
        type: 'grpc' as const,
        serviceName: str(s['serviceName']) ?? '',
        mode: bool(s['multiMode']) === true ? ('multi' as const) : undefined,
        authority: str(s['authority']),
      });
    }
    case 'xhttp':
    case 'splithttp': {
      const s = obj(stream['xhttpSettings']) ?? obj(stream['splithttpSettings']) ?? {};
      const extra = obj(s['extra']);
      return compact({
        type: 'xhttp' as const,
        host: str(s['host']),
        path: str(s['path']) ?? '/',
        mode: str(s['mode']),
        extra: extra === undefined ? undefined : JSON.stringify(extra),
      });
    }
    case 'kcp':
    case 'mkcp': {
      const s = obj(stream['kcpSettings']) ?? {};
      return compact({
        type: 'kcp' as const,
        headerType: str(obj(s['header'])?.['type']),
        seed: str(s['seed']),
      });
    }
    case 'quic': {
      const s = obj(stream['quicSettings']) ?? {};
      return compact({
        type: 'quic' as const,
        security: str(s['security']),
        key: str(s['key']),
        headerType: str(obj(s['header'])?.['type']),
      });
    }
    default:
      return `network ${network} is not supported`;
  }
}

function readWireguard(settings: Obj, name: string): EntryOutcome {
  const peer = obj(arr(settings['peers'])?.[0]) ?? {};
  const endpoint = str(peer['endpoint']);
  const m = endpoint === undefined ? null : /^\[?([^\]]*?)\]?:(\d{1,5})$/.exec(endpoint);
  if (m === null)
    return rejected(DIAGNOSTIC_CODES.missingField, 'wireguard outbound has no peer endpoint host:port');
  const privateKey = str(settings['secretKey']);
  const peerPublicKey = str(peer['publicKey']);
  if (privateKey === undefined || peerPublicKey === undefined)
    return rejected(DIAGNOSTIC_CODES.missingField, 'wireguard needs secretKey and a peer publicKey');
  return accepted(
    compact({
      protocol: 'wireguard' as const,
      name,
      server: m[1] as string,
      port: Number(m[2]),
      privateKey,
      peerPublicKey,
      preSharedKey: str(peer['preSharedKey']),
      addresses: strList(settings['address']) ?? [],
      reserved: reservedBytes(settings['reserved']),
      mtu: int(settings['mtu']),
      keepalive: int(peer['keepAlive']),
    }),
  );
}
