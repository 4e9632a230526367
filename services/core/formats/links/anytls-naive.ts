import type { AnyTlsConfig, NaiveConfig } from '../../model/config.ts';
import type { TlsSettings } from '../../model/tls.ts';
import { percentDecode } from '../../text/percent-decode.ts';
import { readEndpoint } from './endpoint.ts';
import type { SchemeParser } from './link-context.ts';
import { fragmentName, splitLink } from './link-parts.ts';
import type { QueryParams } from './query.ts';
import { parseBool, parseQuery, splitList } from './query.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function implicitTls(q: QueryParams): Mutable<TlsSettings> {
  const tls: Mutable<TlsSettings> = { enabled: true };
  const sni = q.get('sni', 'peer');
  if (sni !== undefined && sni.trim() !== '') tls.serverName = sni.trim();
  if (parseBool(q.get('insecure', 'allowinsecure', 'allow_insecure', 'skip-cert-verify')) === true)
    tls.insecure = true;
  const fp = q.get('fp', 'client-fingerprint');
  if (fp !== undefined && fp.trim() !== '') tls.fingerprint = fp.trim();
  const alpn = splitList(q.get('alpn'));
  if (alpn.length > 0) tls.alpn = alpn;
  return tls;
}

/**
 * `anytls://password@host[:443]/?sni=…&insecure=1#name`. Panels reuse the VLESS template,
 * so `security`, `type`, `packetEncoding`, `udp`, `username` appear and are ignored (V51).
 */
export const parseAnytls: SchemeParser = (after, ctx) => {
  const parts = splitLink(after);
  const ep = readEndpoint(parts, ctx, 443);
  if (ep === undefined) return undefined;
  const q = parseQuery(parts.query);
  const out: AnyTlsConfig = {
    protocol: 'anytls',
    name: fragmentName(parts.fragment),
    server: ep.server,
    port: ep.port,
    password: percentDecode(parts.userinfo ?? q.get('password', 'auth') ?? ''),
    tls: implicitTls(q),
  };
  return out;
};

/** `naive+https://user:pass@host[:443]`, `naive+quic://…` (QUIC), `naive://` (= https, V58). */
export const parseNaive: SchemeParser = (after, ctx) => {
  const parts = splitLink(after);
  const ep = readEndpoint(parts, ctx, 443);
  if (ep === undefined) return undefined;
  const q = parseQuery(parts.query);
  const info = parts.userinfo === undefined ? '' : parts.userinfo;
  const colon = info.indexOf(':');
  const out: NaiveConfig = {
    protocol: 'naive',
    name: fragmentName(parts.fragment),
    server: ep.server,
    port: ep.port,
    username: percentDecode(colon === -1 ? info : info.slice(0, colon)),
    password: percentDecode(colon === -1 ? '' : info.slice(colon + 1)),
    quic: ctx.scheme === 'naive+quic',
    tls: implicitTls(q),
  };
  return out;
};
