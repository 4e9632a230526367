import type { TlsSettings } from '../../model/tls.ts';
import type { Transport } from '../../model/transport.ts';
import type { DiagnosticSink } from '../../validate/diagnostic-sink.ts';
import { quote } from '../../validate/diagnostic-sink.ts';
import { trimLower } from '../../text/trim-lower.ts';
import { splitEarlyData } from './early-data.ts';
import type { QueryParams } from './query.ts';
import { decodeTwiceIfNeeded, keyGroup, parseBool, splitList } from './query.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Decode a path-like param (once, twice when double-encoded, with a warning). */
export function pathParam(
  q: QueryParams,
  sink: DiagnosticSink,
  key: string,
  alt?: string,
): string | undefined {
  const v = q.get(key, alt);
  if (v === undefined) return undefined;
  const d = decodeTwiceIfNeeded(v);
  if (d.doubleEncoded) sink.warn('DOUBLE_ENCODED', `${key} was percent-encoded twice`);
  return d.value;
}

/** The transport names links use, mapped to the model's (unknown → undefined). */
export function transportType(raw: string): Transport['type'] | undefined {
  switch (raw) {
    case '':
    case 'tcp':
    case 'raw':
    case 'none':
      return 'tcp';
    case 'ws':
    case 'websocket':
      return 'ws';
    case 'httpupgrade':
      return 'httpupgrade';
    // Xray's `http` transport is HTTP/2; HTTP/1.1 camouflage is tcp + headerType=http.
    case 'http':
    case 'h2':
      return 'h2';
    case 'grpc':
    case 'gun':
      return 'grpc';
    case 'xhttp':
    case 'splithttp':
      return 'xhttp';
    case 'kcp':
    case 'mkcp':
      return 'kcp';
    case 'quic':
      return 'quic';
    default:
      return undefined;
  }
}

interface TransportFields {
  readonly type: Transport['type'];
  readonly headerType: string;
  readonly host: string | undefined;
  readonly path: string | undefined;
  readonly serviceName: string | undefined;
  readonly mode: string | undefined;
  readonly authority: string | undefined;
  readonly extra: string | undefined;
  readonly seed: string | undefined;
  readonly quicSecurity: string | undefined;
  readonly key: string | undefined;
  readonly earlyData: number | undefined;
  readonly earlyDataHeader: string | undefined;
}

