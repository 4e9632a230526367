import type {
  HttpProxyConfig,
  ProxyConfig,
  ShadowsocksConfig,
  SocksConfig,
  TrojanConfig,
  VlessConfig,
  VmessConfig,
  WireguardConfig,
} from '../model/config.ts';
import type { TlsSettings } from '../model/tls.ts';
import type { Transport } from '../model/transport.ts';
import { leftOut } from './emit-each.ts';
import type { EmitOptions, EmitResult, Incompatibility, Rejection } from './emit-result.ts';
import { INCOMPATIBILITY_CODES as C, reject } from './emit-result.ts';
import { createLineSink } from './line-sink.ts';
import { ss2022KeyProblem } from './ss2022.ts';
import { vlessEncryptionProblem } from './vless-encryption.ts';
import { createNameAllocator, displayName } from './unique-names.ts';

/**
 * Xray-core JSON: `{"outbounds": [...]}` with `settings` and `streamSettings` per outbound,
 * for current Xray-core (v25+). Left out, each with a code: protocols Xray has no outbound
 * for (shadowsocksr, hysteria v1, hysteria2, tuic, anytls, naive), socks4/4a, Shadowsocks
 * plugins and ciphers outside Xray's AEAD/2022 list, the h2 and QUIC transports (removed from
 * Xray-core in v24.9), certificate SHA-256 pins, REALITY with ECH, a UDP packet encoding other
 * than XUDP or plain (packetaddr). xhttp `extra` is passed through as JSON. Not written because Xray's REALITY client
 * has no such settings (its uTLS fingerprint decides the ALPN, the REALITY key replaces
 * certificate checks): ALPN and insecure next to REALITY.
 */
export function emitXray(configs: readonly ProxyConfig[], options: EmitOptions = {}): EmitResult {
  const accepted: { outbound: JsonObject; name: string }[] = [];
  const incompatible: Incompatibility[] = [];
  for (let i = 0; i < configs.length; i++) {
    const config = configs[i] as ProxyConfig;
    const outbound = xrayOutbound(config);
    if ('code' in outbound) incompatible.push(leftOut(config, i, outbound as Rejection, options));
    else accepted.push({ outbound, name: displayName(config) });
  }
  const names = createNameAllocator(
    [],
    accepted.map((a) => a.name),
  );
  const outbounds = createLineSink(',\n    ');
  for (const { outbound, name } of accepted)
    outbounds.push(JSON.stringify({ tag: names.take(name), ...outbound }));
  const body = outbounds.count === 0 ? '[]' : `[\n    ${outbounds.join()}\n  ]`;
  return { output: `{\n  "outbounds": ${body}\n}\n`, emitted: outbounds.count, incompatible };
}

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json | undefined };
type JsonObject = { [key: string]: Json | undefined };

const SS_METHODS: Record<string, string> = {
  'aes-128-gcm': 'aes-128-gcm',
  'aes-256-gcm': 'aes-256-gcm',
  'chacha20-poly1305': 'chacha20-poly1305',
  'chacha20-ietf-poly1305': 'chacha20-poly1305',
  'xchacha20-poly1305': 'xchacha20-poly1305',
  'xchacha20-ietf-poly1305': 'xchacha20-poly1305',
  none: 'none',
  plain: 'none',
  '2022-blake3-aes-128-gcm': '2022-blake3-aes-128-gcm',
  '2022-blake3-aes-256-gcm': '2022-blake3-aes-256-gcm',
  '2022-blake3-chacha20-poly1305': '2022-blake3-chacha20-poly1305',
};

function xrayOutbound(config: ProxyConfig): JsonObject | Rejection {
  switch (config.protocol) {
    case 'vmess':
      return vmess(config);
    case 'vless':
      return vless(config);
    case 'trojan':
      return trojan(config);
    case 'shadowsocks':
      return shadowsocks(config);
    case 'socks':
      return socks(config);
    case 'http':
      return http(config);
    case 'wireguard':
      return wireguard(config);
    case 'shadowsocksr':
    case 'hysteria':
    case 'hysteria2':
    case 'tuic':
    case 'anytls':
    case 'naive':
      return reject(C.unsupportedProtocol, `Xray-core has no ${config.protocol} outbound`);
  }
}

/**
 * Xray relays VMess/VLESS UDP as XUDP on its own (no per-outbound switch), which every VLESS
 * server that takes plain VLESS UDP also takes, so `xudp` and `none` (a common panel default)
 * are written as given on the user (Xray ignores the key, readers keep it). `packetaddr` is a
 * different wire encoding Xray cannot produce.
 */
