import type { HttpProxyConfig, SocksConfig } from '../../model/config.ts';
import type { TlsSettings } from '../../model/tls.ts';
import { decodeBase64Text, isStrictBase64 } from '../../text/base64.ts';
import { percentDecode } from '../../text/percent-decode.ts';
import type { Endpoint } from './endpoint.ts';
import { readHostPort } from './endpoint.ts';
import type { LinkContext, SchemeParser } from './link-context.ts';
import { fragmentName, parsePort, splitHostPort, splitLink } from './link-parts.ts';
import { parseBool, parseQuery, splitList } from './query.ts';
import { parseTelegramSocksQuery } from './telegram.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface Located {
  readonly endpoint: Endpoint;
  readonly username?: string;
  readonly password?: string;
}

function splitUserPass(text: string): { username: string; password: string } {
  const colon = text.indexOf(':');
  return colon === -1
    ? { username: text, password: '' }
    : { username: text.slice(0, colon), password: text.slice(colon + 1) };
}

/** True when the authority already reads as host[:port] (so it is not a base64 blob). */
function plainAuthority(hostPort: string): boolean {
  const hp = splitHostPort(hostPort);
  if (hp === undefined || hp.host === '') return false;
  return hp.portText !== undefined && !Number.isNaN(parsePort(hp.portText));
}

/**
 * socks/http share the v2rayN shapes (formats.md §2.10): `user:pass@host:port`,
 * `base64(user:pass)@host:port`, and the whole authority in base64
 * (`base64(host:port)` / `base64(user:pass@host:port)`). Base64 is detected BEFORE any
 * host handling: lower-casing would destroy it (V53, V54).
 */
function locate(
  after: string,
  ctx: LinkContext,
  defaultPort: number,
): { located: Located; fragment: string | undefined; query: string | undefined; path: string } | undefined {
  const parts = splitLink(after);
  if (
    parts.userinfo === undefined &&
    !plainAuthority(parts.hostPort) &&
    isStrictBase64(percentDecode(parts.hostPort))
  ) {
    const decoded = decodeBase64Text(percentDecode(parts.hostPort));
    if (decoded !== undefined && /^[\x21-\x7e]+$/.test(decoded.text.trim())) {
      const text = decoded.text.trim();
      const at = text.lastIndexOf('@');
      const endpoint = readHostPort(at === -1 ? text : text.slice(at + 1), ctx, defaultPort);
      if (endpoint === undefined) return undefined;
      const located: Located = at === -1 ? { endpoint } : { endpoint, ...splitUserPass(text.slice(0, at)) };
      return { located, fragment: parts.fragment, query: parts.query, path: parts.path };
    }
  }
  const endpoint = readHostPort(parts.hostPort, ctx, defaultPort);
  if (endpoint === undefined) return undefined;
  if (parts.userinfo === undefined)
    return { located: { endpoint }, fragment: parts.fragment, query: parts.query, path: parts.path };
  const rawInfo = parts.userinfo;
  let creds: { username: string; password: string };
  const info = rawInfo.indexOf(':') === -1 ? percentDecode(rawInfo) : rawInfo;
  if (info.indexOf(':') === -1 && isStrictBase64(info)) {
    const decoded = decodeBase64Text(info);
    creds =
      decoded !== undefined && decoded.text.indexOf(':') !== -1
        ? splitUserPass(decoded.text)
        : { username: info, password: '' };
  } else {
    // Split before decoding: an encoded `%3A` belongs to the user name, not the separator.
    const raw = splitUserPass(rawInfo);
    creds = { username: percentDecode(raw.username), password: percentDecode(raw.password) };
  }
  return { located: { endpoint, ...creds }, fragment: parts.fragment, query: parts.query, path: parts.path };
}

/** `socks://`, `socks5://`, `socks4://`, `socks4a://`, `socks5h://`. Empty credentials mean no auth (V52). */
export const parseSocks: SchemeParser = (after, ctx) => {
  const r = locate(after, ctx, 1080);
  if (r === undefined) return undefined;
  const version = ctx.scheme === 'socks4' ? '4' : ctx.scheme === 'socks4a' ? '4a' : '5';
  const out: Mutable<SocksConfig> = {
    protocol: 'socks',
    name: fragmentName(r.fragment),
    server: r.located.endpoint.server,
    port: r.located.endpoint.port,
    version,
  };
  if (r.located.username !== undefined) out.username = r.located.username;
  if (r.located.password !== undefined) out.password = r.located.password;
  const q = parseQuery(r.query);
  if (parseBool(q.get('tls')) === true) {
    const tls: Mutable<TlsSettings> = { enabled: true };
    const sni = q.get('sni');
    if (sni !== undefined && sni !== '') tls.serverName = sni;
    if (parseBool(q.get('allowinsecure', 'insecure', 'skip-cert-verify')) === true) tls.insecure = true;
    out.tls = tls;
  }
  return out;
};

/**
 * `http://` / `https://` proxies. TLS follows the scheme only: a plain `http://…:443` link
 * cannot say whether TLS is on (V54), which is reported, never guessed.
 */
export const parseHttp: SchemeParser = (after, ctx) => {
  const https = ctx.scheme === 'https';
  if (https && /^(?:www\.)?t\.me\/socks\?/i.test(after)) {
    const hash = after.indexOf('#');
    const body = hash === -1 ? after : after.slice(0, hash);
    return parseTelegramSocksQuery(body.slice(body.indexOf('?') + 1), ctx);
  }
  const r = locate(after, ctx, https ? 443 : 80);
  if (r === undefined) return undefined;
  if (r.path !== '' && r.path !== '/') {
    ctx.sink.error('UNSUPPORTED_ENTRY', 'http(s) URL with a path is a web address, not a proxy');
    return undefined;
  }
  const q = parseQuery(r.query);
  const tls: Mutable<TlsSettings> = { enabled: https };
  if (https) {
    const sni = q.get('sni', 'peer');
    if (sni !== undefined && sni !== '') tls.serverName = sni;
    if (parseBool(q.get('allowinsecure', 'insecure', 'skip-cert-verify')) === true) tls.insecure = true;
    const alpn = splitList(q.get('alpn'));
    if (alpn.length > 0) tls.alpn = alpn;
    const fp = q.get('fp', 'client-fingerprint');
    if (fp !== undefined && fp.trim() !== '') tls.fingerprint = fp.trim();
  } else if (r.located.endpoint.port === 443) {
    ctx.sink.warn(
      'AMBIGUOUS_VALUE',
      'http:// proxy on port 443: the link cannot say whether TLS is on; read as plain HTTP',
    );
  }
  const out: Mutable<HttpProxyConfig> = {
    protocol: 'http',
    name: fragmentName(r.fragment),
    server: r.located.endpoint.server,
    port: r.located.endpoint.port,
    tls,
  };
  if (r.located.username !== undefined) out.username = r.located.username;
  if (r.located.password !== undefined) out.password = r.located.password;
  return out;
};
