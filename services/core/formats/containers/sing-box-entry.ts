import type { Diagnostic } from '../../model/diagnostic.ts';
import { DIAGNOSTIC_CODES } from '../../model/diagnostic.ts';
import type { RealitySettings, TlsSettings } from '../../model/tls.ts';
import type { Transport } from '../../model/transport.ts';
import { portRanges, reservedBytes, tlsOff } from './clash-entry.ts';
import { splitEarlyData } from '../links/early-data.ts';
import type { EntryOutcome } from './entry-outcome.ts';
import { NON_PROXY, accepted, rejected } from './entry-outcome.ts';
import { parsePluginSpec } from '../links/shadowsocks.ts';
import type { Obj } from './values.ts';
import { arr, bool, compact, int, mbps, obj, positive, seconds, str, strList, strOf } from './values.ts';

/** Outbound types that route or resolve rather than proxy: skipped silently, counted. */
export const SING_BOX_NON_PROXY = new Set([
  'selector',
  'urltest',
  'direct',
  'block',
  'dns',
  'loadbalance',
  'fallback',
]);

/** One sing-box outbound or endpoint (formats.md §3.4) into the model. */
export function readSingBoxEntry(o: Obj): EntryOutcome {
  const type = (str(o['type']) ?? '').toLowerCase();
  if (type === '') return rejected(DIAGNOSTIC_CODES.missingField, 'outbound has no type');
  if (SING_BOX_NON_PROXY.has(type)) return NON_PROXY;
  const name = str(o['tag']) ?? '';
  const warnings: Diagnostic[] = [];
  if (type === 'wireguard') return readWireguard(o, name);
  const server = str(o['server']);
  const port = int(o['server_port']);
  if (server === undefined) return rejected(DIAGNOSTIC_CODES.missingField, `${type} outbound has no server`);
  const ports = portRanges(o['server_ports']);
  if (port === undefined && ports === undefined) {
    return rejected(DIAGNOSTIC_CODES.invalidPort, `server_port ${String(o['server_port'])} is not a number`);
  }
  // With only `server_ports`, the first port of the first range is the primary one.
  const base = { name, server, port: port ?? ports?.[0]?.from ?? 0 };

  switch (type) {
    case 'shadowsocks': {
      const method = str(o['method']);
      const password = str(o['password']);
      if (method === undefined || password === undefined) {
        return rejected(DIAGNOSTIC_CODES.missingField, 'shadowsocks outbound needs method and password');
      }
      const pluginName = str(o['plugin']);
      const uot = o['udp_over_tcp'];
      return accepted(
        compact({
          protocol: 'shadowsocks' as const,
          ...base,
          method,
          password,
          plugin:
            pluginName === undefined
              ? undefined
              : parsePluginSpec(`${pluginName};${str(o['plugin_opts']) ?? ''}`),
          udpOverTcp: bool(uot) === true || bool(obj(uot)?.['enabled']) === true ? true : undefined,
        }),
        warnings,
      );
    }
    case 'vmess':
    case 'vless':
    case 'trojan': {
      const transport = singBoxTransport(obj(o['transport']), obj(o['tls']));
      if (typeof transport === 'string') return rejected(DIAGNOSTIC_CODES.invalidValue, transport);
      const tls = singBoxTls(obj(o['tls']), false, warnings);
      if (type === 'trojan') {
        const password = str(o['password']);
        if (password === undefined)
          return rejected(DIAGNOSTIC_CODES.missingField, 'trojan outbound has no password');
        return accepted({ protocol: 'trojan', ...base, password, tls, transport }, warnings);
      }
      const uuid = str(o['uuid']);
      if (uuid === undefined) return rejected(DIAGNOSTIC_CODES.missingField, `${type} outbound has no uuid`);
      const packetEncoding = str(o['packet_encoding']);
      if (type === 'vmess') {
        return accepted(
          compact({
            protocol: 'vmess' as const,
            ...base,
            uuid,
            alterId: int(o['alter_id']) ?? 0,
            cipher: str(o['security']) ?? 'auto',
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
          flow: str(o['flow']),
          // Not a sing-box field, but exporters write it for VLESS encryption (mlkem...).
          encryption: str(o['encryption']) ?? 'none',
          tls,
          transport,
          packetEncoding,
        }),
        warnings,
      );
    }
    case 'hysteria':
      return accepted(
        compact({
          protocol: 'hysteria' as const,
          ...base,
          authStr: str(o['auth_str']) ?? str(o['auth']),
          ports: portRanges(o['server_ports']),
          upMbps: int(o['up_mbps']) ?? mbps(o['up']),
          downMbps: int(o['down_mbps']) ?? mbps(o['down']),
          obfs: str(o['obfs']),
          tls: singBoxTls(obj(o['tls']), true, warnings),
        }),
        warnings,
      );
    case 'hysteria2': {
      // Hysteria 2 auth is optional: no password is the empty one.
      const password = str(o['password']) ?? '';
      const obfs = obj(o['obfs']);
      const obfsType = obfs === undefined ? undefined : str(obfs['type']);
      return accepted(
        compact({
          protocol: 'hysteria2' as const,
          ...base,
          password,
          ports: portRanges(o['server_ports']),
          hopInterval: seconds(o['hop_interval']),
          upMbps: int(o['up_mbps']),
          downMbps: int(o['down_mbps']),
          obfs:
            obfsType === undefined ? undefined : { type: obfsType, password: str(obfs?.['password']) ?? '' },
          tls: singBoxTls(obj(o['tls']), true, warnings),
        }),
        warnings,
      );
    }
    case 'tuic': {
      const uuid = str(o['uuid']);
      const password = str(o['password']) ?? '';
      if (uuid === undefined) return rejected(DIAGNOSTIC_CODES.missingField, 'tuic outbound needs a uuid');
      return accepted(
        compact({
          protocol: 'tuic' as const,
          ...base,
          uuid,
          password,
          congestionControl: str(o['congestion_control']),
          udpRelayMode: str(o['udp_relay_mode']),
          zeroRtt: bool(o['zero_rtt_handshake']) === true ? true : undefined,
          tls: singBoxTls(obj(o['tls']), true, warnings),
        }),
        warnings,
      );
    }
    case 'anytls': {
      const password = str(o['password']);
      if (password === undefined)
        return rejected(DIAGNOSTIC_CODES.missingField, 'anytls outbound has no password');
      return accepted(
        { protocol: 'anytls', ...base, password, tls: singBoxTls(obj(o['tls']), true, warnings) },
        warnings,
      );
    }
    case 'socks': {
      const v = str(o['version']) ?? '5';
      const version = v === '4' ? ('4' as const) : v === '4a' ? ('4a' as const) : ('5' as const);
      return accepted(
        compact({
          protocol: 'socks' as const,
          ...base,
          version,
          username: str(o['username']),
          password: str(o['password']),
        }),
        warnings,
      );
    }
    case 'http':
      return accepted(
        compact({
          protocol: 'http' as const,
          ...base,
          username: str(o['username']),
          password: str(o['password']),
          tls: singBoxTls(obj(o['tls']), false, warnings),
        }),
        warnings,
      );
    case 'naive': {
      const username = str(o['username']);
      const password = str(o['password']);
      if (username === undefined || password === undefined)
        return rejected(DIAGNOSTIC_CODES.missingField, 'naive outbound needs username and password');
      return accepted(
        {
          protocol: 'naive',
          ...base,
          username,
          password,
          quic: bool(o['quic']) ?? false,
          tls: singBoxTls(obj(o['tls']), true, warnings),
        },
        warnings,
      );
    }
    default:
      return rejected(DIAGNOSTIC_CODES.unsupportedEntry, `outbound type ${type} is not supported`);
  }
}

/** sing-box `tls` object; protocols with implicit TLS pass `implicit` true. */
function singBoxTls(t: Obj | undefined, implicit: boolean, warnings: Diagnostic[]): TlsSettings {
  if (t === undefined) return { enabled: implicit };
  const r = obj(t['reality']);
  const publicKey = r === undefined || bool(r['enabled']) === false ? undefined : str(r['public_key']);
  const reality: RealitySettings | undefined =
    publicKey === undefined ? undefined : { publicKey, shortId: str(r?.['short_id']) ?? '' };
  const utls = obj(t['utls']);
  const ech = obj(t['ech']);
  const echConfig =
    ech === undefined || bool(ech['enabled']) !== true ? undefined : echFromPem(ech['config']);
  const settings = compact({
    enabled: implicit || (bool(t['enabled']) ?? false) || reality !== undefined,
    serverName: str(t['server_name']),
    alpn: strList(t['alpn']),
    insecure: bool(t['insecure']),
    fingerprint: utls !== undefined && bool(utls['enabled']) !== false ? str(utls['fingerprint']) : undefined,
    reality,
    echConfig,
    disableSni: bool(t['disable_sni']) === true ? true : undefined,
  });
  return tlsOff(settings, warnings);
}

/**
 * sing-box wants the ECH config as PEM lines (`-----BEGIN ECH CONFIGS-----`, base64...,
 * `-----END ECH CONFIGS-----`); the model keeps the base64 alone.
 */
function echFromPem(value: unknown): string | undefined {
  const lines =
    typeof value === 'string' ? value.split(/\r?\n/) : (arr(value)?.map((v) => str(v) ?? '') ?? []);
  const body = lines.map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('-----'));
  return body.length > 0 ? body.join('') : undefined;
}

