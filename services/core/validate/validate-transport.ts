import type { Transport } from '../model/transport.ts';
import { BOUNDS, hasControlChar, hasSpaceOrControl } from './bounds.ts';
import type { DiagnosticSink } from './diagnostic-sink.ts';
import { quote } from './diagnostic-sink.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const KCP_HEADERS: ReadonlySet<string> = new Set([
  'none',
  'srtp',
  'utp',
  'wechat-video',
  'dtls',
  'wireguard',
  'dns',
]);
const QUIC_SECURITY: ReadonlySet<string> = new Set(['none', 'aes-128-gcm', 'chacha20-poly1305']);
const XHTTP_MODES: ReadonlySet<string> = new Set(['auto', 'packet-up', 'stream-up', 'stream-one']);
/** Early data beyond this is not a real setting (Xray/sing-box use 2048..8192). */
const MAX_EARLY_DATA = 1 << 20;

function headerHost(raw: string | undefined, sink: DiagnosticSink): string | undefined {
  if (raw === undefined) return undefined;
  const v = raw.trim();
  if (v === '') return undefined;
  if (v.length > BOUNDS.headerHost || hasSpaceOrControl(v)) {
    sink.warn('DROPPED_FIELD', `invalid Host header ${quote(v)} dropped`);
    return undefined;
  }
  return v;
}

function hostList(raw: readonly string[], sink: DiagnosticSink): string[] {
  const out: string[] = [];
  for (const h of raw) {
    const v = headerHost(h, sink);
    if (v !== undefined && !out.includes(v)) out.push(v);
  }
  return out;
}

function path(raw: string, sink: DiagnosticSink, what: string): string | undefined {
  if (raw.length > BOUNDS.path) {
    sink.error('FIELD_TOO_LONG', `${what} longer than ${BOUNDS.path} characters`);
    return undefined;
  }
  if (hasControlChar(raw)) {
    sink.error('INVALID_VALUE', `${what} contains control characters`);
    return undefined;
  }
  return raw;
}

function earlyData(value: number | undefined, sink: DiagnosticSink): number | undefined {
  if (value === undefined) return undefined;
  if (Number.isInteger(value) && value > 0 && value <= MAX_EARLY_DATA) return value;
  if (value !== 0) sink.warn('DROPPED_FIELD', `early data size ${value} dropped`);
  return undefined;
}

/** Every plain-TCP config shares this one (frozen) value. */
const TCP: Transport = Object.freeze({ type: 'tcp' });

