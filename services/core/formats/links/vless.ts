import type { VlessConfig } from '../../model/config.ts';
import { percentDecode } from '../../text/percent-decode.ts';
import { trimLower } from '../../text/trim-lower.ts';
import { quote } from '../../validate/diagnostic-sink.ts';
import { readEndpoint } from './endpoint.ts';
import type { SchemeParser } from './link-context.ts';
import { fragmentName, splitLink } from './link-parts.ts';
import { parseQuery } from './query.ts';
import { tlsFromQuery, transportFromQuery, withSniFallback } from './v2ray-params.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

// Flow -> its one shared string (kept by every config that has it).
const FLOWS: ReadonlyMap<string, string> = new Map([
  ['xtls-rprx-vision', 'xtls-rprx-vision'],
  ['xtls-rprx-vision-udp443', 'xtls-rprx-vision-udp443'],
]);

/** `vless://id@host:port?params#name` (XTLS share-link standard, formats.md §2.2). */
export const parseVless: SchemeParser = (after, ctx) => {
  const parts = splitLink(after);
  if (parts.userinfo === undefined || parts.userinfo === '') {
    ctx.sink.error('MISSING_FIELD', 'vless link has no user id');
    return undefined;
  }
  const ep = readEndpoint(parts, ctx);
  if (ep === undefined) return undefined;
  const q = parseQuery(parts.query);
  const transport = transportFromQuery(q, ctx.sink);
  const tls = tlsFromQuery(q, ctx.sink, { implicit: false });
  if (transport === undefined || tls === undefined) return undefined;
  const out: Mutable<VlessConfig> = {
    protocol: 'vless',
    name: fragmentName(parts.fragment),
    server: ep.server,
    port: ep.port,
    uuid: percentDecode(parts.userinfo),
    encryption: vlessEncryption(q.get('encryption'), ctx.sink),
    tls: withSniFallback(tls, transport),
    transport,
  };
  const flow = readFlow(q.get('flow'), ctx.sink);
  if (flow !== undefined) out.flow = flow;
  const peText = q.get('packetencoding');
  const pe = peText === undefined ? undefined : trimLower(peText);
  if (pe !== undefined && pe !== '') out.packetEncoding = pe;
  if (q.duplicates.length > 0)
    ctx.sink.warn('DUPLICATE_PARAM', `repeated parameters, first kept: ${q.duplicates.join(', ')}`);
  return out;
};

export function readFlow(
  raw: string | undefined,
  sink: Parameters<SchemeParser>[1]['sink'],
): string | undefined {
  if (raw === undefined) return undefined;
  const flow = trimLower(raw);
  if (flow === '' || flow === 'none') return undefined;
  const known = FLOWS.get(flow);
  if (known !== undefined) return known;
  sink.warn('DROPPED_FIELD', `flow ${quote(flow)} is not a current XTLS flow: dropped`);
  return undefined;
}

/**
 * VLESS encryption is `none` or (Xray PR #5067) a long `mlkem768x25519plus.…` string kept
 * verbatim. Template junk (vmess ciphers copied into VLESS links) is read as none.
 */
function vlessEncryption(raw: string | undefined, sink: Parameters<SchemeParser>[1]['sink']): string {
  if (raw === undefined) return 'none';
  const v = raw.trim();
  if (v === '' || trimLower(v) === 'none') return 'none';
  if (v.startsWith('mlkem768x25519plus.')) return v;
  sink.warn('REPAIRED_VALUE', `VLESS encryption ${quote(v)} is not a VLESS encryption: read as none`);
  return 'none';
}