/**
 * sing-box `transport`. Its `http` type is HTTP/2 over TLS and plain HTTP/1.1 without,
 * so the model's `h2` or `http` follows the TLS switch.
 */
function singBoxTransport(t: Obj | undefined, tls: Obj | undefined): Transport | string {
  if (t === undefined) return { type: 'tcp' };
  const type = (str(t['type']) ?? '').toLowerCase();
  const headers = obj(t['headers']) ?? {};
  let headerHost: string | undefined;
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === 'host') headerHost = strList(v)?.[0];
  switch (type) {
    case '':
      return { type: 'tcp' };
    case 'ws': {
      const split = splitEarlyData(str(t['path']) ?? '/');
      const maxEarlyData = positive(int(t['max_early_data'])) ?? split.earlyData;
      return compact({
        type: 'ws' as const,
        host: headerHost,
        path: split.path,
        maxEarlyData,
        earlyDataHeaderName:
          maxEarlyData === undefined
            ? undefined
            : (str(t['early_data_header_name']) ?? 'Sec-WebSocket-Protocol'),
      });
    }
    case 'httpupgrade':
      return compact({
        type: 'httpupgrade' as const,
        host: str(t['host']) ?? headerHost,
        path: str(t['path']) ?? '/',
      });
    case 'http': {
      const host = strList(t['host']) ?? (headerHost === undefined ? [] : [headerHost]);
      const path = str(t['path']) ?? '/';
      if (tls !== undefined && bool(tls['enabled']) === true) return { type: 'h2', host, path };
      return compact({ type: 'http' as const, host, path, method: str(t['method']) });
    }
    case 'grpc':
      return { type: 'grpc', serviceName: str(t['service_name']) ?? '' };
    case 'quic':
      return { type: 'quic' };
    default:
      return `transport ${type} is not supported`;
  }
}

