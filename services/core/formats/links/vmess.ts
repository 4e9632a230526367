import type { VmessConfig } from '../../model/config.ts';
import type { TlsSettings } from '../../model/tls.ts';
import type { Transport } from '../../model/transport.ts';
import { decodeBase64Text } from '../../text/base64.ts';
import { percentDecode } from '../../text/percent-decode.ts';
import { quote } from '../../validate/diagnostic-sink.ts';
import { readEndpoint, readHostPort } from './endpoint.ts';
import type { LinkContext, SchemeParser } from './link-context.ts';
import { fragmentName, parsePort, splitLink } from './link-parts.ts';
import { parseBool, parseQuery, splitList } from './query.ts';
import {
  buildTransport,
  tlsFromQuery,
  transportFromQuery,
  transportType,
  withSniFallback,
} from './v2ray-params.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
type Json = Record<string, unknown>;

/**
 * vmess comes in three shapes: v2rayN base64 JSON (the common one), the Xray URL form
 * `uuid@host:port?…` (told apart by an `@` before `?`/`#`, like v2rayN does), and
 * Shadowrocket's base64(`cipher:uuid@host:port`)?params.
 */
export const parseVmess: SchemeParser = (after, ctx) => {
  const hash = after.indexOf('#');
  const head = hash === -1 ? after : after.slice(0, hash);
  const q = head.indexOf('?');
  const authority = q === -1 ? head : head.slice(0, q);
  if (authority.indexOf('@') !== -1) return parseVmessUrl(after, ctx);
  const decoded = decodeBase64Text(percentDecode(authority.trim()));
  if (decoded === undefined) {
    ctx.sink.error('INVALID_BASE64', 'vmess payload is not base64 of UTF-8 text');
    return undefined;
  }
  if (decoded.junkCut) ctx.sink.warn('REPAIRED_VALUE', 'junk after the vmess base64 payload cut');
  const text = decoded.text.trim();
  if (text.charCodeAt(0) === 0x7b)
    return fromJson(text, hash === -1 ? undefined : after.slice(hash + 1), ctx);
  if (q !== -1 && text.indexOf('@') !== -1) return parseShadowrocket(text, head.slice(q + 1), after, ctx);
  ctx.sink.error('MALFORMED_LINK', 'vmess payload is neither JSON nor a Shadowrocket authority');
  return undefined;
};

/** JSON scalars as text: numbers and booleans become strings, null/objects are absent (V02, V05). */
function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

