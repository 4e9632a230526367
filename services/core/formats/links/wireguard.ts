import type { WireguardConfig } from '../../model/config.ts';
import { decodeBase64 } from '../../text/base64.ts';
import { percentDecode } from '../../text/percent-decode.ts';
import { quote } from '../../validate/diagnostic-sink.ts';
import { readEndpoint } from './endpoint.ts';
import type { SchemeParser } from './link-context.ts';
import { fragmentName, splitLink } from './link-parts.ts';
import { splitList } from './query.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** hiddify noise and AmneziaWG knobs: no upstream sing-box/mihomo equivalent (V49). */
const FORK_ONLY =
  /^(?:wnoise|wnoisecount|wnoisedelay|wpayloadsize|ifp|ifps|ifpd|ifpm|jc|jmin|jmax|s[1-4]|h[1-4]|i[1-5]|workers)$/;

/** `reserved=a,b,c` or a base64 of the three bytes (WARP client id). */
function parseReserved(text: string): [number, number, number] | undefined {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length === 3 && parts.every((p) => /^[0-9]{1,3}$/.test(p))) {
    return [Number(parts[0]), Number(parts[1]), Number(parts[2])];
  }
  if (parts.length === 1) {
    const bytes = decodeBase64(text)?.bytes;
    if (bytes?.length === 3) return [bytes[0] ?? 0, bytes[1] ?? 0, bytes[2] ?? 0];
  }
  return undefined;
}

/**
 * `wireguard://` / `wg://`: v2rayN (`privatekey@host:port?publickey=…&address=…&reserved=…&mtu=…`)
 * and hiddify/NekoBox alias spellings; keys percent-decoded (`%2B` → `+`). Default port 51820.
 */
export const parseWireguard: SchemeParser = (after, ctx) => {
  const parts = splitLink(after);
  const ep = readEndpoint(parts, ctx, 51820);
  if (ep === undefined) return undefined;
  const params = new Map<string, string>();
  const dropped: string[] = [];
  for (const pair of (parts.query ?? '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const key = (eq === -1 ? pair : pair.slice(0, eq)).trim().toLowerCase().replace(/-/g, '_');
    const value = eq === -1 ? '' : percentDecode(pair.slice(eq + 1));
    if (FORK_ONLY.test(key)) dropped.push(key);
    else if (!params.has(key)) params.set(key, value);
  }
  const get = (...keys: string[]): string | undefined => {
    for (const k of keys) {
      const v = params.get(k);
      if (v !== undefined && v.trim() !== '') return v.trim();
    }
    return undefined;
  };
  if (dropped.length > 0)
    ctx.sink.warn('DROPPED_FIELD', `fork-only WireGuard options dropped: ${dropped.join(', ')}`);
  const userKey =
    parts.userinfo !== undefined && parts.userinfo !== '' ? percentDecode(parts.userinfo) : undefined;
  const out: Mutable<WireguardConfig> = {
    protocol: 'wireguard',
    name: fragmentName(parts.fragment),
    server: ep.server,
    port: ep.port,
    privateKey: userKey ?? get('privatekey', 'private_key', 'pk', 'secretkey') ?? '',
    peerPublicKey: get('publickey', 'public_key', 'peerpublickey', 'peer_public_key', 'pub', 'peerpub') ?? '',
    addresses: splitList(get('address', 'ip', 'local_address', 'localaddress', 'addresses')),
  };
  const psk = get('presharedkey', 'pre_shared_key', 'psk');
  if (psk !== undefined) out.preSharedKey = psk;
  const reservedText = get('reserved');
  if (reservedText !== undefined) {
    const reserved = parseReserved(reservedText);
    if (reserved === undefined)
      ctx.sink.warn('DROPPED_FIELD', `reserved ${quote(reservedText)} is not three bytes: dropped`);
    else out.reserved = reserved;
  }
  const mtu = get('mtu');
  if (mtu !== undefined) {
    if (/^[0-9]{1,5}$/.test(mtu)) out.mtu = Number(mtu);
    else ctx.sink.warn('DROPPED_FIELD', `MTU ${quote(mtu)} dropped`);
  }
  const keepalive = get('keepalive', 'persistent_keepalive', 'persistentkeepalive');
  if (keepalive !== undefined) {
    if (/^[0-9]{1,5}$/.test(keepalive)) out.keepalive = Number(keepalive);
    else ctx.sink.warn('DROPPED_FIELD', `keepalive ${quote(keepalive)} dropped`);
  }
  return out;
};
