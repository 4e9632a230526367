import type { ProbeFailure, ProbeOutcome } from './probe-result.ts';
import { PROBE_OUTCOMES as O } from './probe-result.ts';

/**
 * Stable codes of failed probes. Stored with every probe event and matched by scorers and
 * dashboards, so a code is never renamed; its outcome (the coarse class) comes from one table.
 * Codes name the cause, not the stage: CONNECTION_REFUSED at stage tcp (our own connect), at stage
 * udp (an ICMP port unreachable answering our QUIC probe) and at stage proxy (sing-box's dial)
 * mean the same thing.
 */
export const PROBE_ERROR_CODES = {
  /** The configs.current.v1 value holds no usable config. */
  configInvalid: 'CONFIG_INVALID',
  /** The address policy forbids probing the server (loopback, private, metadata...). */
  addressNotAllowed: 'ADDRESS_NOT_ALLOWED',
  dnsNotFound: 'DNS_NOT_FOUND',
  dnsTimeout: 'DNS_TIMEOUT',
  dnsFailed: 'DNS_FAILED',
  connectionRefused: 'CONNECTION_REFUSED',
  connectTimeout: 'CONNECT_TIMEOUT',
  hostUnreachable: 'HOST_UNREACHABLE',
  networkUnreachable: 'NETWORK_UNREACHABLE',
  connectionReset: 'CONNECTION_RESET',
  connectFailed: 'CONNECT_FAILED',
  /** No Version Negotiation from a QUIC server in time: nothing listens, or a firewall drops UDP. */
  quicNoResponse: 'QUIC_NO_RESPONSE',
  /** Datagrams came back from the server's UDP port, none of them QUIC. */
  quicNotQuic: 'QUIC_NOT_QUIC',
  tlsTimeout: 'TLS_TIMEOUT',
  /** The certificate does not cover the SNI: a wrong `sni` in the config, or the wrong server. */
  tlsCertNameMismatch: 'TLS_CERT_NAME_MISMATCH',
  tlsCertUntrusted: 'TLS_CERT_UNTRUSTED',
  tlsCertExpired: 'TLS_CERT_EXPIRED',
  /** The server answered the handshake with an alert (no common ALPN, version, cipher...). */
  tlsAlert: 'TLS_ALERT',
  /** The server closed the connection during the handshake. */
  tlsClosed: 'TLS_CLOSED',
  /** The server does not speak TLS on that port. */
  tlsNotTls: 'TLS_NOT_TLS',
  tlsFailed: 'TLS_FAILED',
  realityVerifyFailed: 'REALITY_VERIFY_FAILED',
  /** No answer from the test URL through the proxy in time: a stalling server, a black hole. */
  proxyTimeout: 'PROXY_TIMEOUT',
  /** The core says the server refused our credentials (hysteria2, naive, http/socks auth). */
  proxyAuthFailed: 'PROXY_AUTH_FAILED',
  /**
   * The server took the proxied connection and closed it before the target answered, with no
   * cause from the core. The signature of wrong credentials on protocols that authenticate
   * lazily (vmess, vless, trojan, shadowsocks, tuic): their servers just hang up.
   */
  proxyRejected: 'PROXY_REJECTED',
  /** Bytes that are not the target's came back through the tunnel (a fallback web page, a wrong protocol setting). */
  proxyGarbled: 'PROXY_GARBLED',
  proxyFailed: 'PROXY_FAILED',
  /** The target's certificate failed through the tunnel although it verifies directly: the proxy tampers with TLS. */
  targetCertInvalid: 'TARGET_CERT_INVALID',
  /** The test URL answered with an unexpected HTTP status. */
  httpStatus: 'HTTP_STATUS',
  /** sing-box refused to start with this outbound (a value it rejects that the emitter let through). */
  coreRejectedConfig: 'CORE_REJECTED_CONFIG',
  /** sing-box died (crash, memory or lifetime limit) while this config was in flight, on every attempt. */
  coreCrashed: 'CORE_CRASHED',
} as const;
export type ProbeErrorCode = (typeof PROBE_ERROR_CODES)[keyof typeof PROBE_ERROR_CODES];
const C = PROBE_ERROR_CODES;