function first(json: Json, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const v = str(json[k]);
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

function fromJson(text: string, fragment: string | undefined, ctx: LinkContext): VmessConfig | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Cut mid-string by a scraper (V10): reject, never guess the missing fields.
    ctx.sink.error('TRUNCATED_PAYLOAD', 'invalid vmess JSON (truncated or malformed)');
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    ctx.sink.error('MALFORMED_LINK', 'vmess JSON is not an object');
    return undefined;
  }
  const json = parsed as Json;
  const server = first(json, 'add', 'address', 'server');
  if (server === undefined) {
    ctx.sink.error('MISSING_FIELD', 'vmess JSON has no "add"');
    return undefined;
  }
  const portText = first(json, 'port');
  const port = portText === undefined ? NaN : parsePort(portText);
  if (Number.isNaN(port)) {
    ctx.sink.error('INVALID_PORT', `vmess port ${quote(portText ?? '')} is not a number`);
    return undefined;
  }
  const id = first(json, 'id', 'uuid');
  if (id === undefined) {
    ctx.sink.error('MISSING_FIELD', 'vmess JSON has no "id"');
    return undefined;
  }
  const aidText = first(json, 'aid', 'alterId') ?? '0';
  const alterId = /^[0-9]{1,5}$/.test(aidText) ? Number(aidText) : NaN;
  if (Number.isNaN(alterId)) {
    ctx.sink.error('INVALID_VALUE', `vmess alterId ${quote(aidText)} is not a number`);
    return undefined;
  }
  const net = (first(json, 'net', 'network') ?? '').toLowerCase();
  const type = transportType(net);
  if (type === undefined) {
    ctx.sink.error('INVALID_VALUE', `unknown vmess network ${quote(net)}`);
    return undefined;
  }
  // `type` is a header type only for tcp/kcp/quic, the gRPC/xhttp mode otherwise; junk ("---", "auto") is ignored (V08, V13).
  const headerType = (first(json, 'type') ?? '').toLowerCase();
  const host = first(json, 'host');
  const path = str(json['path']);
  if (net === 'http' && headerType !== 'http') {
    ctx.sink.warn(
      'AMBIGUOUS_VALUE',
      'vmess net "http" read as the HTTP/2 transport (v2rayN now reads it as raw TCP)',
    );
  }
  let transport: Transport;
  if (net === 'http' && headerType === 'http') {
    transport = { type: 'http', host: splitList(host), path: path === undefined || path === '' ? '/' : path };
  } else {
    transport = buildTransport(
      {
        type,
        headerType,
        host: type === 'grpc' || type === 'quic' ? undefined : host,
        path: type === 'grpc' || type === 'kcp' || type === 'quic' ? undefined : path,
        serviceName: type === 'grpc' ? (path ?? '') : undefined,
        mode: type === 'grpc' || type === 'xhttp' ? headerType : undefined,
        authority: type === 'grpc' ? host : undefined,
        extra: type === 'xhttp' ? jsonText(json['extra']) : undefined,
        seed: type === 'kcp' ? path : undefined,
        quicSecurity: type === 'quic' ? host?.toLowerCase() : undefined,
        key: type === 'quic' ? path : undefined,
        earlyData: undefined,
        earlyDataHeader: undefined,
      },
      ctx.sink,
    );
  }
  const tlsMode = (first(json, 'tls', 'security_tls') ?? '').toLowerCase();
  const tls: Mutable<TlsSettings> = { enabled: tlsMode === 'tls' || tlsMode === 'reality' };
  const sni = first(json, 'sni', 'servername', 'peer');
  if (sni !== undefined) tls.serverName = sni;
  const alpn = splitList(first(json, 'alpn'));
  if (alpn.length > 0) tls.alpn = alpn;
  const fp = first(json, 'fp');
  if (fp !== undefined) tls.fingerprint = fp;
  const insecure = first(json, 'insecure', 'allowInsecure', 'skip-cert-verify');
  if (parseBool(insecure) === true) tls.insecure = true;
  const pcs = first(json, 'pcs');
  if (pcs !== undefined) tls.certSha256 = pcs;
  if (tlsMode === 'reality') {
    const pbk = first(json, 'pbk');
    if (pbk === undefined) {
      ctx.sink.error('MISSING_FIELD', 'REALITY vmess without pbk');
      return undefined;
    }
    tls.reality = { publicKey: pbk, shortId: first(json, 'sid') ?? '' };
  }
  // v2rayN's "ps" is authoritative; the fragment some re-publishers append is a fallback.
  const ps = str(json['ps']) ?? first(json, 'remarks', 'remark');
  let name = ps !== undefined && ps !== '' ? ps : fragmentName(fragment);
  // Some generators percent-encode ps inside the JSON (V11): decode only a name that is
  // pure ASCII and decodes to non-ASCII text, so a literal "100%25" stays as written.
  if (/%[89A-Fa-f][0-9A-Fa-f]/.test(name) && /^[\x20-\x7e]*$/.test(name)) {
    const decoded = percentDecode(name);
    if (/[\u0080-\uffff]/.test(decoded)) name = decoded;
  }
  const out: Mutable<VmessConfig> = {
    protocol: 'vmess',
    name,
    server,
    port,
    uuid: id,
    alterId,
    cipher: first(json, 'scy', 'security', 'cipher') ?? 'auto',
    tls: withSniFallback(tls, transport),
    transport,
  };
  const pe = first(json, 'packetEncoding');
  if (pe !== undefined) out.packetEncoding = pe.toLowerCase();
  return out;
}

