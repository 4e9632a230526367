import type { PortRange, ProxyConfig, ShadowsocksPlugin } from '../model/config.ts';
import type { TlsSettings } from '../model/tls.ts';
import type { Transport } from '../model/transport.ts';
import type { FingerprintPolicy } from './fingerprint-policy.ts';
import { canonicalUuid, canonicalXrayId } from './canonical-id.ts';
import { normalizeHost } from './normalize-host.ts';

export type CanonicalValue = string | number | boolean | readonly (string | number)[];
/** Flat field -> value map; absent and default-valued fields are left out. */
export type CanonicalRecord = Record<string, CanonicalValue>;

/**
 * The fields that decide identity under a policy, in one canonical spelling: every
 * representation a client treats the same (host case/brackets/IDN, UUID case, default
 * values, empty lists, SNI equal to the server) maps to one value. Fields at their
 * default are omitted, so adding an optional field to the model never changes the
 * fingerprint of a config that does not use it. The display name is never read.
 */
export function canonicalRecord(config: ProxyConfig, policy: FingerprintPolicy): CanonicalRecord {
  const pairs = canonicalPairs(config, policy);
  const record: CanonicalRecord = {};
  for (let i = 0; i < pairs.length; i += 2) record[pairs[i] as string] = pairs[i + 1] as CanonicalValue;
  return record;
}

/**
 * The canonical fields as a flat `[key, value, key, value, ...]` list in a fixed order:
 * what fingerprints hash (one JSON.stringify of a flat array is the cheapest exact encoding,
 * and this runs once per parsed link). Appends to `r` when given.
 */
export function canonicalPairs(
  config: ProxyConfig,
  policy: FingerprintPolicy,
  r: CanonicalValue[] = [],
): CanonicalValue[] {
  const server = normalizeHost(config.server);
  r.push('protocol', config.protocol, 'server', server, 'port', config.port);
  if (policy === 'endpoint') return r;
  addCredential(r, config);
  if (policy === 'full') addSettings(r, config, server);
  return r;
}

function addCredential(r: CanonicalValue[], c: ProxyConfig): void {
  switch (c.protocol) {
    case 'vmess':
    case 'vless':
      r.push('uuid', canonicalXrayId(c.uuid));
      return;
    case 'trojan':
    case 'hysteria2':
    case 'anytls':
      r.push('password', c.password);
      return;
    case 'shadowsocks':
      r.push('method', canonicalSsMethod(c.method));
      r.push('password', c.password);
      return;
    case 'shadowsocksr':
      // SSR multi-user servers authenticate by protocol-param (`uid:key`), so it is a credential.
      r.push('method', canonicalSsMethod(c.method));
      r.push('password', c.password);
      r.push('protocolName', lower(c.protocolName));
      put(r, 'protocolParam', c.protocolParam);
      return;
    case 'hysteria':
      put(r, 'authStr', c.authStr);
      return;
    case 'tuic':
      r.push('uuid', canonicalUuid(c.uuid) ?? c.uuid);
      r.push('password', c.password);
      return;
    case 'wireguard':
      r.push('privateKey', c.privateKey);
      r.push('peerPublicKey', c.peerPublicKey);
      put(r, 'preSharedKey', c.preSharedKey);
      return;
    case 'socks':
    case 'http':
      put(r, 'username', c.username);
      put(r, 'password', c.password);
      return;
    case 'naive':
      r.push('username', c.username);
      r.push('password', c.password);
      return;
  }
}

