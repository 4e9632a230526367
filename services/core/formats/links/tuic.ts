import type { TuicConfig } from '../../model/config.ts';
import type { TlsSettings } from '../../model/tls.ts';
import { percentDecode } from '../../text/percent-decode.ts';
import { readEndpoint } from './endpoint.ts';
import type { SchemeParser } from './link-context.ts';
import { fragmentName, splitLink } from './link-parts.ts';
import { parseBool, parseQuery, splitList } from './query.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * `tuic://uuid:password@host:port?congestion_control=…&udp_relay_mode=…&alpn=…&sni=…&allow_insecure=1`
 * (dae #182, TUIC v5). uuid = text before the first `:`; the password is the rest up to
 * the last `@` and may hold raw `:`, `@`, `+` (V47, V48).
 */
export const parseTuic: SchemeParser = (after, ctx) => {
  const parts = splitLink(after);
  if (parts.userinfo === undefined || parts.userinfo === '') {
    ctx.sink.error('MISSING_FIELD', 'tuic link has no uuid:password');
    return undefined;
  }
  const colon = parts.userinfo.indexOf(':');
  if (colon === -1) {
    ctx.sink.error('MISSING_FIELD', 'tuic v4 token links are not supported (no uuid:password)');
    return undefined;
  }
  const ep = readEndpoint(parts, ctx, 443);
  if (ep === undefined) return undefined;
  const q = parseQuery(parts.query);
  const tls: Mutable<TlsSettings> = { enabled: true };
  const sni = q.get('sni', 'peer');
  if (sni !== undefined && sni.trim() !== '') tls.serverName = sni.trim();
  const alpn = splitList(q.get('alpn'));
  if (alpn.length > 0) tls.alpn = alpn;
  if (parseBool(q.get('allow_insecure', 'insecure', 'allowinsecure', 'skip-cert-verify')) === true)
    tls.insecure = true;
  if (parseBool(q.get('disable_sni', 'disable-sni')) === true) tls.disableSni = true;
  const fp = q.get('fp');
  if (fp !== undefined && fp.trim() !== '') tls.fingerprint = fp.trim();
  const out: Mutable<TuicConfig> = {
    protocol: 'tuic',
    name: fragmentName(parts.fragment),
    server: ep.server,
    port: ep.port,
    uuid: percentDecode(parts.userinfo.slice(0, colon)),
    password: percentDecode(parts.userinfo.slice(colon + 1)),
    tls,
  };
  const cc = q.get(
    'congestion_control',
    'congestion-control',
    'congestion_controller',
    'congestion-controller',
  );
  if (cc !== undefined && cc !== '') out.congestionControl = cc;
  const relay = q.get('udp_relay_mode', 'udp-relay-mode');
  if (relay !== undefined && relay !== '') out.udpRelayMode = relay;
  if (parseBool(q.get('reduce_rtt', 'reduce-rtt', 'zero_rtt_handshake', 'zero-rtt')) === true)
    out.zeroRtt = true;
  return out;
};
