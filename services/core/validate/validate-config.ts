import type {
  HysteriaConfig,
  Hysteria2Config,
  PortRange,
  ProxyConfig,
  ShadowsocksConfig,
  ShadowsocksPlugin,
  ShadowsocksRConfig,
  TuicConfig,
  WireguardConfig,
} from '../model/config.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import type { ParseOptions } from '../formats/parse-options.ts';
import { cleanName } from '../text/clean-name.ts';
import { trimLower } from '../text/trim-lower.ts';
import { base64ByteLength, toStandardBase64 } from '../text/base64.ts';
import { classifyHost } from './address-guard.ts';
import { BOUNDS, hasControlChar } from './bounds.ts';
import {
  SS2022_KEY_BYTES,
  SS_CIPHERS,
  SS_CIPHER_ALIASES,
  SSR_CIPHERS,
  SSR_OBFS,
  SSR_PROTOCOLS,
  VMESS_CIPHERS,
  ssrBaseName,
} from './ciphers.ts';
import type { DiagnosticSink } from './diagnostic-sink.ts';
import { createSink, quote } from './diagnostic-sink.ts';
import { normaliseHost, parseIpv4, parseIpv6 } from './host.ts';
import { checkStrictUuid, checkUserId } from './ids.ts';
import { checkTls } from './validate-tls.ts';
import { checkTransport } from './validate-transport.ts';