function addSettings(r: CanonicalValue[], c: ProxyConfig, server: string): void {
  switch (c.protocol) {
    case 'vmess':
      r.push('alterId', c.alterId);
      r.push('cipher', c.cipher === '' ? 'auto' : lower(c.cipher));
      put(r, 'packetEncoding', lowerOpt(c.packetEncoding));
      addTransport(r, c.transport);
      addTls(r, c.tls, server);
      return;
    case 'vless': {
      const flow = lowerOpt(c.flow);
      if (flow !== undefined && flow !== 'none') r.push('flow', flow);
      if (c.encryption !== '' && lower(c.encryption) !== 'none') r.push('encryption', c.encryption);
      put(r, 'packetEncoding', lowerOpt(c.packetEncoding));
      addTransport(r, c.transport);
      addTls(r, c.tls, server);
      return;
    }
    case 'trojan':
      addTransport(r, c.transport);
      addTls(r, c.tls, server);
      return;
    case 'shadowsocks':
      addPlugin(r, c.plugin);
      if (c.udpOverTcp === true) r.push('udpOverTcp', true);
      return;
    case 'shadowsocksr':
      r.push('obfs', lower(c.obfs));
      put(r, 'obfsParam', c.obfsParam);
      return;
    case 'hysteria':
      addPorts(r, c.ports, c.port);
      put(r, 'upMbps', c.upMbps);
      put(r, 'downMbps', c.downMbps);
      put(r, 'obfs', c.obfs);
      if (
        c.transportProtocol !== undefined &&
        lower(c.transportProtocol) !== 'udp' &&
        c.transportProtocol !== ''
      ) {
        r.push('transportProtocol', lower(c.transportProtocol));
      }
      addTls(r, c.tls, server);
      return;
    case 'hysteria2':
      addPorts(r, c.ports, c.port);
      put(r, 'hopInterval', c.hopInterval);
      put(r, 'upMbps', c.upMbps);
      put(r, 'downMbps', c.downMbps);
      if (c.obfs !== undefined && c.obfs.type !== '') {
        r.push('obfs.type', lower(c.obfs.type));
        r.push('obfs.password', c.obfs.password);
      }
      addTls(r, c.tls, server);
      return;
    case 'tuic':
      put(r, 'congestionControl', lowerOpt(c.congestionControl));
      put(r, 'udpRelayMode', lowerOpt(c.udpRelayMode));
      if (c.zeroRtt === true) r.push('zeroRtt', true);
      addTls(r, c.tls, server);
      return;
    case 'wireguard':
      if (c.addresses.length > 0) r.push('addresses', sortedUnique(c.addresses.map((a) => a.toLowerCase())));
      if (c.reserved !== undefined && (c.reserved[0] !== 0 || c.reserved[1] !== 0 || c.reserved[2] !== 0)) {
        r.push('reserved', c.reserved);
      }
      put(r, 'mtu', c.mtu);
      if (c.keepalive !== undefined && c.keepalive !== 0) r.push('keepalive', c.keepalive);
      return;
    case 'socks':
      r.push('version', c.version);
      if (c.tls !== undefined) addTls(r, c.tls, server);
      return;
    case 'http':
    case 'anytls':
      addTls(r, c.tls, server);
      return;
    case 'naive':
      if (c.quic) r.push('quic', true);
      addTls(r, c.tls, server);
      return;
  }
}

function addTls(r: CanonicalValue[], tls: TlsSettings, server: string): void {
  if (!tls.enabled) return;
  r.push('tls', true);
  if (tls.serverName !== undefined && tls.serverName !== '') {
    const sni = normalizeHost(tls.serverName);
    if (sni !== server) r.push('tls.serverName', sni);
  }
  if (tls.alpn !== undefined && tls.alpn.length > 0) r.push('tls.alpn', tls.alpn.map(lower));
  if (tls.insecure === true) r.push('tls.insecure', true);
  put(r, 'tls.fingerprint', lowerOpt(tls.fingerprint));
  if (tls.reality !== undefined) {
    r.push('tls.reality.publicKey', tls.reality.publicKey);
    r.push('tls.reality.shortId', lower(tls.reality.shortId));
    put(r, 'tls.reality.spiderX', tls.reality.spiderX);
  }
  if (tls.certSha256 !== undefined && tls.certSha256 !== '') {
    r.push('tls.certSha256', tls.certSha256.replaceAll(':', '').toLowerCase());
  }
  put(r, 'tls.echConfig', tls.echConfig);
  if (tls.disableSni === true) r.push('tls.disableSni', true);
}

