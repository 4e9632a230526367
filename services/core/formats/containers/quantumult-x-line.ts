import type { Diagnostic } from '../../model/diagnostic.ts';
import { DIAGNOSTIC_CODES } from '../../model/diagnostic.ts';
import type { TlsSettings } from '../../model/tls.ts';
import type { Transport } from '../../model/transport.ts';
import { tlsOff } from './clash-entry.ts';
import { splitEarlyData } from '../links/early-data.ts';
import type { EntryOutcome } from './entry-outcome.ts';
import { accepted, rejected } from './entry-outcome.ts';
import { bool, compact, strList } from './values.ts';

export const QX_KEYWORDS = new Set(['shadowsocks', 'vmess', 'vless', 'trojan', 'http', 'socks5']);

export interface KeyedLine {
  /** Lower-cased keyword before the first `=` (QX) or the proxy type (Surge/Loon). */
  readonly keyword: string;
  /** The first comma-separated field (`host:port` in QX). */
  readonly head: string;
  /** Fields without `=` after the head, in order (Loon's positional cipher/password...). */
  readonly positional: readonly string[];
  /** `key=value` fields, keys lower-cased, first occurrence wins. */
  readonly params: ReadonlyMap<string, string>;
}

/**
 * Split `head, k=v, k2=v2` on commas. Fields without a `key=` before any `key=value` are
 * positional (Loon's cipher and password); after one, they continue the previous value
 * (tags and paths contain commas).
 */
export function splitFields(rest: string): {
  head: string;
  positional: string[];
  params: Map<string, string>;
} {
  const fields = rest.split(',');
  const head = (fields[0] ?? '').trim();
  const positional: string[] = [];
  const params = new Map<string, string>();
  let lastKey: string | undefined;
  for (let i = 1; i < fields.length; i++) {
    const field = fields[i] as string;
    const trimmed = field.trim();
    const eq = trimmed.indexOf('=');
    const key = eq > 0 ? trimmed.slice(0, eq).trim().toLowerCase() : '';
    if (key === '' || !/^[a-z0-9_-]+$/.test(key)) {
      if (lastKey === undefined) positional.push(unquote(trimmed));
      else params.set(lastKey, `${params.get(lastKey) ?? ''},${field}`);
      continue;
    }
    if (params.has(key)) {
      lastKey = undefined;
      continue;
    }
    params.set(key, trimmed.slice(eq + 1));
    lastKey = key;
  }
  for (const [k, v] of params) params.set(k, unquote(v.trim()));
  return { head, positional, params };
}

export function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

/** Split `host:port` with an optional bracketed IPv6 host. */
export function hostPort(text: string): { server: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(text.trim());
  if (m === null) return undefined;
  return { server: m[1] as string, port: Number(m[2]) };
}

/** Parse one Quantumult X `[server_local]` line: `vless=host:port, method=none, password=..., tag=...`. */
export function parseQuantumultXLine(line: string): KeyedLine | undefined {
  const eq = line.indexOf('=');
  if (eq <= 0) return undefined;
  const keyword = line.slice(0, eq).trim().toLowerCase();
  if (!/^[a-z0-9-]+$/.test(keyword)) return undefined;
  const { head, positional, params } = splitFields(line.slice(eq + 1));
  return { keyword, head, positional, params };
}