export interface ValidationOutcome {
  /** Absent when the config was rejected; the diagnostics then hold at least one error. */
  readonly config?: ProxyConfig;
  readonly diagnostics: readonly Diagnostic[];
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * The single gate every parsed config passes through, whatever container it came from:
 * host syntax, port range, UUIDs, ciphers, key lengths, bounded string sizes, cleaned
 * names, address guard. Returns a normalised copy (lower-cased host, unbracketed IPv6...).
 */
export function validateConfig(
  config: ProxyConfig,
  options: ParseOptions & { readonly line?: number },
): ValidationOutcome {
  const sink = createSink(options.line, config.protocol);
  const out = check(config, sink, options.allowPrivateAddresses === true);
  if (out === undefined || sink.hasErrors()) return { diagnostics: sink.list() };
  return { config: out, diagnostics: sink.list() };
}

const GUARD_CODES = {
  loopback: 'LOOPBACK_ADDRESS',
  private: 'PRIVATE_ADDRESS',
  'link-local': 'LINK_LOCAL_ADDRESS',
  metadata: 'METADATA_ADDRESS',
  reserved: 'RESERVED_ADDRESS',
  unusable: 'RESERVED_ADDRESS',
} as const;

function check(config: ProxyConfig, sink: DiagnosticSink, allowPrivate: boolean): ProxyConfig | undefined {
  const host = normaliseHost(config.server);
  if (host === undefined) {
    sink.error('INVALID_HOST', `server ${quote(config.server)} is not a valid host name or IP address`);
    return undefined;
  }
  if (!Number.isInteger(config.port) || config.port < 1 || config.port > 65535) {
    sink.error('INVALID_PORT', `port ${String(config.port)} is outside 1-65535`);
    return undefined;
  }
  const cls = classifyHost(host);
  // Unspecified/multicast/broadcast never name a server, whatever the options say.
  if (cls === 'unusable' || (cls !== 'public' && !allowPrivate)) {
    sink.error(GUARD_CODES[cls], `server ${quote(host.host)} is a ${cls} address`);
    return undefined;
  }
  const cleaned = cleanName(config.name);
  if (cleaned.stripped) sink.warn('NAME_CLEANED', 'control or bidi characters removed from the name');
  if (cleaned.truncated) sink.warn('FIELD_TOO_LONG', 'name cut to its maximum length');
  const base = { name: cleaned.name, server: host.host, port: config.port };
  switch (config.protocol) {
    case 'vmess': {
      const id = userId(config.uuid, sink, false);
      const cipher = trimLower(config.cipher) || 'auto';
      if (!VMESS_CIPHERS.has(cipher)) {
        sink.error('INVALID_CIPHER', `unknown VMess cipher ${quote(config.cipher)}`);
        return undefined;
      }
      if (!Number.isInteger(config.alterId) || config.alterId < 0 || config.alterId > 65535) {
        sink.error('INVALID_VALUE', `alterId ${String(config.alterId)} is not 0-65535`);
        return undefined;
      }
      const tls = checkTls(config.tls, sink);
      const transport = checkTransport(config.transport, sink);
      if (id === undefined || tls === undefined || transport === undefined) return undefined;
      const out: Mutable<typeof config> = {
        ...config,
        name: base.name,
        server: base.server,
        port: base.port,
        uuid: id,
        cipher,
        tls,
        transport,
      };
      return out;
    }
    case 'vless': {
      const id = userId(config.uuid, sink, false);
      const tls = checkTls(config.tls, sink);
      const transport = checkTransport(config.transport, sink);
      if (id === undefined || tls === undefined || transport === undefined) return undefined;
      const enc = config.encryption.trim() || 'none';
      if (enc.length > BOUNDS.encryption || hasControlChar(enc)) {
        sink.error('INVALID_VALUE', 'VLESS encryption is too long or contains control characters');
        return undefined;
      }
      const out: Mutable<typeof config> = {
        ...config,
        name: base.name,
        server: base.server,
        port: base.port,
        uuid: id,
        encryption: enc,
        tls,
        transport,
      };
      if (config.flow === undefined || config.flow === '') drop(out, 'flow');
      return out;
    }
    case 'trojan': {
      if (!credential(config.password, sink, 'password', true)) return undefined;
      const tls = checkTls(config.tls, sink);
      const transport = checkTransport(config.transport, sink);
      if (tls === undefined || transport === undefined) return undefined;
      return { ...config, name: base.name, server: base.server, port: base.port, tls, transport };
    }
    case 'shadowsocks':
      return checkShadowsocks(config, base, sink);
    case 'shadowsocksr':
      return checkShadowsocksR(config, base, sink);
    case 'hysteria':
      return checkHysteria(config, base, sink);
    case 'hysteria2':
      return checkHysteria2(config, base, sink);
    case 'tuic':
      return checkTuic(config, base, sink);
    case 'wireguard':
      return checkWireguard(config, base, sink);
    case 'socks': {
      const out: Mutable<typeof config> = {
        ...config,
        name: base.name,
        server: base.server,
        port: base.port,
      };
      if (!optionalCredentials(out, sink)) return undefined;
      if (config.tls !== undefined) {
        const tls = checkTls(config.tls, sink);
        if (tls === undefined) return undefined;
        if (tls.enabled) out.tls = tls;
        else drop(out, 'tls');
      }
      return out;
    }
    case 'http': {
      const out: Mutable<typeof config> = {
        ...config,
        name: base.name,
        server: base.server,
        port: base.port,
      };
      if (!optionalCredentials(out, sink)) return undefined;
      const tls = checkTls(config.tls, sink);
      if (tls === undefined) return undefined;
      out.tls = tls;
      return out;
    }
    case 'anytls': {
      if (!credential(config.password, sink, 'password', true)) return undefined;
      const tls = checkTls(config.tls, sink);
      return tls === undefined
        ? undefined
        : { ...config, name: base.name, server: base.server, port: base.port, tls };
    }
    case 'naive': {
      if (!credential(config.username, sink, 'username', false)) return undefined;
      if (!credential(config.password, sink, 'password', false)) return undefined;
      const tls = checkTls(config.tls, sink);
      return tls === undefined
        ? undefined
        : { ...config, name: base.name, server: base.server, port: base.port, tls };
    }
  }
}

/** Remove an optional field only when present: deleting turns V8 objects into slow dictionaries. */
function drop<T extends object>(o: T, key: keyof T & string): void {
  if (key in o) delete (o as Record<string, unknown>)[key];
}

interface Base {
  readonly name: string;
  readonly server: string;
  readonly port: number;
}

function userId(raw: string, sink: DiagnosticSink, strict: boolean): string | undefined {
  const r = strict ? checkStrictUuid(raw) : checkUserId(raw);
  if (!r.ok) {
    sink.error(
      'INVALID_UUID',
      strict
        ? `id ${quote(raw)} is not a UUID`
        : `id ${quote(raw)} is neither a UUID nor a custom id of 1-30 bytes`,
    );
    return undefined;
  }
  if (r.repaired) sink.warn('REPAIRED_VALUE', 'user id normalised to the hyphenated UUID form');
  return r.id;
}

function credential(value: string, sink: DiagnosticSink, what: string, required: boolean): boolean {
  if (required && value === '') {
    sink.error('MISSING_FIELD', `${what} is empty`);
    return false;
  }
  if (value.length > BOUNDS.credential) {
    sink.error('FIELD_TOO_LONG', `${what} longer than ${BOUNDS.credential} characters`);
    return false;
  }
  if (hasControlChar(value)) {
    sink.error('INVALID_VALUE', `${what} contains control characters`);
    return false;
  }
  return true;
}

/** Empty user name and password mean "no auth" (v2rayN writes `Og==`, base64 of `:`). */
function optionalCredentials(out: { username?: string; password?: string }, sink: DiagnosticSink): boolean {
  if (out.username !== undefined && !credential(out.username, sink, 'username', false)) return false;
  if (out.password !== undefined && !credential(out.password, sink, 'password', false)) return false;
  if (out.username === '' && (out.password === undefined || out.password === '')) {
    drop(out, 'username');
    drop(out, 'password');
  } else {
    if (out.username === '') drop(out, 'username');
    if (out.password === '') drop(out, 'password');
  }
  return true;
}

const PLUGIN_ALIASES: ReadonlyMap<string, string> = new Map([
  ['simple-obfs', 'obfs-local'],
  ['obfs', 'obfs-local'],
  ['obfs-local', 'obfs-local'],
  ['v2ray', 'v2ray-plugin'],
  ['gost', 'gost-plugin'],
  ['shadowtls', 'shadow-tls'],
]);

function checkPlugin(plugin: ShadowsocksPlugin, sink: DiagnosticSink): ShadowsocksPlugin | undefined {
  const raw = plugin.name.trim().toLowerCase();
  const name = PLUGIN_ALIASES.get(raw) ?? raw;
  if (!/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)) {
    sink.error('INVALID_VALUE', `plugin name ${quote(plugin.name)} is not a plugin`);
    return undefined;
  }
  let size = 0;
  for (const [k, v] of plugin.opts) {
    size += k.length + v.length + 2;
    if (hasControlChar(k) || hasControlChar(v)) {
      sink.error('INVALID_VALUE', 'plugin options contain control characters');
      return undefined;
    }
  }
  if (size > BOUNDS.pluginOpts) {
    sink.error('FIELD_TOO_LONG', 'plugin options too long');
    return undefined;
  }
  if (name === 'obfs-local') {
    const mode = plugin.opts.find(([k]) => k === 'obfs')?.[1];
    if (mode !== undefined && mode !== 'http' && mode !== 'tls') {
      sink.error('INVALID_VALUE', `obfs mode ${quote(mode)} is neither http nor tls`);
      return undefined;
    }
  }
  return name === plugin.name ? plugin : { name, opts: plugin.opts };
}