function addTransport(r: CanonicalValue[], t: Transport): void {
  r.push('transport', t.type);
  switch (t.type) {
    case 'tcp':
      return;
    case 'http':
      if (t.host.length > 0) r.push('transport.host', hostList(t.host));
      r.push('transport.path', pathOrRoot(t.path));
      if (t.method !== undefined && t.method !== '' && t.method.toUpperCase() !== 'GET') {
        r.push('transport.method', t.method.toUpperCase());
      }
      return;
    case 'h2':
      if (t.host.length > 0) r.push('transport.host', hostList(t.host));
      r.push('transport.path', pathOrRoot(t.path));
      return;
    case 'ws':
      put(r, 'transport.host', hostOpt(t.host));
      r.push('transport.path', pathOrRoot(t.path));
      if (t.maxEarlyData !== undefined && t.maxEarlyData > 0) {
        r.push('transport.maxEarlyData', t.maxEarlyData);
        put(r, 'transport.earlyDataHeaderName', t.earlyDataHeaderName);
      }
      return;
    case 'httpupgrade':
      put(r, 'transport.host', hostOpt(t.host));
      r.push('transport.path', pathOrRoot(t.path));
      if (t.maxEarlyData !== undefined && t.maxEarlyData > 0)
        r.push('transport.maxEarlyData', t.maxEarlyData);
      return;
    case 'grpc':
      r.push('transport.serviceName', t.serviceName);
      if (t.mode !== undefined && t.mode !== 'gun') r.push('transport.mode', t.mode);
      put(r, 'transport.authority', t.authority);
      return;
    case 'xhttp':
      put(r, 'transport.host', hostOpt(t.host));
      r.push('transport.path', pathOrRoot(t.path));
      if (t.mode !== undefined && t.mode !== '' && t.mode !== 'auto') r.push('transport.mode', t.mode);
      if (t.extra !== undefined && t.extra !== '') r.push('transport.extra', canonicalJson(t.extra));
      return;
    case 'kcp':
      if (t.headerType !== undefined && t.headerType !== '' && t.headerType !== 'none') {
        r.push('transport.headerType', t.headerType);
      }
      put(r, 'transport.seed', t.seed);
      return;
    case 'quic':
      if (t.security !== undefined && t.security !== '' && t.security !== 'none')
        r.push('transport.security', t.security);
      put(r, 'transport.key', t.key);
      if (t.headerType !== undefined && t.headerType !== '' && t.headerType !== 'none') {
        r.push('transport.headerType', t.headerType);
      }
      return;
  }
}

function addPlugin(r: CanonicalValue[], plugin: ShadowsocksPlugin | undefined): void {
  if (plugin === undefined || plugin.name === '') return;
  r.push('plugin', plugin.name === 'simple-obfs' ? 'obfs-local' : plugin.name);
  // Plugin options are a key/value set; order in the published string carries no meaning.
  const opts = plugin.opts.map(([k, v]) => `${k}=${v}`).sort();
  if (opts.length > 0) r.push('pluginOpts', opts);
}

/** The hop set (extra ports plus the main port) as sorted, merged ranges; the main port alone is no hopping. */
function addPorts(r: CanonicalValue[], ports: readonly PortRange[] | undefined, port: number): void {
  if (ports === undefined || ports.length === 0) return;
  const sorted: PortRange[] = [...ports, { from: port, to: port }]
    .map((p) => (p.from <= p.to ? p : { from: p.to, to: p.from }))
    .sort((a, b) => a.from - b.from || a.to - b.to);
  const merged: { from: number; to: number }[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last !== undefined && range.from <= last.to + 1) last.to = Math.max(last.to, range.to);
    else merged.push({ from: range.from, to: range.to });
  }
  const only = merged[0];
  if (merged.length === 1 && only !== undefined && only.from === port && only.to === port) return;
  r.push(
    'ports',
    merged.map(({ from, to }) => (from === to ? String(from) : `${from}-${to}`)),
  );
}

/** `chacha20-poly1305` is the name some links use for the IETF construction. */
function canonicalSsMethod(method: string): string {
  const m = method.toLowerCase();
  return m === 'chacha20-poly1305' ? 'chacha20-ietf-poly1305' : m;
}

function canonicalJson(text: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text) as unknown));
  } catch {
    return text;
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

function hostList(hosts: readonly string[]): string[] {
  return sortedUnique(hosts.map(normalizeHost).filter((h) => h !== ''));
}

function hostOpt(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const h = normalizeHost(host);
  return h === '' ? undefined : h;
}

function pathOrRoot(path: string): string {
  return path === '' ? '/' : path;
}

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort();
}

function lower(value: string): string {
  return value.toLowerCase();
}

function lowerOpt(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value.toLowerCase();
}

function put(r: CanonicalValue[], key: string, value: string | number | undefined): void {
  if (value !== undefined && value !== '') r.push(key, value);
}
