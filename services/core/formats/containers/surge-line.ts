import type { Diagnostic } from '../../model/diagnostic.ts';
import { DIAGNOSTIC_CODES } from '../../model/diagnostic.ts';
import type { TlsSettings } from '../../model/tls.ts';
import type { Transport } from '../../model/transport.ts';
import { portRanges, tlsOff } from './clash-entry.ts';
import { splitEarlyData } from '../links/early-data.ts';
import type { EntryOutcome } from './entry-outcome.ts';
import { NON_PROXY, accepted, rejected } from './entry-outcome.ts';
import type { KeyedLine } from './quantumult-x-line.ts';
import { splitFields, unquote } from './quantumult-x-line.ts';
import { bool, compact, int, mbps, seconds, strList } from './values.ts';

export const SURGE_TYPES = new Set([
  'ss',
  'shadowsocks',
  'ssr',
  'shadowsocksr',
  'vmess',
  'vless',
  'trojan',
  'http',
  'https',
  'socks5',
  'socks5-tls',
  'hysteria2',
  'tuic',
  'tuic-v5',
  'anytls',
  'snell',
  'wireguard',
  'direct',
  'reject',
  'reject-tinygif',
  'reject-drop',
]);
const NON_PROXY_TYPES = new Set(['direct', 'reject', 'reject-tinygif', 'reject-drop', 'reject-no-drop']);

export interface SurgeLine extends KeyedLine {
  readonly name: string;
}

/** Parse one Surge / Loon `[Proxy]` line: `Name = type, host, port, ...`. */
export function parseSurgeLine(line: string): SurgeLine | undefined {
  const eq = line.indexOf('=');
  if (eq <= 0) return undefined;
  const name = unquote(line.slice(0, eq).trim());
  const { head, positional, params } = splitFields(line.slice(eq + 1));
  return { name, keyword: head.toLowerCase(), head, positional, params };
}

/**
 * Surge and Loon share the shape but not the keys: Surge writes `encrypt-method=`,
 * `username=`, `ws=true`, `tls=true`, `sni=`; Loon writes the cipher and password
 * positionally, `transport=ws`, `over-tls=true`, `tls-name=`. Both are read.
 */
