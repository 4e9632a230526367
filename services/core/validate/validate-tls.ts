import type { RealitySettings, TlsSettings } from '../model/tls.ts';
import { UTLS_FINGERPRINTS } from '../model/tls.ts';
import { base64ByteLength, isStrictBase64, toUrlSafeBase64 } from '../text/base64.ts';
import { trimLower } from '../text/trim-lower.ts';
import { BOUNDS, hasSpaceOrControl } from './bounds.ts';
import type { DiagnosticSink } from './diagnostic-sink.ts';
import { quote } from './diagnostic-sink.ts';
import { normaliseHost } from './host.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// Name -> the one shared string (a kept config holds the constant, not a per-link copy).
const FINGERPRINTS: ReadonlyMap<string, string> = new Map(UTLS_FINGERPRINTS.map((f) => [f, f]));

/** Every config without TLS shares this one (frozen) value. */
const TLS_OFF: TlsSettings = Object.freeze({ enabled: false });

/** SNI as a client can send it: bare host (brackets stripped), IDN as punycode; undefined when junk. */
export function checkServerName(raw: string): string | undefined {
  let text = raw.trim();
  if (text.length >= 2 && text.charCodeAt(0) === 0x5b && text.charCodeAt(text.length - 1) === 0x5d) {
    text = text.slice(1, -1);
  }
  if (text === '') return undefined;
  const h = normaliseHost(text);
  if (h === undefined) return undefined;
  // Keep the publisher's spelling (case) unless it had to change (IDN, brackets, trailing dot).
  if (h.kind === 'domain') return h.host === text || text.toLowerCase() === h.host ? text : h.host;
  return h.kind === 'ipv6' ? h.host : text;
}

/** ALPN protocol ids: printable tokens, deduplicated, order kept. */
export function cleanAlpn(values: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of values) {
    const v = raw.trim();
    if (v === '' || v.length > BOUNDS.token || hasSpaceOrControl(v) || out.includes(v)) continue;
    out.push(v);
  }
  return out;
}

function checkReality(reality: RealitySettings, sink: DiagnosticSink): RealitySettings | undefined {
  const pbk = reality.publicKey.trim();
  if (base64ByteLength(pbk) !== 32) {
    sink.error('INVALID_KEY', `REALITY public key ${quote(pbk)} is not 32 bytes of base64url`);
    return undefined;
  }
  let publicKey = pbk;
  if (!/^[A-Za-z0-9_-]{43}$/.test(pbk)) {
    // sing-box only accepts RawURL base64: re-encode std/padded spellings of the same bytes.
    publicKey = toUrlSafeBase64(pbk) ?? pbk;
    sink.warn('REPAIRED_VALUE', 'REALITY public key re-encoded as unpadded base64url');
  }
  const sid = trimLower(reality.shortId);
  if (sid.length > 16 || (sid.length & 1) === 1 || !/^[0-9a-f]*$/.test(sid)) {
    sink.error(
      'INVALID_VALUE',
      `REALITY short id ${quote(reality.shortId)} is not 0-16 hex digits of whole bytes`,
    );
    return undefined;
  }
  const out: Mutable<RealitySettings> = { publicKey, shortId: sid };
  if (reality.spiderX !== undefined && reality.spiderX !== '') {
    if (reality.spiderX.length > BOUNDS.path || hasSpaceOrControl(reality.spiderX)) {
      sink.warn('DROPPED_FIELD', 'REALITY spiderX dropped: not a usable path');
    } else {
      out.spiderX = reality.spiderX;
    }
  }
  return out;
}

/**
 * Validate TLS settings. Returns undefined (with an error) only when the config cannot
 * work (bad REALITY key); junk in optional fields is dropped with a warning.
 */
export function checkTls(tls: TlsSettings, sink: DiagnosticSink): TlsSettings | undefined {
  if (!tls.enabled) {
    const extra: string[] = [];
    if (tls.serverName !== undefined && tls.serverName !== '') extra.push('sni');
    if (tls.alpn !== undefined && tls.alpn.length > 0) extra.push('alpn');
    if (tls.insecure === true) extra.push('insecure');
    if (tls.fingerprint !== undefined && tls.fingerprint !== '') extra.push('fingerprint');
    if (tls.reality !== undefined) extra.push('reality');
    if (tls.certSha256 !== undefined) extra.push('certSha256');
    if (tls.echConfig !== undefined) extra.push('ech');
    if (extra.length > 0) sink.warn('DROPPED_FIELD', `TLS is off: dropped ${extra.join(', ')}`);
    return TLS_OFF;
  }
  // Built from an empty literal: V8 gives `{}` four in-object slots, so the usual enabled +
  // serverName + fingerprint + reality fit without a separate property store (the
  // `{ enabled: true }` literal has room for one), one object less per kept config.
  const out = {} as Mutable<TlsSettings>;
  out.enabled = true;
  if (tls.serverName !== undefined && tls.serverName.trim() !== '') {
    let sni = checkServerName(tls.serverName);
    if (sni === undefined) {
      // `www.icloud.com:443`: a port pasted into the SNI; the host part is what was meant.
      const m = /^([^:[\]]+):[0-9]{1,5}$/.exec(tls.serverName.trim());
      sni = m?.[1] === undefined ? undefined : checkServerName(m[1]);
      if (sni !== undefined) sink.warn('REPAIRED_VALUE', `port removed from SNI ${quote(tls.serverName)}`);
    }
    if (sni === undefined) sink.warn('DROPPED_FIELD', `invalid SNI ${quote(tls.serverName)} dropped`);
    else out.serverName = sni;
  }
  if (tls.alpn !== undefined && tls.alpn.length > 0) {
    const alpn = cleanAlpn(tls.alpn);
    if (alpn.length > 0) out.alpn = alpn;
  }
  if (tls.insecure === true) out.insecure = true;
  if (tls.fingerprint !== undefined && tls.fingerprint.trim() !== '') {
    const fp = FINGERPRINTS.get(trimLower(tls.fingerprint));
    if (fp !== undefined) out.fingerprint = fp;
    else sink.warn('DROPPED_FIELD', `unknown uTLS fingerprint ${quote(tls.fingerprint)} dropped`);
  }
  if (tls.reality !== undefined) {
    const reality = checkReality(tls.reality, sink);
    if (reality === undefined) return undefined;
    out.reality = reality;
  }
  if (tls.certSha256 !== undefined && tls.certSha256 !== '') {
    const pin = tls.certSha256.replace(/:/g, '').trim().toLowerCase();
    if (/^[0-9a-f]{64}$/.test(pin)) out.certSha256 = pin;
    else
      sink.warn(
        'DROPPED_FIELD',
        `certificate pin ${quote(tls.certSha256)} is not a SHA-256 hex digest: dropped`,
      );
  }
  if (tls.echConfig !== undefined && tls.echConfig !== '') {
    const ech = tls.echConfig.trim();
    if (ech.length <= BOUNDS.echConfig && isStrictBase64(ech)) out.echConfig = ech;
    else sink.warn('DROPPED_FIELD', 'ECH config is not base64: dropped');
  }
  if (tls.disableSni === true) out.disableSni = true;
  return out;
}