export const CODE_OUTCOMES: Readonly<Record<ProbeErrorCode, Exclude<ProbeOutcome, 'ok'>>> = {
  CONFIG_INVALID: O.unsupported,
  ADDRESS_NOT_ALLOWED: O.unsupported,
  DNS_NOT_FOUND: O.dnsError,
  DNS_TIMEOUT: O.dnsError,
  DNS_FAILED: O.dnsError,
  CONNECTION_REFUSED: O.refused,
  CONNECT_TIMEOUT: O.timeout,
  HOST_UNREACHABLE: O.unreachable,
  NETWORK_UNREACHABLE: O.unreachable,
  CONNECTION_RESET: O.refused,
  CONNECT_FAILED: O.unreachable,
  QUIC_NO_RESPONSE: O.timeout,
  QUIC_NOT_QUIC: O.proxyError,
  TLS_TIMEOUT: O.timeout,
  TLS_CERT_NAME_MISMATCH: O.tlsError,
  TLS_CERT_UNTRUSTED: O.tlsError,
  TLS_CERT_EXPIRED: O.tlsError,
  TLS_ALERT: O.tlsError,
  TLS_CLOSED: O.tlsError,
  TLS_NOT_TLS: O.tlsError,
  TLS_FAILED: O.tlsError,
  REALITY_VERIFY_FAILED: O.tlsError,
  PROXY_TIMEOUT: O.timeout,
  PROXY_AUTH_FAILED: O.proxyError,
  PROXY_REJECTED: O.proxyError,
  PROXY_GARBLED: O.proxyError,
  PROXY_FAILED: O.proxyError,
  TARGET_CERT_INVALID: O.proxyError,
  HTTP_STATUS: O.httpError,
  CORE_REJECTED_CONFIG: O.unsupported,
  CORE_CRASHED: O.coreError,
};

export function failure(code: ProbeErrorCode, detail: string): ProbeFailure {
  return { outcome: CODE_OUTCOMES[code], code, detail };
}

/** A config the core cannot express (the emitter's incompatibility code, e.g. UNSUPPORTED_TRANSPORT). */
export function unsupported(code: string, detail: string): ProbeFailure {
  return { outcome: O.unsupported, code, detail };
}

/** A failed name lookup (dns.lookup's error code). */
export function dnsFailure(errno: string | undefined, detail: string): ProbeFailure {
  switch (errno) {
    case 'ENOTFOUND':
    case 'ENODATA':
    case 'EAI_NONAME':
      return failure(C.dnsNotFound, detail);
    case 'ETIMEOUT':
    case 'ETIMEDOUT':
    case 'EAI_AGAIN':
      return failure(C.dnsTimeout, detail);
    default:
      return failure(C.dnsFailed, detail);
  }
}

/** A failed TCP connect (the socket's errno, or TIMEOUT for our own deadline). */
export function connectFailure(errno: string | undefined, detail: string): ProbeFailure {
  switch (errno) {
    case 'ECONNREFUSED':
      return failure(C.connectionRefused, detail);
    case 'TIMEOUT':
    case 'ETIMEDOUT':
      return failure(C.connectTimeout, detail);
    case 'EHOSTUNREACH':
    case 'EHOSTDOWN':
      return failure(C.hostUnreachable, detail);
    case 'ENETUNREACH':
    case 'ENETDOWN':
      return failure(C.networkUnreachable, detail);
    case 'ECONNRESET':
    case 'EPIPE':
      return failure(C.connectionReset, detail);
    default:
      return failure(C.connectFailed, detail);
  }
}

/**
 * A failed QUIC version probe: TIMEOUT (our deadline) without any answer, NOT_QUIC when only
 * other datagrams came back, else the socket's errno (ECONNREFUSED from an ICMP port
 * unreachable on the connected socket) as for TCP.
 */
export function udpFailure(errno: string | undefined, detail: string): ProbeFailure {
  if (errno === 'TIMEOUT') return failure(C.quicNoResponse, detail);
  if (errno === 'NOT_QUIC') return failure(C.quicNotQuic, detail);
  return connectFailure(errno, detail);
}

const UNTRUSTED_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REJECTED',
  'CERT_REVOKED',
  'INVALID_CA',
]);
const EXPIRED_CERT_CODES = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
const NOT_TLS_CODES = new Set([
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'ERR_SSL_PACKET_LENGTH_TOO_LONG',
  'ERR_SSL_HTTP_REQUEST',
  'ERR_SSL_UNEXPECTED_MESSAGE',
  'ERR_SSL_RECORD_LAYER_FAILURE',
]);

export type CertificateProblem = 'name' | 'untrusted' | 'expired' | undefined;

/** Which certificate problem a Node TLS error code names, if any. */
export function certificateProblem(errno: string | undefined): CertificateProblem {
  if (errno === undefined) return undefined;
  if (errno === 'ERR_TLS_CERT_ALTNAME_INVALID') return 'name';
  if (UNTRUSTED_CERT_CODES.has(errno)) return 'untrusted';
  if (EXPIRED_CERT_CODES.has(errno)) return 'expired';
  return undefined;
}