export function readSurgeLine(entry: SurgeLine): EntryOutcome {
  const { keyword, params: k } = entry;
  if (NON_PROXY_TYPES.has(keyword)) return NON_PROXY;
  const [host, portText, ...pos] = entry.positional;
  if (host === undefined || portText === undefined)
    return rejected(DIAGNOSTIC_CODES.missingField, `${keyword} line needs host and port`);
  const port = int(portText);
  if (port === undefined) return rejected(DIAGNOSTIC_CODES.invalidPort, `port ${portText} is not a number`);
  const base = { name: entry.name, server: unquote(host).replace(/^\[(.*)\]$/, '$1'), port };
  const warnings: Diagnostic[] = [];
  const pick = (key: string, position: number): string | undefined =>
    nonEmpty(k.get(key)) ?? nonEmpty(pos[position]);

  switch (keyword) {
    case 'ss':
    case 'shadowsocks': {
      const method = pick('encrypt-method', 0);
      const password = pick('password', 1);
      if (method === undefined || password === undefined)
        return rejected(DIAGNOSTIC_CODES.missingField, 'ss needs a cipher and a password');
      const obfs = (k.get('obfs') ?? k.get('obfs-name') ?? '').toLowerCase();
      return accepted(
        compact({
          protocol: 'shadowsocks' as const,
          ...base,
          method,
          password,
          plugin:
            obfs === 'http' || obfs === 'tls'
              ? {
                  name: 'obfs-local',
                  opts: defined([
                    ['obfs', obfs],
                    ['obfs-host', nonEmpty(k.get('obfs-host'))],
                  ]),
                }
              : undefined,
          udpOverTcp: bool(k.get('udp-over-tcp')) === true ? true : undefined,
        }),
      );
    }
    case 'ssr':
    case 'shadowsocksr': {
      const method = pick('encrypt-method', 0);
      const password = pick('password', 1);
      const protocolName = nonEmpty(k.get('protocol'));
      if (method === undefined || password === undefined || protocolName === undefined) {
        return rejected(DIAGNOSTIC_CODES.missingField, 'ssr needs cipher, password and protocol');
      }
      return accepted(
        compact({
          protocol: 'shadowsocksr' as const,
          ...base,
          method,
          password,
          protocolName,
          protocolParam: nonEmpty(k.get('protocol-param')),
          obfs: nonEmpty(k.get('obfs')) ?? 'plain',
          obfsParam: nonEmpty(k.get('obfs-param')),
        }),
      );
    }
    case 'vmess':
    case 'vless':
    case 'trojan': {
      const transport = surgeTransport(k);
      if (typeof transport === 'string') return rejected(DIAGNOSTIC_CODES.invalidValue, transport);
      const tls = surgeTls(k, keyword === 'trojan' && bool(k.get('over-tls')) !== false, warnings);
      if (keyword === 'trojan') {
        const password = pick('password', 0);
        if (password === undefined) return rejected(DIAGNOSTIC_CODES.missingField, 'trojan needs a password');
        return accepted({ protocol: 'trojan', ...base, password, tls, transport }, warnings);
      }
      if (keyword === 'vless') {
        const uuid = pick('username', 0) ?? nonEmpty(k.get('uuid'));
        if (uuid === undefined) return rejected(DIAGNOSTIC_CODES.missingField, 'vless needs a uuid');
        return accepted(
          compact({
            protocol: 'vless' as const,
            ...base,
            uuid,
            flow: nonEmpty(k.get('flow')),
            encryption: 'none',
            tls,
            transport,
          }),
          warnings,
        );
      }
      // Surge: `username=uuid, encrypt-method=...`; Loon: positional cipher then "uuid".
      const uuid = nonEmpty(k.get('username')) ?? nonEmpty(pos[pos.length - 1]);
      if (uuid === undefined) return rejected(DIAGNOSTIC_CODES.missingField, 'vmess needs a uuid');
      // Surge speaks legacy (alterId) VMess unless `vmess-aead=true`; Loon defaults to AEAD.
      const surgeDialect = k.has('username');
      const legacy = surgeDialect ? bool(k.get('vmess-aead')) !== true : bool(k.get('vmess-aead')) === false;
      return accepted(
        {
          protocol: 'vmess',
          ...base,
          uuid,
          alterId: int(k.get('alterid')) ?? (legacy ? 1 : 0),
          cipher: nonEmpty(k.get('encrypt-method')) ?? (pos.length >= 2 ? (pos[0] as string) : 'auto'),
          tls,
          transport,
        },
        warnings,
      );
    }
    case 'http':
    case 'https':
    case 'socks5':
    case 'socks5-tls': {
      const credentials = { username: pick('username', 0), password: pick('password', 1) };
      const on =
        keyword === 'https' ||
        keyword === 'socks5-tls' ||
        bool(k.get('over-tls')) === true ||
        bool(k.get('tls')) === true;
      if (keyword.startsWith('http'))
        return accepted(
          compact({ protocol: 'http' as const, ...base, ...credentials, tls: surgeTls(k, on, warnings) }),
          warnings,
        );
      return accepted(
        compact({
          protocol: 'socks' as const,
          ...base,
          version: '5' as const,
          ...credentials,
          tls: on ? surgeTls(k, true, warnings) : undefined,
        }),
        warnings,
      );
    }
    case 'hysteria2': {
      const password = pick('password', 0) ?? '';
      const obfsPassword = nonEmpty(k.get('salamander-password')) ?? nonEmpty(k.get('obfs-password'));
      return accepted(
        compact({
          protocol: 'hysteria2' as const,
          ...base,
          password,
          ports: portRanges(k.get('port-hopping')?.replace(/;/g, ',')),
          hopInterval: seconds(k.get('port-hopping-interval')),
          downMbps: mbps(k.get('download-bandwidth')),
          obfs: obfsPassword === undefined ? undefined : { type: 'salamander', password: obfsPassword },
          tls: surgeTls(k, true, warnings),
        }),
        warnings,
      );
    }
    case 'tuic':
    case 'tuic-v5': {
      const uuid = nonEmpty(k.get('uuid'));
      const password = k.get('password') ?? '';
      if (uuid === undefined) {
        if (k.has('token'))
          return rejected(DIAGNOSTIC_CODES.unsupportedEntry, 'TUIC v4 (token) is not supported');
        return rejected(DIAGNOSTIC_CODES.missingField, 'tuic needs a uuid');
      }
      return accepted(
        { protocol: 'tuic', ...base, uuid, password, tls: surgeTls(k, true, warnings) },
        warnings,
      );
    }
    case 'anytls': {
      const password = pick('password', 0);
      if (password === undefined) return rejected(DIAGNOSTIC_CODES.missingField, 'anytls needs a password');
      return accepted({ protocol: 'anytls', ...base, password, tls: surgeTls(k, true, warnings) }, warnings);
    }
    default:
      return rejected(DIAGNOSTIC_CODES.unsupportedEntry, `proxy type ${keyword} is not supported`);
  }
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

function defined(items: readonly (readonly [string, string | undefined])[]): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, v] of items) if (v !== undefined) out.push([key, v]);
  return out;
}

function surgeTransport(k: ReadonlyMap<string, string>): Transport | string {
  const kind = bool(k.get('ws')) === true ? 'ws' : (k.get('transport') ?? 'tcp').toLowerCase();
  switch (kind) {
    case 'tcp':
      return { type: 'tcp' };
    case 'ws': {
      const split = splitEarlyData(nonEmpty(k.get('ws-path')) ?? nonEmpty(k.get('path')) ?? '/');
      // Surge: ws-headers=Host:"example.com"|User-Agent:x
      const wsHost = /(?:^|\|)\s*host\s*:\s*"?([^"|]+)"?/i.exec(k.get('ws-headers') ?? '')?.[1]?.trim();
      return compact({
        type: 'ws' as const,
        host: wsHost ?? nonEmpty(k.get('host')),
        path: split.path,
        maxEarlyData: split.earlyData,
        earlyDataHeaderName: split.earlyData === undefined ? undefined : 'Sec-WebSocket-Protocol',
      });
    }
    case 'http':
      return { type: 'http', host: strList(k.get('host')) ?? [], path: nonEmpty(k.get('path')) ?? '/' };
    case 'grpc':
      return { type: 'grpc', serviceName: k.get('grpc-service-name') ?? k.get('path') ?? '' };
    default:
      return `transport ${kind} is not supported`;
  }
}

function surgeTls(k: ReadonlyMap<string, string>, implicit: boolean, warnings: Diagnostic[]): TlsSettings {
  const publicKey = nonEmpty(k.get('public-key'));
  const settings = compact({
    enabled:
      implicit || bool(k.get('tls')) === true || bool(k.get('over-tls')) === true || publicKey !== undefined,
    serverName: nonEmpty(k.get('sni')) ?? nonEmpty(k.get('tls-name')),
    alpn: strList(k.get('alpn')),
    insecure: bool(k.get('skip-cert-verify')),
    certSha256: nonEmpty(k.get('server-cert-fingerprint-sha256')),
    reality: publicKey === undefined ? undefined : { publicKey, shortId: k.get('short-id') ?? '' },
  });
  return tlsOff(settings, warnings);
}