function checkShadowsocks(
  config: ShadowsocksConfig,
  base: Base,
  sink: DiagnosticSink,
): ShadowsocksConfig | undefined {
  const raw = trimLower(config.method);
  let method = raw;
  const alias = SS_CIPHER_ALIASES.get(raw);
  if (alias !== undefined) {
    method = alias;
    sink.warn('REPAIRED_VALUE', `cipher ${quote(raw)} read as ${quote(alias)}`);
  }
  if (!SS_CIPHERS.has(method)) {
    sink.error('INVALID_CIPHER', `unknown Shadowsocks cipher ${quote(config.method)}`);
    return undefined;
  }
  if (method === 'plain') method = 'none';
  if (!credential(config.password, sink, 'password', method !== 'none')) return undefined;
  const keyBytes = SS2022_KEY_BYTES.get(method);
  if (keyBytes !== undefined) {
    // iPSK:uPSK (2022 multi-user): every key base64; a wrong length is reported, not fatal,
    // because real publishers ship such nodes (vector V34) and the identity must survive.
    const wrong: number[] = [];
    for (const key of config.password.split(':')) {
      const n = base64ByteLength(key);
      if (n < 0) {
        sink.error('INVALID_KEY', `${method} key is not base64`);
        return undefined;
      }
      if (n !== keyBytes) wrong.push(n);
    }
    if (wrong.length > 0)
      sink.warn('INVALID_KEY', `${method} expects ${keyBytes}-byte keys, found ${wrong.join(', ')}`);
  }
  const out: Mutable<ShadowsocksConfig> = {
    ...config,
    name: base.name,
    server: base.server,
    port: base.port,
    method,
  };
  if (config.plugin !== undefined) {
    const plugin = checkPlugin(config.plugin, sink);
    if (plugin === undefined) return undefined;
    out.plugin = plugin;
  }
  if (config.udpOverTcp !== true) drop(out, 'udpOverTcp');
  return out;
}

