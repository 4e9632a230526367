import type { ConfigProbed, EventMetadata } from '../../generated/events.ts';
import { derivedMetadata } from '../../shared/events/event-metadata.ts';
import type { ProbeResult } from './probe-result.ts';
import { PROBE_OUTCOMES } from './probe-result.ts';
import type { Verdict } from './schedule.ts';
import { VERDICTS } from './schedule.ts';

export interface ProbeEventOptions {
  /** The configs.current.v1 event of the config version probed: the probe joins its causal chain. */
  readonly cause: EventMetadata;
  readonly fingerprint: string;
  readonly vantage: string;
  /** The prober instance. */
  readonly prober: string;
  readonly probedAt: number;
  readonly result: ProbeResult;
}

/**
 * The configs.probed.v1 event of one probe. Its id is derived from the config version, the
 * vantage and the probe's start, so publishing the same probe twice (a retried append) yields
 * one event for idempotent readers.
 */
export function probeEvent({
  cause,
  fingerprint,
  vantage,
  prober,
  probedAt,
  result,
}: ProbeEventOptions): ConfigProbed {
  const producer = `prober/${prober}`;
  return {
    metadata: derivedMetadata(cause, {
      producer,
      discriminator: `probe\u0000${vantage}\u0000${String(probedAt)}`,
      eventTime: probedAt,
    }),
    fingerprint,
    stage: result.stage,
    outcome: result.outcome,
    latencyMs: result.latencyMs === null ? null : Math.round(result.latencyMs),
    errorCode: result.code,
    target: result.target,
    prober,
    probedAt,
    vantage,
    connectMs: result.connectMs === null ? null : Math.round(result.connectMs),
    tlsHandshakeMs: result.tlsHandshakeMs === null ? null : Math.round(result.tlsHandshakeMs),
    errorDetail: result.detail === null ? null : result.detail.slice(0, 500),
    trafficBytes: Math.max(0, Math.round(result.bytes)),
  };
}

/** How a probe counts for the schedule. A core error is our failure, but retrying at once could loop: it counts as a fail. */
export function verdictOf(outcome: string): Verdict {
  if (outcome === PROBE_OUTCOMES.ok) return VERDICTS.pass;
  if (outcome === PROBE_OUTCOMES.unsupported) return VERDICTS.unsupported;
  return VERDICTS.fail;
}
