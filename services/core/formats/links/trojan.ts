import type { TrojanConfig } from '../../model/config.ts';
import type { Transport } from '../../model/transport.ts';
import { percentDecode } from '../../text/percent-decode.ts';
import { readEndpoint } from './endpoint.ts';
import type { SchemeParser } from './link-context.ts';
import { fragmentName, splitLink } from './link-parts.ts';
import { parseBool, parseQuery } from './query.ts';
import { pathParam, tlsFromQuery, transportFromQuery, withSniFallback } from './v2ray-params.ts';

/**
 * `trojan://password@host:port?params#name`: VLESS-style query keys, TLS implicit unless
 * `security=none` (V24), legacy `peer` for SNI and Shadowrocket `ws=1&wspath=`.
 */
export const parseTrojan: SchemeParser = (after, ctx) => {
  const parts = splitLink(after);
  if (parts.userinfo === undefined) {
    ctx.sink.error('MISSING_FIELD', 'trojan link has no password');
    return undefined;
  }
  const ep = readEndpoint(parts, ctx, 443);
  if (ep === undefined) return undefined;
  const q = parseQuery(parts.query);
  let transport: Transport | undefined;
  if (!q.has('type') && parseBool(q.get('ws')) === true) {
    const host = q.get('wshost', 'host');
    transport = {
      type: 'ws',
      path: pathParam(q, ctx.sink, 'wspath', 'path') ?? '/',
      ...(host ? { host } : {}),
    };
  } else {
    transport = transportFromQuery(q, ctx.sink);
  }
  const tls = tlsFromQuery(q, ctx.sink, { implicit: true });
  if (transport === undefined || tls === undefined) return undefined;
  const out: TrojanConfig = {
    protocol: 'trojan',
    name: fragmentName(parts.fragment),
    server: ep.server,
    port: ep.port,
    password: percentDecode(parts.userinfo),
    tls: withSniFallback(tls, transport),
    transport,
  };
  if (q.duplicates.length > 0)
    ctx.sink.warn('DUPLICATE_PARAM', `repeated parameters, first kept: ${q.duplicates.join(', ')}`);
  return out;
};