/** Build a transport from the fields shared by vmess JSON and the VLESS-style query. */
export function buildTransport(f: TransportFields, sink: DiagnosticSink): Transport {
  switch (f.type) {
    case 'tcp': {
      if (f.headerType === 'http') {
        return {
          type: 'http',
          host: splitList(f.host),
          path: f.path === undefined || f.path === '' ? '/' : f.path,
        };
      }
      const dropped: string[] = [];
      if (f.host !== undefined && f.host !== '') dropped.push('host');
      // `path=/` is a template default on plain TCP links: nothing is lost, nothing to say.
      if (f.path !== undefined && f.path !== '' && f.path !== '/') dropped.push('path');
      if (dropped.length > 0) sink.warn('DROPPED_FIELD', `plain TCP has no ${dropped.join('/')}: dropped`);
      return { type: 'tcp' };
    }
    case 'ws':
    case 'httpupgrade': {
      const split = splitEarlyData(f.path === undefined || f.path === '' ? '/' : f.path);
      const ed = split.earlyData ?? f.earlyData;
      const out: Mutable<Extract<Transport, { type: 'ws' }>> = { type: 'ws', path: split.path };
      if (f.host !== undefined && f.host !== '') out.host = f.host;
      if (ed !== undefined && ed > 0) {
        out.maxEarlyData = ed;
        // Xray sends early data in Sec-WebSocket-Protocol; mihomo/sing-box need the name spelled out.
        if (f.type === 'ws') out.earlyDataHeaderName = f.earlyDataHeader ?? 'Sec-WebSocket-Protocol';
      }
      if (f.type === 'ws') return out;
      const up: Mutable<Extract<Transport, { type: 'httpupgrade' }>> = {
        type: 'httpupgrade',
        path: out.path,
      };
      if (out.host !== undefined) up.host = out.host;
      if (out.maxEarlyData !== undefined) up.maxEarlyData = out.maxEarlyData;
      return up;
    }
    case 'http':
      return {
        type: 'http',
        host: splitList(f.host),
        path: f.path === undefined || f.path === '' ? '/' : f.path,
      };
    case 'h2':
      return {
        type: 'h2',
        host: splitList(f.host),
        path: f.path === undefined || f.path === '' ? '/' : f.path,
      };
    case 'grpc': {
      const out: Mutable<Extract<Transport, { type: 'grpc' }>> = {
        type: 'grpc',
        serviceName: f.serviceName ?? '',
      };
      const mode = f.mode?.trim().toLowerCase();
      if (mode === 'gun' || mode === 'multi') out.mode = mode;
      else if (mode !== undefined && mode !== '' && mode !== 'none')
        sink.warn('DROPPED_FIELD', `gRPC mode ${quote(mode)} dropped`);
      if (f.authority !== undefined && f.authority !== '') out.authority = f.authority;
      return out;
    }
    case 'xhttp': {
      const out: Mutable<Extract<Transport, { type: 'xhttp' }>> = {
        type: 'xhttp',
        path: f.path === undefined || f.path === '' ? '/' : f.path,
      };
      if (f.host !== undefined && f.host !== '') out.host = f.host;
      if (f.mode !== undefined && f.mode !== '') out.mode = f.mode;
      if (f.extra !== undefined && f.extra !== '' && f.extra !== 'null') out.extra = f.extra;
      return out;
    }
    case 'kcp': {
      const out: Mutable<Extract<Transport, { type: 'kcp' }>> = { type: 'kcp' };
      if (f.headerType !== '' && f.headerType !== 'none') out.headerType = f.headerType;
      if (f.seed !== undefined && f.seed !== '') out.seed = f.seed;
      return out;
    }
    case 'quic': {
      const out: Mutable<Extract<Transport, { type: 'quic' }>> = { type: 'quic' };
      if (f.quicSecurity !== undefined && f.quicSecurity !== '' && f.quicSecurity !== 'none')
        out.security = f.quicSecurity;
      if (f.key !== undefined && f.key !== '') out.key = f.key;
      if (f.headerType !== '' && f.headerType !== 'none') out.headerType = f.headerType;
      return out;
    }
  }
}

/** Transport from a VLESS-style query (vless, trojan, vmess URL form). Undefined after an error. */
export function transportFromQuery(q: QueryParams, sink: DiagnosticSink): Transport | undefined {
  const rawType = trimLower(q.get('type', 'network', 'net') ?? '');
  const type = transportType(rawType);
  if (type === undefined) {
    sink.error('INVALID_VALUE', `unknown transport ${quote(rawType)}`);
    return undefined;
  }
  const headerType = trimLower(q.get('headertype') ?? '');
  const host = q.get('host')?.trim();
  const path = pathParam(q, sink, 'path');
  // Most links carry none of these: one bit test skips all eight lookups.
  if (!q.mayHave(RARE_TRANSPORT_KEYS)) {
    return buildTransport(
      {
        type,
        headerType,
        host,
        path,
        serviceName: undefined,
        mode: undefined,
        authority: undefined,
        extra: undefined,
        seed: undefined,
        quicSecurity: undefined,
        key: undefined,
        earlyData: undefined,
        earlyDataHeader: undefined,
      },
      sink,
    );
  }
  const edText = q.get('ed');
  const ed = edText !== undefined && /^[0-9]{1,7}$/.test(edText) ? Number(edText) : undefined;
  return buildTransport(
    {
      type,
      headerType,
      host,
      path,
      serviceName: pathParam(q, sink, 'servicename'),
      mode: q.get('mode'),
      authority: q.get('authority')?.trim(),
      extra: q.get('extra'),
      seed: q.get('seed'),
      quicSecurity: q.get('quicsecurity')?.trim().toLowerCase(),
      key: q.get('key'),
      earlyData: ed,
      earlyDataHeader: q.get('eh')?.trim() || undefined,
    },
    sink,
  );
}