function packetEncodingProblem(value: string | undefined): Rejection | undefined {
  if (value !== 'packetaddr') return undefined;
  return reject(C.unsupportedOption, 'Xray-core relays UDP as XUDP and cannot speak packetaddr');
}

function vmess(c: VmessConfig): JsonObject | Rejection {
  const encodingProblem = packetEncodingProblem(c.packetEncoding);
  if (encodingProblem !== undefined) return encodingProblem;
  const stream = streamSettings(c.transport, c.tls);
  if ('code' in stream) return stream;
  const user: JsonObject = {
    id: c.uuid,
    alterId: c.alterId,
    security: c.cipher,
    packetEncoding: c.packetEncoding,
  };
  return {
    protocol: 'vmess',
    settings: { vnext: [{ address: c.server, port: c.port, users: [user] }] },
    streamSettings: stream,
  };
}

function vless(c: VlessConfig): JsonObject | Rejection {
  const encryptionProblem = vlessEncryptionProblem(c.encryption);
  if (encryptionProblem !== undefined) return reject(C.invalidKey, encryptionProblem);
  const encodingProblem = packetEncodingProblem(c.packetEncoding);
  if (encodingProblem !== undefined) return encodingProblem;
  const stream = streamSettings(c.transport, c.tls);
  if ('code' in stream) return stream;
  const user: JsonObject = {
    id: c.uuid,
    encryption: c.encryption === '' ? 'none' : c.encryption,
    packetEncoding: c.packetEncoding,
  };
  if (c.flow !== undefined && c.flow !== '') user['flow'] = c.flow;
  return {
    protocol: 'vless',
    settings: { vnext: [{ address: c.server, port: c.port, users: [user] }] },
    streamSettings: stream,
  };
}

function trojan(c: TrojanConfig): JsonObject | Rejection {
  const stream = streamSettings(c.transport, c.tls);
  if ('code' in stream) return stream;
  return {
    protocol: 'trojan',
    settings: { servers: [{ address: c.server, port: c.port, password: c.password }] },
    streamSettings: stream,
  };
}

function shadowsocks(c: ShadowsocksConfig): JsonObject | Rejection {
  if (c.plugin !== undefined)
    return reject(C.unsupportedPlugin, `Xray-core runs no SIP003 plugins (${c.plugin.name})`);
  const method = SS_METHODS[c.method];
  if (method === undefined)
    return reject(C.unsupportedCipher, `Xray-core has no shadowsocks method ${c.method}`);
  const keyProblem = ss2022KeyProblem(method, c.password);
  if (keyProblem !== undefined) return reject(C.invalidKey, keyProblem);
  const server: JsonObject = { address: c.server, port: c.port, method, password: c.password };
  if (c.udpOverTcp === true) server['uot'] = true;
  return { protocol: 'shadowsocks', settings: { servers: [server] } };
}

function users(username: string | undefined, password: string | undefined): Json[] | undefined {
  if ((username ?? '') === '' && (password ?? '') === '') return undefined;
  return [{ user: username ?? '', pass: password ?? '' }];
}

function socks(c: SocksConfig): JsonObject | Rejection {
  if (c.version !== '5')
    return reject(
      C.unsupportedOption,
      `Xray-core's socks outbound speaks SOCKS5 only, not SOCKS${c.version}`,
    );
  const out: JsonObject = {
    protocol: 'socks',
    settings: { servers: [{ address: c.server, port: c.port, users: users(c.username, c.password) }] },
  };
  if (c.tls?.enabled === true) {
    const stream = streamSettings({ type: 'tcp' }, c.tls);
    if ('code' in stream) return stream;
    out['streamSettings'] = stream;
  }
  return out;
}

function http(c: HttpProxyConfig): JsonObject | Rejection {
  const out: JsonObject = {
    protocol: 'http',
    settings: { servers: [{ address: c.server, port: c.port, users: users(c.username, c.password) }] },
  };
  if (c.tls.enabled) {
    const stream = streamSettings({ type: 'tcp' }, c.tls);
    if ('code' in stream) return stream;
    out['streamSettings'] = stream;
  }
  return out;
}

function wireguard(c: WireguardConfig): JsonObject {
  const peer: JsonObject = {
    publicKey: c.peerPublicKey,
    preSharedKey: c.preSharedKey,
    endpoint: c.server.includes(':') ? `[${c.server}]:${c.port}` : `${c.server}:${c.port}`,
    keepAlive: c.keepalive,
    allowedIPs: ['0.0.0.0/0', '::/0'],
  };
  return {
    protocol: 'wireguard',
    settings: {
      secretKey: c.privateKey,
      address: [...c.addresses],
      peers: [peer],
      mtu: c.mtu,
      reserved: c.reserved === undefined ? undefined : [...c.reserved],
    },
  };
}