export function readQuantumultXLine(entry: KeyedLine): EntryOutcome {
  const { keyword, params: k } = entry;
  if (!QX_KEYWORDS.has(keyword))
    return rejected(DIAGNOSTIC_CODES.unsupportedEntry, `quantumult-x type ${keyword} is not supported`);
  const hp = hostPort(entry.head);
  if (hp === undefined)
    return rejected(DIAGNOSTIC_CODES.malformedLink, `"${entry.head.slice(0, 80)}" is not host:port`);
  const base = { name: k.get('tag') ?? '', ...hp };
  const warnings: Diagnostic[] = [];
  const password = k.get('password');
  const obfs = (k.get('obfs') ?? '').toLowerCase();

  switch (keyword) {
    case 'shadowsocks': {
      const method = k.get('method');
      if (method === undefined || password === undefined)
        return rejected(DIAGNOSTIC_CODES.missingField, 'shadowsocks needs method and password');
      const ssrProtocol = k.get('ssr-protocol');
      if (ssrProtocol !== undefined) {
        // QX writes SSR as shadowsocks + ssr-protocol; obfs is then the SSR obfs and obfs-host its param.
        return accepted(
          compact({
            protocol: 'shadowsocksr' as const,
            ...base,
            method,
            password,
            protocolName: ssrProtocol,
            protocolParam: nonEmpty(k.get('ssr-protocol-param')),
            obfs: obfs === '' ? 'plain' : obfs,
            obfsParam: nonEmpty(k.get('obfs-host')),
          }),
        );
      }
      let ssPlugin;
      if (obfs === 'http' || obfs === 'tls') {
        ssPlugin = {
          name: 'obfs-local',
          opts: withValues([
            ['obfs', obfs],
            ['obfs-host', k.get('obfs-host')],
          ]),
        };
      } else if (obfs === 'ws' || obfs === 'wss') {
        const opts = withValues([
          ['mode', 'websocket'],
          ['host', k.get('obfs-host')],
          ['path', k.get('obfs-uri')],
        ]);
        if (obfs === 'wss') opts.push(['tls', '']);
        ssPlugin = { name: 'v2ray-plugin', opts };
      }
      return accepted(
        compact({
          protocol: 'shadowsocks' as const,
          ...base,
          method,
          password,
          plugin: ssPlugin,
          udpOverTcp: bool(k.get('udp-over-tcp')) === true ? true : undefined,
        }),
      );
    }
    case 'vmess':
    case 'vless':
    case 'trojan': {
      if (password === undefined) return rejected(DIAGNOSTIC_CODES.missingField, `${keyword} needs password`);
      const transport = qxTransport(obfs, k);
      if (transport === undefined)
        return rejected(DIAGNOSTIC_CODES.invalidValue, `obfs ${obfs} is not supported`);
      const tls = qxTls(obfs, k, warnings);
      if (keyword === 'trojan')
        return accepted({ protocol: 'trojan', ...base, password, tls, transport }, warnings);
      if (keyword === 'vless') {
        return accepted(
          compact({
            protocol: 'vless' as const,
            ...base,
            uuid: password,
            flow: nonEmpty(k.get('vless-flow')),
            encryption: k.get('method') ?? 'none',
            tls,
            transport,
          }),
          warnings,
        );
      }
      // QX spells the VMess cipher as the SS name; AEAD is the default, `aead=false` is legacy alterId.
      const method = k.get('method') ?? 'auto';
      return accepted(
        {
          protocol: 'vmess',
          ...base,
          uuid: password,
          alterId: bool(k.get('aead')) === false ? 1 : 0,
          cipher: method === 'chacha20-ietf-poly1305' ? 'chacha20-poly1305' : method,
          tls,
          transport,
        },
        warnings,
      );
    }
    case 'http':
    case 'socks5': {
      const on = bool(k.get('over-tls')) === true;
      const credentials = { username: nonEmpty(k.get('username')), password: nonEmpty(password) };
      if (keyword === 'http')
        return accepted(
          compact({
            protocol: 'http' as const,
            ...base,
            ...credentials,
            tls: qxTls(on ? 'over-tls' : '', k, warnings),
          }),
          warnings,
        );
      return accepted(
        compact({
          protocol: 'socks' as const,
          ...base,
          version: '5' as const,
          ...credentials,
          tls: on ? qxTls('over-tls', k, warnings) : undefined,
        }),
        warnings,
      );
    }
    default:
      return rejected(DIAGNOSTIC_CODES.unsupportedEntry, `quantumult-x type ${keyword} is not supported`);
  }
}

function nonEmpty(s: string | undefined): string | undefined {
  return s === undefined || s === '' ? undefined : s;
}

function withValues(items: readonly (readonly [string, string | undefined])[]): [string, string][] {
  const out: [string, string][] = [];
  for (const [key, v] of items) if (v !== undefined && v !== '') out.push([key, v]);
  return out;
}

function qxTransport(obfs: string, k: ReadonlyMap<string, string>): Transport | undefined {
  switch (obfs) {
    case '':
    case 'over-tls':
      return { type: 'tcp' };
    case 'ws':
    case 'wss': {
      const split = splitEarlyData(nonEmpty(k.get('obfs-uri')) ?? '/');
      return compact({
        type: 'ws' as const,
        host: nonEmpty(k.get('obfs-host')),
        path: split.path,
        maxEarlyData: split.earlyData,
        earlyDataHeaderName: split.earlyData === undefined ? undefined : 'Sec-WebSocket-Protocol',
      });
    }
    case 'http':
      return {
        type: 'http',
        host: strList(k.get('obfs-host')) ?? [],
        path: nonEmpty(k.get('obfs-uri')) ?? '/',
      };
    default:
      return undefined;
  }
}

function qxTls(obfs: string, k: ReadonlyMap<string, string>, warnings: Diagnostic[]): TlsSettings {
  const pbk = nonEmpty(k.get('reality-base64-pubkey'));
  const enabled =
    obfs === 'over-tls' || obfs === 'wss' || bool(k.get('over-tls')) === true || pbk !== undefined;
  const verification = bool(k.get('tls-verification'));
  const settings = compact({
    enabled,
    // For over-tls and wss QX puts the TLS server name in obfs-host unless tls-host says otherwise.
    serverName:
      nonEmpty(k.get('tls-host')) ??
      (obfs === 'over-tls' || obfs === 'wss' ? nonEmpty(k.get('obfs-host')) : undefined),
    alpn: strList(k.get('tls-alpn')),
    insecure: verification === undefined ? undefined : !verification,
    reality: pbk === undefined ? undefined : { publicKey: pbk, shortId: k.get('reality-hex-shortid') ?? '' },
  });
  return tlsOff(settings, warnings);
}
