/**
 * The V2Ray-family transport layer (vmess, vless, trojan). `tcp` is the plain default.
 * `http` is TCP with HTTP/1.1 header camouflage (URI `type=tcp&headerType=http`);
 * `h2` is HTTP/2 (URI `type=http` / `h2`).
 */
export const TRANSPORT_TYPES = {
  tcp: 'tcp',
  http: 'http',
  ws: 'ws',
  httpupgrade: 'httpupgrade',
  h2: 'h2',
  grpc: 'grpc',
  xhttp: 'xhttp',
  kcp: 'kcp',
  quic: 'quic',
} as const;
export type TransportType = (typeof TRANSPORT_TYPES)[keyof typeof TRANSPORT_TYPES];

export interface TcpTransport {
  readonly type: 'tcp';
}
export interface HttpCamouflageTransport {
  readonly type: 'http';
  readonly host: readonly string[];
  readonly path: string;
  readonly method?: string;
}
export interface WebSocketTransport {
  readonly type: 'ws';
  readonly host?: string;
  /** Path without the `?ed=N` early-data marker (that lives in maxEarlyData). */
  readonly path: string;
  readonly maxEarlyData?: number;
  readonly earlyDataHeaderName?: string;
}
export interface HttpUpgradeTransport {
  readonly type: 'httpupgrade';
  readonly host?: string;
  readonly path: string;
  readonly maxEarlyData?: number;
}
export interface H2Transport {
  readonly type: 'h2';
  readonly host: readonly string[];
  readonly path: string;
}
export interface GrpcTransport {
  readonly type: 'grpc';
  readonly serviceName: string;
  readonly mode?: 'gun' | 'multi';
  readonly authority?: string;
}
export interface XhttpTransport {
  readonly type: 'xhttp';
  readonly host?: string;
  readonly path: string;
  readonly mode?: string;
  /** The raw `extra` JSON text, kept verbatim (validated as JSON when present). */
  readonly extra?: string;
}
export interface KcpTransport {
  readonly type: 'kcp';
  readonly headerType?: string;
  readonly seed?: string;
}
export interface QuicTransport {
  readonly type: 'quic';
  readonly security?: string;
  readonly key?: string;
  readonly headerType?: string;
}

export type Transport =
  | TcpTransport
  | HttpCamouflageTransport
  | WebSocketTransport
  | HttpUpgradeTransport
  | H2Transport
  | GrpcTransport
  | XhttpTransport
  | KcpTransport
  | QuicTransport;