const RARE_TRANSPORT_KEYS = keyGroup(
  'ed',
  'servicename',
  'mode',
  'authority',
  'extra',
  'seed',
  'quicsecurity',
  'key',
  'eh',
);

/** The host header a transport carries (first of a list), for the v2rayN SNI fallback. */
export function transportHost(t: Transport): string | undefined {
  switch (t.type) {
    case 'ws':
    case 'httpupgrade':
    case 'xhttp':
      return t.host;
    case 'http':
    case 'h2':
      return t.host[0];
    default:
      return undefined;
  }
}

/**
 * v2rayN (the origin of these links) sends the transport Host as SNI when no `sni` is
 * given; spell that out so every target client does the same.
 */
export function withSniFallback(tls: TlsSettings, transport: Transport): TlsSettings {
  if (!tls.enabled || tls.reality !== undefined || (tls.serverName !== undefined && tls.serverName !== ''))
    return tls;
  const host = transportHost(transport);
  return host === undefined || host === '' ? tls : { ...tls, serverName: host };
}

export interface TlsQueryOptions {
  /** TLS is on unless `security=none` (trojan). */
  readonly implicit: boolean;
}

const INSECURE_KEYS = keyGroup('allowinsecure', 'insecure', 'allow_insecure', 'skip-cert-verify');
const PIN_ECH_KEYS = keyGroup('pcs', 'pinsha256', 'ech');

/** TLS / REALITY from a VLESS-style query. Undefined after an error. */
export function tlsFromQuery(
  q: QueryParams,
  sink: DiagnosticSink,
  opts: TlsQueryOptions,
): TlsSettings | undefined {
  const security = trimLower(q.get('security') ?? '');
  let enabled: boolean;
  let reality = false;
  switch (security) {
    case '':
      enabled = opts.implicit;
      break;
    case 'none':
      enabled = false;
      break;
    case 'tls':
      enabled = true;
      break;
    case 'xtls':
      enabled = true;
      sink.warn('REPAIRED_VALUE', 'obsolete security=xtls read as tls');
      break;
    case 'reality':
      enabled = true;
      reality = true;
      break;
    default:
      sink.warn('DROPPED_FIELD', `unknown security ${quote(security)} ignored`);
      enabled = opts.implicit;
  }
  const tls: Mutable<TlsSettings> = { enabled };
  const sni = q.get('sni', 'peer', 'servername')?.trim();
  if (sni !== undefined && sni !== '') tls.serverName = sni;
  const alpnText = q.get('alpn');
  if (alpnText !== undefined) {
    const alpn = splitList(alpnText);
    if (alpn.length > 0) tls.alpn = alpn;
  }
  if (
    q.mayHave(INSECURE_KEYS) &&
    parseBool(q.get('allowinsecure', 'insecure', 'allow_insecure', 'skip-cert-verify')) === true
  )
    tls.insecure = true;
  const fp = q.get('fp', 'client-fingerprint');
  if (fp !== undefined) {
    const trimmed = fp.trim();
    if (trimmed !== '' && trimLower(trimmed) !== 'none') tls.fingerprint = trimmed;
  }
  if (q.mayHave(PIN_ECH_KEYS)) {
    const pin = q.get('pcs', 'pinsha256');
    if (pin !== undefined && pin.trim() !== '') tls.certSha256 = pin.trim();
    const ech = q.get('ech');
    if (ech !== undefined && ech.trim() !== '') tls.echConfig = ech.trim();
  }
  if (reality) {
    const pbk = q.get('pbk', 'publickey', 'public-key');
    if (pbk === undefined || pbk.trim() === '') {
      sink.error('MISSING_FIELD', 'REALITY link without pbk');
      return undefined;
    }
    const spx = q.get('spx');
    tls.reality = {
      publicKey: pbk.trim(),
      shortId: (q.get('sid', 'shortid', 'short-id') ?? '').trim(),
      ...(spx !== undefined && spx !== '' ? { spiderX: spx } : {}),
    };
    if (q.has('pqv'))
      sink.warn('DROPPED_FIELD', 'REALITY pqv (ML-DSA verify key) has no client equivalent: dropped');
  }
  return tls;
}
