import type { ScoreModel } from './score-model.ts';

/** Probe outcomes as the prober writes them (configs.probed.v1 `outcome`). */
export const PROBE_OUTCOMES = {
  ok: 'ok',
  timeout: 'timeout',
  refused: 'refused',
  unreachable: 'unreachable',
  dnsError: 'dns-error',
  tlsError: 'tls-error',
  proxyError: 'proxy-error',
  httpError: 'http-error',
  /** The core cannot run the config, or policy forbids probing it: no evidence either way. */
  unsupported: 'unsupported',
  /** The prober's own core failed: says nothing about the config. */
  coreError: 'core-error',
} as const;

export const PROBE_STAGES = { resolve: 'resolve', tcp: 'tcp', tls: 'tls', proxy: 'proxy' } as const;

/** What one probe says about a config. */
export type ProbeEvidence =
  | { readonly decisive: false }
  | {
      readonly decisive: true;
      /** 1 worked end to end, cheapStageCredit passed only the pre-check, 0 failed. */
      readonly success: number;
      /** Latency through the proxy, only for probes that went end to end. */
      readonly latencyMs: number | null;
    };

const NO_EVIDENCE: ProbeEvidence = { decisive: false };

export function probeEvidence(
  probe: { readonly stage: string; readonly outcome: string; readonly latencyMs: number | null },
  model: Pick<ScoreModel, 'cheapStageCredit'>,
): ProbeEvidence {
  if (probe.outcome === PROBE_OUTCOMES.unsupported || probe.outcome === PROBE_OUTCOMES.coreError) {
    return NO_EVIDENCE;
  }
  if (probe.outcome !== PROBE_OUTCOMES.ok) return { decisive: true, success: 0, latencyMs: null };
  if (probe.stage !== PROBE_STAGES.proxy) {
    return { decisive: true, success: model.cheapStageCredit, latencyMs: null };
  }
  const latency = probe.latencyMs !== null && probe.latencyMs > 0 ? probe.latencyMs : null;
  return { decisive: true, success: 1, latencyMs: latency };
}
