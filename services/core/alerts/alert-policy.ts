import type { SourceAnomaly } from '../../generated/events.ts';
import { ANOMALY_STATES, SEVERITIES, severityRank } from '../anomaly/anomaly-kinds.ts';
import type { Severity } from '../anomaly/anomaly-kinds.ts';

export interface AlertPolicy {
  /** After an alert for a (source, kind), no other opening of it is sent for this long, unless it got worse. */
  readonly cooldownMs: number;
  readonly minSeverity: Severity;
  /** Also announce resolutions (of anomalies whose opening was announced). */
  readonly notifyResolved: boolean;
  /** Anomalies detected longer ago than this are history (a replay, a backlog): never sent. */
  readonly maxAgeMs: number;
}

const HOUR = 3_600_000;

export const DEFAULT_ALERT_POLICY: AlertPolicy = Object.freeze({
  cooldownMs: HOUR,
  minSeverity: SEVERITIES.warning,
  notifyResolved: false,
  maxAgeMs: 24 * HOUR,
});

export const SUPPRESS_REASONS = {
  /** The same event again (a redelivery after a crash). */
  duplicate: 'duplicate',
  stale: 'stale',
  belowSeverity: 'below-severity',
  coolingDown: 'cooling-down',
  resolvedMuted: 'resolved-muted',
  /** Its opening was never announced, so neither is its end. */
  resolvedUnannounced: 'resolved-unannounced',
} as const;
export type SuppressReason = (typeof SUPPRESS_REASONS)[keyof typeof SUPPRESS_REASONS];

interface KeyMemory {
  readonly lastEventId: string;
  /** detectedAt of the last opening or escalation sent; cool-downs count from it. */
  readonly lastOpenSentAt: number | null;
  readonly lastSeverity: string | null;
  /** An opening was announced and its resolution not yet. */
  readonly announced: boolean;
}

/** What the alert sender remembers, per (source, kind). A pure fold over the anomalies topic. */
export interface AlertMemory {
  readonly byKey: ReadonlyMap<string, KeyMemory>;
}

export const EMPTY_ALERT_MEMORY: AlertMemory = Object.freeze({ byKey: new Map() });

export type AlertDecision =
  | { readonly send: true; readonly memory: AlertMemory }
  | { readonly send: false; readonly reason: SuppressReason; readonly memory: AlertMemory };

export type AlertInput = Pick<
  SourceAnomaly,
  'metadata' | 'sourceId' | 'kind' | 'state' | 'severity' | 'detectedAt'
>;

export const alertKey = (a: Pick<SourceAnomaly, 'sourceId' | 'kind'>): string =>
  `${a.sourceId}\u0000${a.kind}`;

/**
 * Whether to send a webhook for one anomaly event, and what to remember. Times are the events'
 * own (detectedAt), so folding the topic again after a restart rebuilds the same memory; only
 * staleness is judged against `now`.
 */
export function decideAlert(
  memory: AlertMemory,
  anomaly: AlertInput,
  now: number,
  policy: AlertPolicy,
): AlertDecision {
  const key = alertKey(anomaly);
  const held = memory.byKey.get(key);
  const base: Omit<KeyMemory, 'lastEventId'> = {
    lastOpenSentAt: held?.lastOpenSentAt ?? null,
    lastSeverity: held?.lastSeverity ?? null,
    announced: held?.announced ?? false,
  };
  const remember = (next: Omit<KeyMemory, 'lastEventId'>): AlertMemory => {
    const byKey = new Map(memory.byKey);
    byKey.set(key, { ...next, lastEventId: anomaly.metadata.eventId });
    return { byKey };
  };
  const suppress = (reason: SuppressReason, next: Omit<KeyMemory, 'lastEventId'> = base): AlertDecision => ({
    send: false,
    reason,
    memory: remember(next),
  });

  if (held?.lastEventId === anomaly.metadata.eventId)
    return { send: false, reason: SUPPRESS_REASONS.duplicate, memory };

  if (anomaly.state === ANOMALY_STATES.resolved) {
    const closed = { ...base, announced: false };
    if (now - anomaly.detectedAt > policy.maxAgeMs) return suppress(SUPPRESS_REASONS.stale, closed);
    if (!policy.notifyResolved) return suppress(SUPPRESS_REASONS.resolvedMuted, closed);
    if (!base.announced) return suppress(SUPPRESS_REASONS.resolvedUnannounced, closed);
    return { send: true, memory: remember(closed) };
  }

  if (now - anomaly.detectedAt > policy.maxAgeMs) return suppress(SUPPRESS_REASONS.stale);
  if (severityRank(anomaly.severity) < severityRank(policy.minSeverity))
    return suppress(SUPPRESS_REASONS.belowSeverity);
  const cooling =
    base.lastOpenSentAt !== null &&
    anomaly.detectedAt - base.lastOpenSentAt < policy.cooldownMs &&
    severityRank(anomaly.severity) <= severityRank(base.lastSeverity ?? SEVERITIES.info);
  if (cooling) return suppress(SUPPRESS_REASONS.coolingDown);
  return {
    send: true,
    memory: remember({ lastOpenSentAt: anomaly.detectedAt, lastSeverity: anomaly.severity, announced: true }),
  };
}
