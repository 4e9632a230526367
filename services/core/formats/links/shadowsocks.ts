import type { ShadowsocksConfig, ShadowsocksPlugin } from '../../model/config.ts';
import { decodeBase64Text } from '../../text/base64.ts';
import { percentDecode } from '../../text/percent-decode.ts';
import { isUuid } from '../../validate/ids.ts';
import { readEndpoint, readHostPort } from './endpoint.ts';
import type { LinkContext, SchemeParser } from './link-context.ts';
import { fragmentName, splitLink } from './link-parts.ts';
import type { QueryParams } from './query.ts';
import { parseBool, parseQuery } from './query.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * `ss://` in its three shapes (formats.md §2.4): SIP002 with base64 userinfo, SIP002 with
 * plain percent-encoded `method:password`, and legacy `ss://base64(method:password@host:port)`.
 * Method and password split on the FIRST colon (2022 multi-user passwords are `iPSK:uPSK`).
 */
export const parseShadowsocks: SchemeParser = (after, ctx) => {
  const parts = splitLink(after);
  const q = parseQuery(parts.query);
  let method: string;
  let password: string;
  let server: string;
  let port: number;
  if (parts.userinfo === undefined) {
    // Legacy: the whole authority (before `?`, `/`) is base64.
    const decoded = decodeBase64Text(percentDecode(parts.hostPort));
    if (decoded === undefined || decoded.text.indexOf('@') === -1) {
      ctx.sink.error(
        'INVALID_BASE64',
        'legacy ss link: authority is not base64 of method:password@host:port',
      );
      return undefined;
    }
    const text = decoded.text.trim();
    const at = text.lastIndexOf('@');
    const cred = splitCredential(text.slice(0, at));
    if (cred === undefined) {
      ctx.sink.error('MALFORMED_LINK', 'legacy ss link: no method:password');
      return undefined;
    }
    const ep = readHostPort(text.slice(at + 1).trim(), ctx);
    if (ep === undefined) return undefined;
    [method, password] = cred;
    server = ep.server;
    port = ep.port;
  } else {
    const ep = readEndpoint(parts, ctx);
    if (ep === undefined) return undefined;
    const cred = readUserinfo(parts.userinfo, q, ctx);
    if (cred === undefined) return undefined;
    [method, password] = cred;
    server = ep.server;
    port = ep.port;
  }
  const out: Mutable<ShadowsocksConfig> = {
    protocol: 'shadowsocks',
    name: fragmentName(parts.fragment),
    server,
    port,
    method,
    password,
  };
  const pluginText = q.get('plugin');
  if (pluginText !== undefined && pluginText.trim() !== '') {
    const plugin = parsePluginSpec(pluginText);
    if (plugin !== undefined) out.plugin = plugin;
  } else {
    const shadowTls = q.get('shadow-tls');
    if (shadowTls !== undefined) {
      const plugin = shadowrocketShadowTls(shadowTls, ctx);
      if (plugin !== undefined) out.plugin = plugin;
    }
  }
  if (parseBool(q.get('uot', 'udp-over-tcp', 'udp_over_tcp')) === true) out.udpOverTcp = true;
  return out;
};

function splitCredential(text: string): [string, string] | undefined {
  const colon = text.indexOf(':');
  if (colon <= 0) return undefined;
  return [text.slice(0, colon).trim(), text.slice(colon + 1)];
}

function readUserinfo(raw: string, q: QueryParams, ctx: LinkContext): [string, string] | undefined {
  const text = percentDecode(raw).trim();
  // Plain `method:password` (mandatory for 2022 ciphers per SIP022); base64 never has `:`.
  if (text.indexOf(':') !== -1) {
    const cred = splitCredential(text);
    if (cred !== undefined) return cred;
  }
  if (isUuid(text) && (q.has('type') || q.has('security') || q.has('encryption'))) {
    // A VLESS link published under ss:// (V37): reject rather than guess the protocol.
    ctx.sink.error('MISLABELED_SCHEME', 'ss:// link carries a UUID and VLESS parameters: not Shadowsocks');
    return undefined;
  }
  const decoded = decodeBase64Text(text);
  const cred = decoded === undefined ? undefined : splitCredential(decoded.text);
  if (cred === undefined) {
    ctx.sink.error('INVALID_BASE64', 'invalid shadowsocks userinfo: neither base64 nor method:password');
    return undefined;
  }
  return cred;
}

/**
 * SIP003 plugin spec `name;k=v;flag;…` with `\` escapes; unencoded `;`/`=` in the raw
 * query (V32) arrive here intact because the query splits on `&` and the first `=` only.
 */
export function parsePluginSpec(spec: string): ShadowsocksPlugin | undefined {
  const fields: string[] = [];
  let cur = '';
  for (let i = 0; i < spec.length; i++) {
    const c = spec[i];
    if (c === '\\' && i + 1 < spec.length) {
      cur += spec[i + 1];
      i += 1;
    } else if (c === ';') {
      fields.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  fields.push(cur);
  const name = (fields[0] ?? '').trim();
  if (name === '') return undefined;
  const opts: [string, string][] = [];
  for (let i = 1; i < fields.length; i++) {
    const f = fields[i] ?? '';
    if (f.trim() === '') continue;
    const eq = f.indexOf('=');
    if (eq === -1) opts.push([f.trim(), '']);
    else opts.push([f.slice(0, eq).trim(), f.slice(eq + 1)]);
  }
  return { name, opts };
}

/** Shadowrocket `?shadow-tls=base64({"host":…,"password":…,"version":…})`. */
function shadowrocketShadowTls(value: string, ctx: LinkContext): ShadowsocksPlugin | undefined {
  const decoded = decodeBase64Text(value);
  try {
    const json: unknown = decoded === undefined ? undefined : JSON.parse(decoded.text);
    if (typeof json === 'object' && json !== null) {
      const o = json as Record<string, unknown>;
      const opts: [string, string][] = [];
      for (const k of ['host', 'password', 'version']) {
        const v = o[k];
        if (typeof v === 'string' || typeof v === 'number') opts.push([k, String(v)]);
      }
      return { name: 'shadow-tls', opts };
    }
  } catch {
    // fall through
  }
  ctx.sink.warn('DROPPED_FIELD', 'unreadable shadow-tls parameter dropped');
  return undefined;
}