function checkShadowsocksR(
  config: ShadowsocksRConfig,
  base: Base,
  sink: DiagnosticSink,
): ShadowsocksRConfig | undefined {
  const method = config.method.trim().toLowerCase();
  if (!SSR_CIPHERS.has(method)) {
    sink.error('INVALID_CIPHER', `unknown ShadowsocksR cipher ${quote(config.method)}`);
    return undefined;
  }
  const protocolName = config.protocolName.trim().toLowerCase();
  if (!SSR_PROTOCOLS.has(ssrBaseName(protocolName))) {
    sink.error('INVALID_VALUE', `unknown ShadowsocksR protocol ${quote(config.protocolName)}`);
    return undefined;
  }
  const obfs = config.obfs.trim().toLowerCase();
  if (!SSR_OBFS.has(ssrBaseName(obfs))) {
    sink.error('INVALID_VALUE', `unknown ShadowsocksR obfs ${quote(config.obfs)}`);
    return undefined;
  }
  if (!credential(config.password, sink, 'password', method !== 'none')) return undefined;
  const out: Mutable<ShadowsocksRConfig> = {
    ...config,
    name: base.name,
    server: base.server,
    port: base.port,
    method,
    protocolName,
    obfs,
  };
  for (const key of ['protocolParam', 'obfsParam'] as const) {
    const v = out[key];
    if (v === undefined) continue;
    if (v === '') drop(out, key);
    else if (!credential(v, sink, key, false)) return undefined;
  }
  return out;
}

/**
 * Hop ports besides the main port. A single-port entry equal to the main port adds nothing
 * to the hop set (links write `:443,20000-20100`, sing-box `443:443`), so it is dropped:
 * one canonical form whatever the source spelled.
 */
function checkPorts(
  ports: readonly PortRange[] | undefined,
  main: number,
  sink: DiagnosticSink,
): PortRange[] | undefined | false {
  if (ports === undefined || ports.length === 0) return undefined;
  if (ports.length > 64) {
    sink.error('FIELD_TOO_LONG', 'more than 64 port ranges');
    return false;
  }
  const out: PortRange[] = [];
  for (const r of ports) {
    if (!Number.isInteger(r.from) || !Number.isInteger(r.to) || r.from < 1 || r.to > 65535 || r.from > r.to) {
      sink.error('INVALID_PORT', `port range ${String(r.from)}-${String(r.to)} is invalid`);
      return false;
    }
    if (r.from === main && r.to === main) continue;
    out.push(r);
  }
  return out.length === 0 ? undefined : out;
}

function bandwidth(value: number | undefined, sink: DiagnosticSink, what: string): number | undefined {
  if (value === undefined) return undefined;
  if (Number.isFinite(value) && value > 0 && value <= 1_000_000) return value;
  if (value !== 0) sink.warn('DROPPED_FIELD', `${what} bandwidth ${String(value)} dropped`);
  return undefined;
}

