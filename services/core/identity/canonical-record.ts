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
  const server = normalizeHost(config.server);
  const record: CanonicalRecord = { protocol: config.protocol, server, port: config.port };
  if (policy === 'endpoint') return record;
  addCredential(record, config);
  if (policy === 'full') addSettings(record, config, server);
  return record;
}

function addCredential(r: CanonicalRecord, c: ProxyConfig): void {
  switch (c.protocol) {
    case 'vmess':
    case 'vless':
      r.uuid = canonicalXrayId(c.uuid);
      return;
    case 'trojan':
    case 'hysteria2':
    case 'anytls':
      r.password = c.password;
      return;
    case 'shadowsocks':
      r.method = canonicalSsMethod(c.method);
      r.password = c.password;
      return;
    case 'shadowsocksr':
      // SSR multi-user servers authenticate by protocol-param (`uid:key`), so it is a credential.
      r.method = canonicalSsMethod(c.method);
      r.password = c.password;
      r.protocolName = lower(c.protocolName);
      put(r, 'protocolParam', c.protocolParam);
      return;
    case 'hysteria':
      put(r, 'authStr', c.authStr);
      return;
    case 'tuic':
      r.uuid = canonicalUuid(c.uuid) ?? c.uuid;
      r.password = c.password;
      return;
    case 'wireguard':
      r.privateKey = c.privateKey;
      r.peerPublicKey = c.peerPublicKey;
      put(r, 'preSharedKey', c.preSharedKey);
      return;
    case 'socks':
    case 'http':
      put(r, 'username', c.username);
      put(r, 'password', c.password);
      return;
    case 'naive':
      r.username = c.username;
      r.password = c.password;
      return;
  }
}

function addSettings(r: CanonicalRecord, c: ProxyConfig, server: string): void {
  switch (c.protocol) {
    case 'vmess':
      r.alterId = c.alterId;
      r.cipher = c.cipher === '' ? 'auto' : lower(c.cipher);
      put(r, 'packetEncoding', lowerOpt(c.packetEncoding));
      addTransport(r, c.transport);
      addTls(r, c.tls, server);
      return;
    case 'vless': {
      const flow = lowerOpt(c.flow);
      if (flow !== undefined && flow !== 'none') r.flow = flow;
      if (c.encryption !== '' && lower(c.encryption) !== 'none') r.encryption = c.encryption;
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
      if (c.udpOverTcp === true) r.udpOverTcp = true;
      return;
    case 'shadowsocksr':
      r.obfs = lower(c.obfs);
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
        r.transportProtocol = lower(c.transportProtocol);
      }
      addTls(r, c.tls, server);
      return;
    case 'hysteria2':
      addPorts(r, c.ports, c.port);
      put(r, 'hopInterval', c.hopInterval);
      put(r, 'upMbps', c.upMbps);
      put(r, 'downMbps', c.downMbps);
      if (c.obfs !== undefined && c.obfs.type !== '') {
        r['obfs.type'] = lower(c.obfs.type);
        r['obfs.password'] = c.obfs.password;
      }
      addTls(r, c.tls, server);
      return;
    case 'tuic':
      put(r, 'congestionControl', lowerOpt(c.congestionControl));
      put(r, 'udpRelayMode', lowerOpt(c.udpRelayMode));
      if (c.zeroRtt === true) r.zeroRtt = true;
      addTls(r, c.tls, server);
      return;
    case 'wireguard':
      if (c.addresses.length > 0) r.addresses = sortedUnique(c.addresses.map((a) => a.toLowerCase()));
      if (c.reserved !== undefined && (c.reserved[0] !== 0 || c.reserved[1] !== 0 || c.reserved[2] !== 0)) {
        r.reserved = c.reserved;
      }
      put(r, 'mtu', c.mtu);
      if (c.keepalive !== undefined && c.keepalive !== 0) r.keepalive = c.keepalive;
      return;
    case 'socks':
      r.version = c.version;
      if (c.tls !== undefined) addTls(r, c.tls, server);
      return;
    case 'http':
    case 'anytls':
      addTls(r, c.tls, server);
      return;
    case 'naive':
      if (c.quic) r.quic = true;
      addTls(r, c.tls, server);
      return;
  }
}