/** Validate a V2Ray-family transport; undefined (with an error) when it cannot work. */
export function checkTransport(t: Transport, sink: DiagnosticSink): Transport | undefined {
  switch (t.type) {
    case 'tcp':
      return TCP;
    case 'http': {
      const p = path(t.path === '' ? '/' : t.path, sink, 'HTTP header path');
      if (p === undefined) return undefined;
      const out: Mutable<typeof t> = { type: 'http', host: hostList(t.host, sink), path: p };
      if (t.method !== undefined && t.method !== '') {
        if (/^[A-Z]{1,16}$/.test(t.method)) out.method = t.method;
        else sink.warn('DROPPED_FIELD', `HTTP method ${quote(t.method)} dropped`);
      }
      return out;
    }
    case 'ws':
    case 'httpupgrade': {
      const p = path(t.path === '' ? '/' : t.path, sink, `${t.type} path`);
      if (p === undefined) return undefined;
      const host = headerHost(t.host, sink);
      const ed = earlyData(t.maxEarlyData, sink);
      if (t.type === 'httpupgrade') {
        const out: Mutable<typeof t> = { type: 'httpupgrade', path: p };
        if (host !== undefined) out.host = host;
        if (ed !== undefined) out.maxEarlyData = ed;
        return out;
      }
      const out: Mutable<typeof t> = { type: 'ws', path: p };
      if (host !== undefined) out.host = host;
      if (ed !== undefined) {
        out.maxEarlyData = ed;
        const name = t.earlyDataHeaderName?.trim();
        if (name !== undefined && name !== '') {
          if (/^[A-Za-z0-9-]{1,64}$/.test(name)) out.earlyDataHeaderName = name;
          else sink.warn('DROPPED_FIELD', `early data header name ${quote(name)} dropped`);
        }
      }
      return out;
    }
    case 'h2': {
      const p = path(t.path === '' ? '/' : t.path, sink, 'h2 path');
      return p === undefined ? undefined : { type: 'h2', host: hostList(t.host, sink), path: p };
    }
    case 'grpc': {
      const name = t.serviceName;
      if (name.length > BOUNDS.path || hasControlChar(name)) {
        sink.error('INVALID_VALUE', 'gRPC service name is too long or contains control characters');
        return undefined;
      }
      const out: Mutable<typeof t> = { type: 'grpc', serviceName: name };
      // `gun` is the default: one canonical spelling (absent) for identity and round trips.
      if (t.mode === 'multi') out.mode = t.mode;
      const authority = headerHost(t.authority, sink);
      if (authority !== undefined) out.authority = authority;
      return out;
    }
    case 'xhttp': {
      const p = path(t.path === '' ? '/' : t.path, sink, 'xhttp path');
      if (p === undefined) return undefined;
      const out: Mutable<typeof t> = { type: 'xhttp', path: p };
      const host = headerHost(t.host, sink);
      if (host !== undefined) out.host = host;
      if (t.mode !== undefined && t.mode !== '') {
        const mode = t.mode.trim().toLowerCase();
        // `auto` is the default mode: canonical form leaves it out (like gRPC `gun`).
        if (XHTTP_MODES.has(mode)) {
          if (mode !== 'auto') out.mode = mode;
        } else sink.warn('DROPPED_FIELD', `unknown xhttp mode ${quote(t.mode)} dropped`);
      }
      if (t.extra !== undefined) {
        const extra = t.extra.trim();
        if (extra !== '' && extra !== 'null') {
          if (extra.length > BOUNDS.xhttpExtra) {
            sink.warn('DROPPED_FIELD', 'xhttp extra longer than the bound: dropped');
          } else if (extra.isWellFormed() && isJsonObject(extra)) {
            out.extra = extra;
          } else {
            sink.warn('DROPPED_FIELD', 'xhttp extra is not a JSON object: dropped');
          }
        }
      }
      return out;
    }
    case 'kcp': {
      const out: Mutable<typeof t> = { type: 'kcp' };
      if (t.headerType !== undefined && t.headerType !== '') {
        const h = t.headerType.trim().toLowerCase();
        if (KCP_HEADERS.has(h)) {
          if (h !== 'none') out.headerType = h;
        } else {
          sink.warn('DROPPED_FIELD', `unknown mKCP header type ${quote(t.headerType)} dropped`);
        }
      }
      if (t.seed !== undefined && t.seed !== '') {
        if (t.seed.length > BOUNDS.credential || hasControlChar(t.seed)) {
          sink.error('INVALID_VALUE', 'mKCP seed is too long or contains control characters');
          return undefined;
        }
        out.seed = t.seed;
      }
      return out;
    }
    case 'quic': {
      const out: Mutable<typeof t> = { type: 'quic' };
      if (t.security !== undefined && t.security !== '') {
        const s = t.security.trim().toLowerCase();
        if (!QUIC_SECURITY.has(s)) {
          sink.error('INVALID_CIPHER', `unknown QUIC security ${quote(t.security)}`);
          return undefined;
        }
        if (s !== 'none') out.security = s;
      }
      if (t.key !== undefined && t.key !== '' && out.security !== undefined) {
        if (t.key.length > BOUNDS.credential || hasControlChar(t.key)) {
          sink.error('INVALID_VALUE', 'QUIC key is too long or contains control characters');
          return undefined;
        }
        out.key = t.key;
      }
      if (t.headerType !== undefined && t.headerType !== '') {
        const h = t.headerType.trim().toLowerCase();
        if (KCP_HEADERS.has(h)) {
          if (h !== 'none') out.headerType = h;
        } else {
          sink.warn('DROPPED_FIELD', `unknown QUIC header type ${quote(t.headerType)} dropped`);
        }
      }
      return out;
    }
  }
}

function isJsonObject(text: string): boolean {
  if (text.charCodeAt(0) !== 0x7b) return false;
  try {
    const v: unknown = JSON.parse(text);
    return typeof v === 'object' && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
}
