import type { ProxyConfig } from '../model/config.ts';
import { hostTarget } from '../fetching/address-guard.ts';

/** The TLS handshake the cheap stage performs, as the config's client would start it. */
export interface TlsPlan {
  /** SNI; undefined when the config disables it or names the server by IP without one. */
  readonly servername: string | undefined;
  readonly alpn: readonly string[];
  /**
   * Verify the certificate against the trust store and the SNI, as the client would. Off when the
   * config says `insecure`, and for REALITY: its server relays the handshake of a camouflage site,
   * and the client authenticates it by the REALITY key, not by the certificate.
   */
  readonly verify: boolean;
}

/** What the cheap stage can check before the real core runs. */
export interface CheapPlan {
  readonly host: string;
  readonly port: number;
  /**
   * `tcp`: connect (and TLS where the config uses it). `quic`: QUIC-based protocols (hysteria2,
   * tuic, hysteria, naive over QUIC, the V2Ray QUIC transport) get a Version Negotiation probe
   * (quic-version-probe.ts), which any QUIC server answers before it knows the client. `udp`:
   * nothing cheap proves the server is there (WireGuard and mKCP drop what they cannot
   * authenticate, obfuscated hysteria drops what it cannot unmask), so only resolution runs and
   * the core stage is the real check.
   */
  readonly network: 'tcp' | 'quic' | 'udp';
  /** null when the config does not use TLS over TCP. */
  readonly tls: TlsPlan | null;
}

export function cheapPlan(config: ProxyConfig): CheapPlan {
  const base = { host: config.server, port: config.port };
  switch (config.protocol) {
    case 'hysteria':
      // v1 also runs over faketcp / wechat-video, which are not QUIC on the wire.
      return {
        ...base,
        network: hasObfs(config.obfs) || (config.transportProtocol ?? 'udp') !== 'udp' ? 'udp' : 'quic',
        tls: null,
      };
    case 'hysteria2':
      // Salamander obfuscation scrambles every datagram: a plain QUIC packet is dropped unanswered.
      return { ...base, network: hasObfs(config.obfs?.type) ? 'udp' : 'quic', tls: null };
    case 'tuic':
      return { ...base, network: 'quic', tls: null };
    case 'wireguard':
      return { ...base, network: 'udp', tls: null };
    case 'naive':
      return config.quic
        ? { ...base, network: 'quic', tls: null }
        : { ...base, network: 'tcp', tls: tlsPlan(config.server, config.tls) };
    case 'anytls':
      return { ...base, network: 'tcp', tls: tlsPlan(config.server, config.tls) };
    case 'vmess':
    case 'vless':
    case 'trojan':
      if (config.transport.type === 'quic') return { ...base, network: 'quic', tls: null };
      if (config.transport.type === 'kcp') return { ...base, network: 'udp', tls: null };
      return { ...base, network: 'tcp', tls: config.tls.enabled ? tlsPlan(config.server, config.tls) : null };
    case 'http':
      return { ...base, network: 'tcp', tls: config.tls.enabled ? tlsPlan(config.server, config.tls) : null };
    case 'socks':
      return {
        ...base,
        network: 'tcp',
        tls: config.tls?.enabled === true ? tlsPlan(config.server, config.tls) : null,
      };
    case 'shadowsocks':
    case 'shadowsocksr':
      // Plugins (obfs, v2ray-plugin, shadow-tls) speak their own handshakes: TCP is what is sure.
      return { ...base, network: 'tcp', tls: null };
  }
}

function hasObfs(obfs: string | undefined): boolean {
  return obfs !== undefined && obfs !== '' && obfs !== 'none' && obfs !== 'plain';
}

function tlsPlan(
  server: string,
  tls: {
    readonly serverName?: string;
    readonly alpn?: readonly string[];
    readonly insecure?: boolean;
    readonly reality?: unknown;
    readonly disableSni?: boolean;
  },
): TlsPlan {
  const named = tls.serverName !== undefined && tls.serverName !== '' ? tls.serverName : undefined;
  const fallback = hostTarget(server).kind === 'name' ? server : undefined;
  return {
    servername: tls.disableSni === true ? undefined : (named ?? fallback),
    alpn: tls.alpn ?? [],
    verify: tls.insecure !== true && tls.reality === undefined,
  };
}
