/**
 * What one probe of one config found. A probe runs its stages in order and stops at the first
 * that fails; `stage` is where it ended, so every stage before it passed.
 */

export const PROBE_STAGES = {
  /** Name lookup of the server and the address policy (no packet sent to the server yet). */
  resolve: 'resolve',
  tcp: 'tcp',
  /**
   * QUIC-based configs (hysteria2, tuic, ...): a datagram of an unsupported QUIC version that
   * the server must answer with Version Negotiation (quic-version-probe.ts).
   */
  udp: 'udp',
  /** TLS handshake with the config's SNI/ALPN; only for TLS over TCP. */
  tls: 'tls',
  /** A request to the test URL through the proxy, run by sing-box. */
  proxy: 'proxy',
} as const;
export type ProbeStage = (typeof PROBE_STAGES)[keyof typeof PROBE_STAGES];

export const PROBE_OUTCOMES = {
  ok: 'ok',
  timeout: 'timeout',
  refused: 'refused',
  unreachable: 'unreachable',
  dnsError: 'dns-error',
  tlsError: 'tls-error',
  proxyError: 'proxy-error',
  httpError: 'http-error',
  /** The core cannot run the config, or the address policy forbids probing it. */
  unsupported: 'unsupported',
  /** The prober's own sing-box failed: says nothing about the config; scorers ignore it. */
  coreError: 'core-error',
} as const;
export type ProbeOutcome = (typeof PROBE_OUTCOMES)[keyof typeof PROBE_OUTCOMES];

/** A stage's verdict when it did not pass. */
export interface ProbeFailure {
  readonly outcome: Exclude<ProbeOutcome, 'ok'>;
  readonly code: string;
  readonly detail: string;
}

/** Timings and traffic the cheap stage measured, carried into the final result. */
export interface CheapMeasurements {
  readonly connectMs: number | null;
  readonly tlsHandshakeMs: number | null;
  readonly bytes: number;
  /** Addresses the server name resolved to (and passed the policy); sing-box is pinned to them. */
  readonly addresses: readonly string[];
}

export interface ProbeResult {
  readonly stage: ProbeStage;
  readonly outcome: ProbeOutcome;
  readonly code: string | null;
  readonly detail: string | null;
  readonly latencyMs: number | null;
  readonly connectMs: number | null;
  readonly tlsHandshakeMs: number | null;
  readonly bytes: number;
  /** What was requested through the proxy (stage proxy). */
  readonly target: string | null;
}

export const NO_MEASUREMENTS: CheapMeasurements = {
  connectMs: null,
  tlsHandshakeMs: null,
  bytes: 0,
  addresses: [],
};

export function failedAt(
  stage: ProbeStage,
  failure: ProbeFailure,
  cheap: CheapMeasurements = NO_MEASUREMENTS,
  extra: { readonly bytes?: number; readonly target?: string | null } = {},
): ProbeResult {
  return {
    stage,
    outcome: failure.outcome,
    code: failure.code,
    detail: failure.detail,
    latencyMs: null,
    connectMs: cheap.connectMs,
    tlsHandshakeMs: cheap.tlsHandshakeMs,
    bytes: cheap.bytes + (extra.bytes ?? 0),
    target: extra.target ?? null,
  };
}

export function passedProxy(
  cheap: CheapMeasurements,
  {
    latencyMs,
    bytes,
    target,
  }: { readonly latencyMs: number; readonly bytes: number; readonly target: string },
): ProbeResult {
  return {
    stage: PROBE_STAGES.proxy,
    outcome: PROBE_OUTCOMES.ok,
    code: null,
    detail: null,
    latencyMs,
    connectMs: cheap.connectMs,
    tlsHandshakeMs: cheap.tlsHandshakeMs,
    bytes: cheap.bytes + bytes,
    target,
  };
}