/** A failed TLS handshake by Node's error code (TIMEOUT for our own deadline). */
export function tlsFailure(errno: string | undefined, detail: string): ProbeFailure {
  switch (certificateProblem(errno)) {
    case 'name':
      return failure(C.tlsCertNameMismatch, detail);
    case 'untrusted':
      return failure(C.tlsCertUntrusted, detail);
    case 'expired':
      return failure(C.tlsCertExpired, detail);
    case undefined:
      break;
  }
  if (errno === 'TIMEOUT' || errno === 'ETIMEDOUT') return failure(C.tlsTimeout, detail);
  if (errno === 'ECONNRESET' || errno === 'EPIPE' || errno === 'EOF') return failure(C.tlsClosed, detail);
  if (errno !== undefined && NOT_TLS_CODES.has(errno)) return failure(C.tlsNotTls, detail);
  if (errno !== undefined && /ALERT/.test(errno)) return failure(C.tlsAlert, detail);
  return failure(C.tlsFailed, detail);
}

/**
 * sing-box's own error for a connection ("open connection to ... using outbound/T[tag]: <message>"),
 * which names the cause our side of the tunnel never sees. Ordered most specific first.
 */
const CORE_MESSAGE_CODES: readonly (readonly [RegExp, ProbeErrorCode])[] = [
  [/reality verification failed/i, C.realityVerifyFailed],
  [
    /authentication failed|auth(?:entication)? (?:error|rejected)|unauthori[sz]ed|token mismatch|invalid (?:password|user)/i,
    C.proxyAuthFailed,
  ],
  [
    /certificate is valid for|certificate name does not match|not valid for any names/i,
    C.tlsCertNameMismatch,
  ],
  [/certificate has expired|not yet valid/i, C.tlsCertExpired],
  [/unknown authority|certificate is not trusted|failed to verify certificate/i, C.tlsCertUntrusted],
  [/connection refused/i, C.connectionRefused],
  [/no route to host|host is unreachable/i, C.hostUnreachable],
  [/network is unreachable/i, C.networkUnreachable],
  [/no such host|NXDOMAIN|lookup .*(?:failed|no answer)|dns: /i, C.dnsNotFound],
  [/dial tcp .*(?:i\/o timeout|deadline exceeded)/i, C.connectTimeout],
  [/timeout|deadline exceeded|no recent network activity/i, C.proxyTimeout],
  [/connection reset|broken pipe|\bEOF\b|closed/i, C.proxyRejected],
  [/tls: |handshake failure|remote error/i, C.tlsAlert],
];

export function coreFailure(message: string): ProbeFailure {
  for (const [pattern, code] of CORE_MESSAGE_CODES) {
    if (pattern.test(message)) return failure(code, message);
  }
  return failure(C.proxyFailed, message);
}

/** Where our request through the core's inbound failed. */
export const REQUEST_PHASES = {
  /** Reaching our own sing-box (its inbound, the CONNECT answer): a core problem, not the config's. */
  core: 'core',
  /** The TLS handshake with the test URL's host, through the tunnel. */
  tunnelTls: 'tunnel-tls',
  /** The HTTP exchange with the test URL, through the tunnel. */
  http: 'http',
} as const;
export type RequestPhase = (typeof REQUEST_PHASES)[keyof typeof REQUEST_PHASES];

/**
 * A failed request through the core, from our side of the tunnel. `coreMessage` is sing-box's
 * error for that outbound when it logged one: it names the real cause and wins, except that our
 * own deadline stays a timeout when the core has nothing more specific.
 */
export function proxyRequestFailure(
  phase: Exclude<RequestPhase, 'core'>,
  errno: string | undefined,
  detail: string,
  coreMessage?: string,
): ProbeFailure {
  if (coreMessage !== undefined && coreMessage !== '') {
    const fromCore = coreFailure(coreMessage);
    if (fromCore.code !== C.proxyFailed || errno !== 'TIMEOUT') return fromCore;
  }
  if (errno === 'TIMEOUT') return failure(C.proxyTimeout, detail);
  if (phase === REQUEST_PHASES.tunnelTls) {
    if (certificateProblem(errno) !== undefined) return failure(C.targetCertInvalid, detail);
    if (errno !== undefined && (NOT_TLS_CODES.has(errno) || /ALERT/.test(errno)))
      return failure(C.proxyGarbled, detail);
  }
  if (errno === 'GARBLED') return failure(C.proxyGarbled, detail);
  return failure(C.proxyRejected, detail);
}

/** The test URL answered; is the status one the probe accepts? */
export function httpStatusFailure(
  status: number,
  accepted: (status: number) => boolean,
): ProbeFailure | undefined {
  return accepted(status) ? undefined : failure(C.httpStatus, `test URL answered HTTP ${String(status)}`);
}