function checkHysteria(config: HysteriaConfig, base: Base, sink: DiagnosticSink): HysteriaConfig | undefined {
  const out: Mutable<HysteriaConfig> = { ...config, name: base.name, server: base.server, port: base.port };
  if (config.authStr !== undefined) {
    if (config.authStr === '') drop(out, 'authStr');
    else if (!credential(config.authStr, sink, 'auth', false)) return undefined;
  }
  if (config.obfs !== undefined) {
    if (config.obfs === '') drop(out, 'obfs');
    else if (!credential(config.obfs, sink, 'obfs password', false)) return undefined;
  }
  const ports = checkPorts(config.ports, config.port, sink);
  if (ports === false) return undefined;
  if (ports === undefined) drop(out, 'ports');
  else out.ports = ports;
  const up = bandwidth(config.upMbps, sink, 'upload');
  const down = bandwidth(config.downMbps, sink, 'download');
  if (up === undefined) drop(out, 'upMbps');
  if (down === undefined) drop(out, 'downMbps');
  if (config.transportProtocol !== undefined) {
    const p = config.transportProtocol.trim().toLowerCase();
    if (p === '' || p === 'udp') drop(out, 'transportProtocol');
    else if (p === 'wechat-video' || p === 'faketcp') out.transportProtocol = p;
    else {
      sink.error('INVALID_VALUE', `unknown hysteria protocol ${quote(config.transportProtocol)}`);
      return undefined;
    }
  }
  const tls = checkTls({ ...config.tls, enabled: true }, sink);
  if (tls === undefined) return undefined;
  out.tls = tls;
  return out;
}

function checkHysteria2(
  config: Hysteria2Config,
  base: Base,
  sink: DiagnosticSink,
): Hysteria2Config | undefined {
  if (!credential(config.password, sink, 'password', false)) return undefined;
  const out: Mutable<Hysteria2Config> = { ...config, name: base.name, server: base.server, port: base.port };
  const ports = checkPorts(config.ports, config.port, sink);
  if (ports === false) return undefined;
  if (ports === undefined) drop(out, 'ports');
  else out.ports = ports;
  if (config.hopInterval !== undefined) {
    if (!Number.isInteger(config.hopInterval) || config.hopInterval <= 0 || config.hopInterval > 86400) {
      sink.warn('DROPPED_FIELD', `hop interval ${String(config.hopInterval)} dropped`);
      drop(out, 'hopInterval');
    }
  }
  const up = bandwidth(config.upMbps, sink, 'upload');
  const down = bandwidth(config.downMbps, sink, 'download');
  if (up === undefined) drop(out, 'upMbps');
  if (down === undefined) drop(out, 'downMbps');
  if (config.obfs !== undefined) {
    const type = config.obfs.type.trim().toLowerCase();
    if (type === '' || type === 'none' || type === 'plain') {
      drop(out, 'obfs');
    } else if (type !== 'salamander' && type !== 'gecko') {
      sink.error('INVALID_VALUE', `unknown hysteria2 obfs ${quote(config.obfs.type)}`);
      return undefined;
    } else if (config.obfs.password === '') {
      sink.error('MISSING_FIELD', `${type} obfs without a password`);
      return undefined;
    } else if (!credential(config.obfs.password, sink, 'obfs password', true)) {
      return undefined;
    } else {
      out.obfs = { type, password: config.obfs.password };
    }
  }
  const tls = checkTls({ ...config.tls, enabled: true }, sink);
  if (tls === undefined) return undefined;
  out.tls = tls;
  return out;
}

const TUIC_CONGESTION: ReadonlySet<string> = new Set(['cubic', 'new_reno', 'bbr']);

function checkTuic(config: TuicConfig, base: Base, sink: DiagnosticSink): TuicConfig | undefined {
  const id = userId(config.uuid, sink, true);
  if (id === undefined) return undefined;
  if (!credential(config.password, sink, 'password', false)) return undefined;
  const out: Mutable<TuicConfig> = {
    ...config,
    name: base.name,
    server: base.server,
    port: base.port,
    uuid: id,
  };
  if (config.congestionControl !== undefined) {
    const cc = config.congestionControl.trim().toLowerCase().replace('-', '_');
    if (TUIC_CONGESTION.has(cc)) out.congestionControl = cc;
    else {
      if (cc !== '')
        sink.warn('DROPPED_FIELD', `unknown congestion control ${quote(config.congestionControl)} dropped`);
      drop(out, 'congestionControl');
    }
  }
  if (config.udpRelayMode !== undefined) {
    const m = config.udpRelayMode.trim().toLowerCase();
    if (m === 'native' || m === 'quic') out.udpRelayMode = m;
    else {
      if (m !== '')
        sink.warn('DROPPED_FIELD', `unknown UDP relay mode ${quote(config.udpRelayMode)} dropped`);
      drop(out, 'udpRelayMode');
    }
  }
  if (config.zeroRtt !== true) drop(out, 'zeroRtt');
  const tls = checkTls({ ...config.tls, enabled: true }, sink);
  if (tls === undefined) return undefined;
  out.tls = tls;
  return out;
}

