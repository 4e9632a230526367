import type { ShadowsocksRConfig } from '../../model/config.ts';
import { decodeBase64Text } from '../../text/base64.ts';
import { readHostPort } from './endpoint.ts';
import type { SchemeParser } from './link-context.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Base64 inner values (both alphabets, any padding) without form decoding: `+` stays (V38). */
function b64(value: string | undefined): string | undefined {
  if (value === undefined || value === '') return undefined;
  return decodeBase64Text(value)?.text;
}

/**
 * `ssr://base64(host:port:protocol:method:obfs:base64(password)/?obfsparam=…&protoparam=…&remarks=…&group=…)`.
 * The five fixed fields are split from the right so IPv6 hosts keep their colons.
 */
export const parseShadowsocksR: SchemeParser = (after, ctx) => {
  const hash = after.indexOf('#');
  const body = (hash === -1 ? after : after.slice(0, hash)).trim();
  const decoded = decodeBase64Text(body);
  if (decoded === undefined) {
    ctx.sink.error('INVALID_BASE64', 'ssr payload is not base64 of UTF-8 text');
    return undefined;
  }
  if (decoded.junkCut) ctx.sink.warn('REPAIRED_VALUE', 'junk after the ssr base64 payload cut');
  const text = decoded.text.trim();
  let main = text;
  let query = '';
  const qs = text.indexOf('?');
  if (qs !== -1) {
    main = text.slice(0, qs);
    query = text.slice(qs + 1);
  }
  if (main.endsWith('/')) main = main.slice(0, -1);
  const fields: string[] = [];
  let end = main.length;
  for (let k = 0; k < 4; k++) {
    const c = main.lastIndexOf(':', end - 1);
    if (c === -1) break;
    fields.unshift(main.slice(c + 1, end));
    end = c;
  }
  if (fields.length < 4) {
    ctx.sink.error('MALFORMED_LINK', 'ssr payload lacks host:port:protocol:method:obfs:password');
    return undefined;
  }
  const [protocolName, method, obfs, passwordB64] = fields as [string, string, string, string];
  const ep = readHostPort(main.slice(0, end), ctx);
  if (ep === undefined) return undefined;
  const password = b64(passwordB64);
  if (password === undefined) {
    ctx.sink.error('INVALID_BASE64', 'ssr password is not base64');
    return undefined;
  }
  const params = new Map<string, string>();
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    if (eq > 0 && !params.has(pair.slice(0, eq)))
      params.set(pair.slice(0, eq).toLowerCase(), pair.slice(eq + 1));
  }
  const out: Mutable<ShadowsocksRConfig> = {
    protocol: 'shadowsocksr',
    name: b64(params.get('remarks')) ?? '',
    server: ep.server,
    port: ep.port,
    method,
    password,
    protocolName,
    obfs,
  };
  const protocolParam = b64(params.get('protoparam'));
  if (protocolParam !== undefined && protocolParam !== '') out.protocolParam = protocolParam;
  const obfsParam = b64(params.get('obfsparam'));
  if (obfsParam !== undefined && obfsParam !== '') out.obfsParam = obfsParam;
  return out;
};
