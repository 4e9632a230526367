import type { TlsSettings } from './tls.ts';
import type { Transport } from './transport.ts';

/** An inclusive port range; a single port is `{ from: p, to: p }`. */
export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** Fields every config has. `server` is a bare host: no IPv6 brackets, lower-cased domain. */
interface Endpoint {
  /** Display name after cleaning; never part of identity. May be empty. */
  readonly name: string;
  readonly server: string;
  readonly port: number;
}

export interface VmessConfig extends Endpoint {
  readonly protocol: 'vmess';
  readonly uuid: string;
  readonly alterId: number;
  /** `scy` / `cipher` / `security`: auto, aes-128-gcm, chacha20-poly1305, none, zero. */
  readonly cipher: string;
  readonly tls: TlsSettings;
  readonly transport: Transport;
  readonly packetEncoding?: string;
}

export interface VlessConfig extends Endpoint {
  readonly protocol: 'vless';
  readonly uuid: string;
  /** e.g. `xtls-rprx-vision`; absent when none. */
  readonly flow?: string;
  /** `none` unless the link carries a VLESS encryption (mlkem...). */
  readonly encryption: string;
  readonly tls: TlsSettings;
  readonly transport: Transport;
  readonly packetEncoding?: string;
}

export interface TrojanConfig extends Endpoint {
  readonly protocol: 'trojan';
  readonly password: string;
  readonly tls: TlsSettings;
  readonly transport: Transport;
}

export interface ShadowsocksPlugin {
  /** Normalised plugin name: `obfs-local`, `v2ray-plugin`, `shadow-tls`, ... */
  readonly name: string;
  /** Plugin options in SIP003 order, e.g. [['obfs','http'],['obfs-host','x']]; a bare flag has value ''. */
  readonly opts: readonly (readonly [string, string])[];
}

export interface ShadowsocksConfig extends Endpoint {
  readonly protocol: 'shadowsocks';
  readonly method: string;
  /** For 2022 multi-user keys this is `iPSK:uPSK` as published. */
  readonly password: string;
  readonly plugin?: ShadowsocksPlugin;
  readonly udpOverTcp?: boolean;
}

export interface ShadowsocksRConfig extends Endpoint {
  readonly protocol: 'shadowsocksr';
  readonly method: string;
  readonly password: string;
  readonly protocolName: string;
  readonly protocolParam?: string;
  readonly obfs: string;
  readonly obfsParam?: string;
}

export interface HysteriaConfig extends Endpoint {
  readonly protocol: 'hysteria';
  readonly authStr?: string;
  /** Extra ports for port hopping, besides `port`. */
  readonly ports?: readonly PortRange[];
  readonly upMbps?: number;
  readonly downMbps?: number;
  /** obfs password (v1 "xplus"). */
  readonly obfs?: string;
  /** udp (default), wechat-video, faketcp. */
  readonly transportProtocol?: string;
  readonly tls: TlsSettings;
}

export interface Hysteria2Config extends Endpoint {
  readonly protocol: 'hysteria2';
  readonly password: string;
  readonly ports?: readonly PortRange[];
  /** Hop interval in seconds. */
  readonly hopInterval?: number;
  readonly upMbps?: number;
  readonly downMbps?: number;
  readonly obfs?: { readonly type: string; readonly password: string };
  readonly tls: TlsSettings;
}

export interface TuicConfig extends Endpoint {
  readonly protocol: 'tuic';
  readonly uuid: string;
  readonly password: string;
  readonly congestionControl?: string;
  readonly udpRelayMode?: string;
  readonly zeroRtt?: boolean;
  readonly tls: TlsSettings;
}

export interface WireguardConfig extends Endpoint {
  readonly protocol: 'wireguard';
  readonly privateKey: string;
  readonly peerPublicKey: string;
  readonly preSharedKey?: string;
  /** Interface addresses as CIDRs (v4 and/or v6). */
  readonly addresses: readonly string[];
  readonly reserved?: readonly [number, number, number];
  readonly mtu?: number;
  readonly keepalive?: number;
}

export interface SocksConfig extends Endpoint {
  readonly protocol: 'socks';
  readonly version: '4' | '4a' | '5';
  readonly username?: string;
  readonly password?: string;
  readonly tls?: TlsSettings;
}

export interface HttpProxyConfig extends Endpoint {
  readonly protocol: 'http';
  readonly username?: string;
  readonly password?: string;
  readonly tls: TlsSettings;
}

export interface AnyTlsConfig extends Endpoint {
  readonly protocol: 'anytls';
  readonly password: string;
  readonly tls: TlsSettings;
}

export interface NaiveConfig extends Endpoint {
  readonly protocol: 'naive';
  readonly username: string;
  readonly password: string;
  readonly quic: boolean;
  readonly tls: TlsSettings;
}

/** The canonical, validated config every parser produces and every emitter consumes. */
export type ProxyConfig =
  | VmessConfig
  | VlessConfig
  | TrojanConfig
  | ShadowsocksConfig
  | ShadowsocksRConfig
  | HysteriaConfig
  | Hysteria2Config
  | TuicConfig
  | WireguardConfig
  | SocksConfig
  | HttpProxyConfig
  | AnyTlsConfig
  | NaiveConfig;

export type ConfigOf<P extends ProxyConfig['protocol']> = Extract<ProxyConfig, { protocol: P }>;