function streamSettings(t: Transport, tls: TlsSettings): JsonObject | Rejection {
  const stream: JsonObject = {};
  const transportProblem = transport(t, stream);
  if (transportProblem !== undefined) return transportProblem;
  if (!tls.enabled) {
    stream['security'] = 'none';
    return stream;
  }
  if (tls.certSha256 !== undefined && tls.certSha256 !== '') {
    return reject(C.unsupportedSecurity, 'Xray-core pins certificate chains, not a leaf certificate SHA-256');
  }
  if (tls.reality !== undefined) {
    // REALITY makes its own ClientHello: ALPN comes from the uTLS fingerprint and verification
    // from the REALITY key, so alpn/insecure do not apply; ECH cannot be combined with it.
    if (tls.echConfig !== undefined && tls.echConfig !== '')
      return reject(C.unsupportedSecurity, 'REALITY cannot be combined with ECH');
    stream['security'] = 'reality';
    stream['realitySettings'] = {
      serverName: tls.serverName,
      // Xray needs a uTLS hello for REALITY; chrome when the source named none (as mihomo does).
      fingerprint: tls.fingerprint ?? 'chrome',
      publicKey: tls.reality.publicKey,
      shortId: tls.reality.shortId,
      spiderX: tls.reality.spiderX,
    };
    return stream;
  }
  stream['security'] = 'tls';
  stream['tlsSettings'] = {
    serverName: tls.serverName,
    alpn: tls.alpn !== undefined && tls.alpn.length > 0 ? [...tls.alpn] : undefined,
    allowInsecure: tls.insecure === true ? true : undefined,
    fingerprint: tls.fingerprint,
    echConfigList: tls.echConfig,
  };
  return stream;
}

function pathWithEarlyData(path: string, maxEarlyData: number | undefined): string {
  if (maxEarlyData === undefined || maxEarlyData <= 0) return path;
  return `${path}${path.includes('?') ? '&' : '?'}ed=${maxEarlyData}`;
}

function transport(t: Transport, stream: JsonObject): Rejection | undefined {
  switch (t.type) {
    case 'tcp':
      stream['network'] = 'tcp';
      return undefined;
    case 'http': {
      stream['network'] = 'tcp';
      const request: JsonObject = { method: t.method, path: [t.path === '' ? '/' : t.path] };
      if (t.host.length > 0) request['headers'] = { Host: [...t.host] };
      stream['tcpSettings'] = { header: { type: 'http', request } };
      return undefined;
    }
    case 'ws': {
      if (
        t.maxEarlyData !== undefined &&
        t.earlyDataHeaderName !== undefined &&
        t.earlyDataHeaderName !== 'Sec-WebSocket-Protocol'
      ) {
        return reject(
          C.unsupportedTransport,
          `Xray sends WebSocket early data only in Sec-WebSocket-Protocol, not ${t.earlyDataHeaderName}`,
        );
      }
      stream['network'] = 'ws';
      const ws: JsonObject = { path: pathWithEarlyData(t.path, t.maxEarlyData) };
      if (t.host !== undefined && t.host !== '') ws['headers'] = { Host: t.host };
      stream['wsSettings'] = ws;
      return undefined;
    }
    case 'httpupgrade':
      stream['network'] = 'httpupgrade';
      stream['httpupgradeSettings'] = { path: pathWithEarlyData(t.path, t.maxEarlyData), host: t.host };
      return undefined;
    case 'grpc':
      stream['network'] = 'grpc';
      stream['grpcSettings'] = {
        serviceName: t.serviceName,
        multiMode: t.mode === 'multi' ? true : undefined,
        authority: t.authority,
      };
      return undefined;
    case 'xhttp': {
      let extra: Json | undefined;
      if (t.extra !== undefined && t.extra !== '') {
        try {
          extra = JSON.parse(t.extra) as Json;
        } catch {
          return reject(C.unrepresentableValue, 'xhttp extra is not JSON');
        }
      }
      stream['network'] = 'xhttp';
      stream['xhttpSettings'] = { host: t.host, path: t.path, mode: t.mode, extra: extra ?? undefined };
      return undefined;
    }
    case 'kcp':
      stream['network'] = 'kcp';
      stream['kcpSettings'] = {
        header: t.headerType === undefined ? undefined : { type: t.headerType },
        seed: t.seed,
      };
      return undefined;
    case 'h2':
      return reject(C.unsupportedTransport, 'Xray-core removed the HTTP/2 transport in v24.9 (use xhttp)');
    case 'quic':
      return reject(C.unsupportedTransport, 'Xray-core removed the QUIC transport in v24.9');
  }
}
