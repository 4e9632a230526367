import type { HysteriaConfig, Hysteria2Config, PortRange } from '../../model/config.ts';
import type { TlsSettings } from '../../model/tls.ts';
import { percentDecode } from '../../text/percent-decode.ts';
import { quote } from '../../validate/diagnostic-sink.ts';
import type { LinkContext, SchemeParser } from './link-context.ts';
import type { LinkParts } from './link-parts.ts';
import { fragmentName, splitHostPort, splitLink } from './link-parts.ts';
import { parseMbps, parsePortList } from './port-list.ts';
import type { QueryParams } from './query.ts';
import { parseBool, parseQuery, splitList } from './query.ts';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

interface HopEndpoint {
  readonly server: string;
  readonly port: number;
  readonly ports?: PortRange[];
}

/**
 * host[:port or port list] plus `mport`; port defaults to 443. URL libraries reject the
 * multi-port authority (V42), so this is split by hand.
 */
function hopEndpoint(parts: LinkParts, q: QueryParams, ctx: LinkContext): HopEndpoint | undefined {
  const hp = splitHostPort(parts.hostPort);
  if (hp === undefined || hp.host === '') {
    ctx.sink.error(hp === undefined ? 'MALFORMED_LINK' : 'MISSING_FIELD', 'link has no usable server');
    return undefined;
  }
  let port = 443;
  let ports: PortRange[] | undefined;
  if (hp.portText !== undefined && hp.portText !== '') {
    const list = parsePortList(hp.portText);
    const firstRange = list?.[0];
    if (list === undefined || firstRange === undefined) {
      ctx.sink.error('INVALID_PORT', `port ${quote(hp.portText)} is not a port or port list`);
      return undefined;
    }
    port = firstRange.from;
    if (list.length > 1 || firstRange.from !== firstRange.to) ports = list;
  }
  const mport = q.get('mport', 'ports');
  if (mport !== undefined && mport.trim() !== '') {
    const list = parsePortList(mport);
    if (list === undefined) ctx.sink.warn('DROPPED_FIELD', `port hopping list ${quote(mport)} dropped`);
    else ports = ports === undefined ? list : [...ports, ...list];
  }
  return ports === undefined ? { server: hp.host, port } : { server: hp.host, port, ports };
}

function hysteriaTls(q: QueryParams, sniKey: string, sniAlt: string): Mutable<TlsSettings> {
  const tls: Mutable<TlsSettings> = { enabled: true };
  const sni = q.get(sniKey, sniAlt);
  if (sni !== undefined && sni.trim() !== '') tls.serverName = sni.trim();
  if (parseBool(q.get('insecure', 'allowinsecure', 'allow_insecure', 'skip-cert-verify')) === true)
    tls.insecure = true;
  const alpn = splitList(q.get('alpn'));
  if (alpn.length > 0) tls.alpn = alpn;
  const pin = q.get('pinsha256', 'pcs');
  if (pin !== undefined && pin.trim() !== '') tls.certSha256 = pin.trim();
  const fp = q.get('fp');
  if (fp !== undefined && fp.trim() !== '') tls.fingerprint = fp.trim();
  const ech = q.get('ech');
  if (ech !== undefined && ech.trim() !== '') tls.echConfig = ech.trim();
  return tls;
}

/** `hysteria://host:port?protocol=udp&auth=…&peer=…&insecure=1&upmbps=…&downmbps=…&alpn=…&obfs=xplus&obfsParam=…`. */
export const parseHysteria: SchemeParser = (after, ctx) => {
  const parts = splitLink(after);
  const q = parseQuery(parts.query);
  const ep = hopEndpoint(parts, q, ctx);
  if (ep === undefined) return undefined;
  const out: Mutable<HysteriaConfig> = {
    protocol: 'hysteria',
    name: fragmentName(parts.fragment),
    server: ep.server,
    port: ep.port,
    tls: hysteriaTls(q, 'peer', 'sni'),
  };
  if (ep.ports !== undefined) out.ports = ep.ports;
  // Links may carry both `auth` and `auth_str` (V40): prefer `auth`; userinfo as a last resort.
  const auth =
    q.get('auth', 'auth_str', 'auth-str') ??
    (parts.userinfo !== undefined ? percentDecode(parts.userinfo) : undefined);
  if (auth !== undefined && auth !== '') out.authStr = auth;
  const up = parseMbps(q.get('upmbps', 'up'));
  const down = parseMbps(q.get('downmbps', 'down'));
  if (up !== undefined) out.upMbps = up;
  if (down !== undefined) out.downMbps = down;
  // `obfs` names the mode (xplus) and `obfsParam` the password; mihomo reads `obfs` as the
  // password itself, so a lone non-mode `obfs` value is taken as the password.
  const obfsParam = q.get('obfsparam', 'obfs-password');
  const obfs = q.get('obfs');
  if (obfsParam !== undefined && obfsParam !== '') out.obfs = obfsParam;
  else if (
    obfs !== undefined &&
    obfs !== '' &&
    obfs.toLowerCase() !== 'xplus' &&
    obfs.toLowerCase() !== 'none'
  )
    out.obfs = obfs;
  const proto = q.get('protocol');
  if (proto !== undefined && proto !== '') out.transportProtocol = proto;
  return out;
};

/** `hysteria2://` / `hy2://[auth@]host[:port|ports]/?obfs=salamander&obfs-password=…&sni=…&insecure=1&pinSHA256=…&mport=…`. */
export const parseHysteria2: SchemeParser = (after, ctx) => {
  const parts = splitLink(after);
  const q = parseQuery(parts.query);
  const ep = hopEndpoint(parts, q, ctx);
  if (ep === undefined) return undefined;
  const tls = hysteriaTls(q, 'sni', 'peer');
  const out: Mutable<Hysteria2Config> = {
    protocol: 'hysteria2',
    name: fragmentName(parts.fragment),
    server: ep.server,
    port: ep.port,
    // Auth is everything up to the last `@`, `user:pass` and raw `://` included (V43, V46).
    password: percentDecode(parts.userinfo ?? q.get('auth', 'password') ?? ''),
    tls,
  };
  if (ep.ports !== undefined) out.ports = ep.ports;
  const obfs = q.get('obfs');
  if (obfs !== undefined && obfs.trim() !== '' && obfs.trim().toLowerCase() !== 'none') {
    out.obfs = { type: obfs.trim(), password: q.get('obfs-password', 'obfs_password', 'obfspassword') ?? '' };
  }
  const hop = q.get('hop-interval', 'hop_interval', 'hopinterval');
  if (hop !== undefined && hop.trim() !== '') {
    const m = /^\s*([0-9]+)\s*s?\s*$/.exec(hop);
    if (m?.[1] !== undefined) out.hopInterval = Number(m[1]);
    else ctx.sink.warn('DROPPED_FIELD', `hop interval ${quote(hop)} dropped`);
  }
  const up = parseMbps(q.get('upmbps', 'up'));
  const down = parseMbps(q.get('downmbps', 'down'));
  if (up !== undefined) out.upMbps = up;
  if (down !== undefined) out.downMbps = down;
  return out;
};