function addTls(r: CanonicalRecord, tls: TlsSettings, server: string): void {
  if (!tls.enabled) return;
  r.tls = true;
  if (tls.serverName !== undefined && tls.serverName !== '') {
    const sni = normalizeHost(tls.serverName);
    if (sni !== server) r['tls.serverName'] = sni;
  }
  if (tls.alpn !== undefined && tls.alpn.length > 0) r['tls.alpn'] = tls.alpn.map(lower);
  if (tls.insecure === true) r['tls.insecure'] = true;
  put(r, 'tls.fingerprint', lowerOpt(tls.fingerprint));
  if (tls.reality !== undefined) {
    r['tls.reality.publicKey'] = tls.reality.publicKey;
    r['tls.reality.shortId'] = lower(tls.reality.shortId);
    put(r, 'tls.reality.spiderX', tls.reality.spiderX);
  }
  if (tls.certSha256 !== undefined && tls.certSha256 !== '') {
    r['tls.certSha256'] = tls.certSha256.replaceAll(':', '').toLowerCase();
  }
  put(r, 'tls.echConfig', tls.echConfig);
  if (tls.disableSni === true) r['tls.disableSni'] = true;
}

function addTransport(r: CanonicalRecord, t: Transport): void {
  r.transport = t.type;
  switch (t.type) {
    case 'tcp':
      return;
    case 'http':
      if (t.host.length > 0) r['transport.host'] = hostList(t.host);
      r['transport.path'] = pathOrRoot(t.path);
      if (t.method !== undefined && t.method !== '' && t.method.toUpperCase() !== 'GET') {
        r['transport.method'] = t.method.toUpperCase();
      }
      return;
    case 'h2':
      if (t.host.length > 0) r['transport.host'] = hostList(t.host);
      r['transport.path'] = pathOrRoot(t.path);
      return;
    case 'ws':
      put(r, 'transport.host', hostOpt(t.host));
      r['transport.path'] = pathOrRoot(t.path);
      if (t.maxEarlyData !== undefined && t.maxEarlyData > 0) {
        r['transport.maxEarlyData'] = t.maxEarlyData;
        put(r, 'transport.earlyDataHeaderName', t.earlyDataHeaderName);
      }
      return;
    case 'httpupgrade':
      put(r, 'transport.host', hostOpt(t.host));
      r['transport.path'] = pathOrRoot(t.path);
      if (t.maxEarlyData !== undefined && t.maxEarlyData > 0) r['transport.maxEarlyData'] = t.maxEarlyData;
      return;
    case 'grpc':
      r['transport.serviceName'] = t.serviceName;
      if (t.mode !== undefined && t.mode !== 'gun') r['transport.mode'] = t.mode;
      put(r, 'transport.authority', t.authority);
      return;
    case 'xhttp':
      put(r, 'transport.host', hostOpt(t.host));
      r['transport.path'] = pathOrRoot(t.path);
      if (t.mode !== undefined && t.mode !== '' && t.mode !== 'auto') r['transport.mode'] = t.mode;
      if (t.extra !== undefined && t.extra !== '') r['transport.extra'] = canonicalJson(t.extra);
      return;
    case 'kcp':
      if (t.headerType !== undefined && t.headerType !== '' && t.headerType !== 'none') {
        r['transport.headerType'] = t.headerType;
      }
      put(r, 'transport.seed', t.seed);
      return;
    case 'quic':
      if (t.security !== undefined && t.security !== '' && t.security !== 'none')
        r['transport.security'] = t.security;
      put(r, 'transport.key', t.key);
      if (t.headerType !== undefined && t.headerType !== '' && t.headerType !== 'none') {
        r['transport.headerType'] = t.headerType;
      }
      return;
  }
}

function addPlugin(r: CanonicalRecord, plugin: ShadowsocksPlugin | undefined): void {
  if (plugin === undefined || plugin.name === '') return;
  r.plugin = plugin.name === 'simple-obfs' ? 'obfs-local' : plugin.name;
  // Plugin options are a key/value set; order in the published string carries no meaning.
  const opts = plugin.opts.map(([k, v]) => `${k}=${v}`).sort();
  if (opts.length > 0) r.pluginOpts = opts;
}

/** The hop set (extra ports plus the main port) as sorted, merged ranges; the main port alone is no hopping. */
function addPorts(r: CanonicalRecord, ports: readonly PortRange[] | undefined, port: number): void {
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
  r.ports = merged.map(({ from, to }) => (from === to ? String(from) : `${from}-${to}`));
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

function put(r: CanonicalRecord, key: string, value: string | number | undefined): void {
  if (value !== undefined && value !== '') r[key] = value;
}