function jsonText(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

/** Xray standard form: `vmess://uuid@host:port?type=…&security=…&encryption=<cipher>#name`. */
function parseVmessUrl(after: string, ctx: LinkContext): VmessConfig | undefined {
  const parts = splitLink(after);
  const ep = readEndpoint(parts, ctx);
  if (ep === undefined) return undefined;
  const q = parseQuery(parts.query);
  const transport = transportFromQuery(q, ctx.sink);
  const tls = tlsFromQuery(q, ctx.sink, { implicit: false });
  if (transport === undefined || tls === undefined) return undefined;
  const aid = q.get('alterid', 'aid') ?? '0';
  const out: Mutable<VmessConfig> = {
    protocol: 'vmess',
    name: fragmentName(parts.fragment),
    server: ep.server,
    port: ep.port,
    uuid: percentDecode(parts.userinfo ?? ''),
    alterId: /^[0-9]{1,5}$/.test(aid) ? Number(aid) : NaN,
    cipher: q.get('encryption', 'scy', 'cipher') ?? 'auto',
    tls: withSniFallback(tls, transport),
    transport,
  };
  const pe = q.get('packetencoding')?.trim().toLowerCase();
  if (pe !== undefined && pe !== '') out.packetEncoding = pe;
  return out;
}

/** Shadowrocket: base64(`cipher:uuid@host:port`)?remarks=&obfs=websocket&path=&obfsParam=&tls=1&peer=. */
function parseShadowrocket(
  text: string,
  query: string,
  after: string,
  ctx: LinkContext,
): VmessConfig | undefined {
  const at = text.lastIndexOf('@');
  const cred = text.slice(0, at);
  const colon = cred.indexOf(':');
  if (colon === -1) {
    ctx.sink.error('MALFORMED_LINK', 'Shadowrocket vmess without cipher:uuid');
    return undefined;
  }
  const ep = readHostPort(text.slice(at + 1).trim(), ctx);
  if (ep === undefined) return undefined;
  const q = parseQuery(query);
  const obfs = (q.get('obfs') ?? 'none').toLowerCase();
  let transport: Transport;
  const host = q.get('obfsparam', 'host');
  const path = q.get('path') ?? '/';
  if (obfs === 'websocket' || obfs === 'ws') {
    transport = { type: 'ws', path, ...(host ? { host } : {}) };
  } else if (obfs === 'http') {
    transport = { type: 'http', host: splitList(host), path };
  } else if (obfs === 'grpc') {
    transport = { type: 'grpc', serviceName: q.get('path') ?? '' };
  } else if (obfs === 'none' || obfs === '') {
    transport = { type: 'tcp' };
  } else {
    ctx.sink.error('INVALID_VALUE', `unknown Shadowrocket obfs ${quote(obfs)}`);
    return undefined;
  }
  const tls: Mutable<TlsSettings> = { enabled: parseBool(q.get('tls')) === true };
  const peer = q.get('peer', 'sni');
  if (peer !== undefined && peer !== '') tls.serverName = peer;
  if (parseBool(q.get('allowinsecure', 'insecure')) === true) tls.insecure = true;
  const aid = q.get('alterid', 'aid') ?? '0';
  const hash = after.indexOf('#');
  return {
    protocol: 'vmess',
    name: q.get('remarks') ?? fragmentName(hash === -1 ? undefined : after.slice(hash + 1)),
    server: ep.server,
    port: ep.port,
    uuid: cred.slice(colon + 1),
    alterId: /^[0-9]{1,5}$/.test(aid) ? Number(aid) : NaN,
    cipher: cred.slice(0, colon),
    tls,
    transport,
  };
}