function wgKey(
  raw: string | undefined,
  sink: DiagnosticSink,
  what: string,
  required: boolean,
): string | undefined | false {
  if (raw === undefined || raw.trim() === '') {
    if (required) {
      sink.error('MISSING_FIELD', `WireGuard ${what} is missing`);
      return false;
    }
    return undefined;
  }
  const key = raw.trim();
  if (base64ByteLength(key) !== 32) {
    sink.error('INVALID_KEY', `WireGuard ${what} is not 32 bytes of base64`);
    return false;
  }
  if (key.length === 44 && !/[-_]/.test(key)) return key;
  sink.warn('REPAIRED_VALUE', `WireGuard ${what} re-encoded as padded standard base64`);
  return toStandardBase64(key) ?? key;
}

/** Interface address as CIDR; a bare address gets /32 or /128. */
export function normaliseCidr(raw: string): string | undefined {
  const text = raw.trim();
  const slash = text.indexOf('/');
  const addr = slash === -1 ? text : text.slice(0, slash);
  const bitsText = slash === -1 ? undefined : text.slice(slash + 1);
  let max: number;
  let host: string;
  if (parseIpv4(addr) >= 0) {
    max = 32;
    host = addr;
  } else {
    const bare = addr.startsWith('[') && addr.endsWith(']') ? addr.slice(1, -1) : addr;
    if (parseIpv6(bare) === undefined) return undefined;
    max = 128;
    host = bare.toLowerCase();
  }
  if (bitsText === undefined) return `${host}/${max}`;
  if (!/^[0-9]{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  return bits > max ? undefined : `${host}/${bits}`;
}

function checkWireguard(
  config: WireguardConfig,
  base: Base,
  sink: DiagnosticSink,
): WireguardConfig | undefined {
  const privateKey = wgKey(config.privateKey, sink, 'private key', true);
  const peerPublicKey = wgKey(config.peerPublicKey, sink, 'peer public key', true);
  const psk = wgKey(config.preSharedKey, sink, 'pre-shared key', false);
  if (privateKey === false || peerPublicKey === false || psk === false) return undefined;
  if (privateKey === undefined || peerPublicKey === undefined) return undefined;
  const addresses: string[] = [];
  for (const a of config.addresses) {
    const cidr = normaliseCidr(a);
    if (cidr === undefined) sink.warn('DROPPED_FIELD', `interface address ${quote(a)} dropped`);
    else if (!addresses.includes(cidr)) addresses.push(cidr);
  }
  if (addresses.length === 0) {
    sink.error('MISSING_FIELD', 'WireGuard interface address is missing');
    return undefined;
  }
  const out: Mutable<WireguardConfig> = {
    ...config,
    name: base.name,
    server: base.server,
    port: base.port,
    privateKey,
    peerPublicKey,
    addresses,
  };
  if (psk === undefined) drop(out, 'preSharedKey');
  else out.preSharedKey = psk;
  if (config.reserved !== undefined) {
    if (!config.reserved.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
      sink.warn('DROPPED_FIELD', 'reserved bytes outside 0-255 dropped');
      drop(out, 'reserved');
    } else if (config.reserved.every((b) => b === 0)) {
      drop(out, 'reserved');
    }
  }
  if (config.mtu !== undefined && (!Number.isInteger(config.mtu) || config.mtu < 576 || config.mtu > 65535)) {
    sink.warn('DROPPED_FIELD', `MTU ${String(config.mtu)} dropped`);
    drop(out, 'mtu');
  }
  if (config.keepalive !== undefined) {
    if (!Number.isInteger(config.keepalive) || config.keepalive < 0 || config.keepalive > 65535) {
      sink.warn('DROPPED_FIELD', `keepalive ${String(config.keepalive)} dropped`);
      drop(out, 'keepalive');
    } else if (config.keepalive === 0) {
      drop(out, 'keepalive');
    }
  }
  return out;
}