/** sing-box 1.11+ endpoint, or the deprecated wireguard outbound (`local_address`, `peer_public_key`). */
function readWireguard(o: Obj, name: string): EntryOutcome {
  const peer = obj(arr(o['peers'])?.[0]) ?? {};
  const server = strOf(peer, 'address', 'server') ?? str(o['server']);
  const port = int(peer['port'] ?? peer['server_port'] ?? o['server_port']);
  if (server === undefined) return rejected(DIAGNOSTIC_CODES.missingField, 'wireguard has no peer address');
  if (port === undefined) return rejected(DIAGNOSTIC_CODES.invalidPort, 'wireguard has no valid peer port');
  const privateKey = str(o['private_key']);
  const peerPublicKey = str(peer['public_key']) ?? str(o['peer_public_key']);
  if (privateKey === undefined || peerPublicKey === undefined) {
    return rejected(DIAGNOSTIC_CODES.missingField, 'wireguard needs private_key and a peer public_key');
  }
  return accepted(
    compact({
      protocol: 'wireguard' as const,
      name,
      server,
      port,
      privateKey,
      peerPublicKey,
      preSharedKey: str(peer['pre_shared_key']) ?? str(o['pre_shared_key']),
      addresses: strList(o['address']) ?? strList(o['local_address']) ?? [],
      reserved: reservedBytes(peer['reserved'] ?? o['reserved']),
      mtu: int(o['mtu']),
      keepalive: int(peer['persistent_keepalive_interval']),
    }),
  );
}
