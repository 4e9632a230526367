import type { SourceAnomaly } from '../../generated/events.ts';

/**
 * The webhook body: `text` for chat webhooks (Slack, Mattermost, Discord-compatible bridges)
 * and the anomaly itself under `alert` for machines.
 */
export interface AlertMessage {
  readonly text: string;
  readonly alert: {
    readonly eventId: string;
    readonly sourceId: string;
    readonly kind: string;
    readonly state: string;
    readonly severity: string;
    readonly detectedAt: string;
    readonly openedAt: string | null;
    readonly message: string;
    readonly observed: number | null;
    readonly expected: number | null;
    readonly relatedSourceId: string | null;
    readonly evidence: Readonly<Record<string, string>>;
  };
}

export function alertMessage(anomaly: SourceAnomaly): AlertMessage {
  const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
  const verb =
    anomaly.state === 'resolved' ? 'resolved' : anomaly.state === 'escalated' ? 'escalated' : 'opened';
  return {
    text: `[${anomaly.severity}] ${anomaly.sourceId}: ${anomaly.kind} ${verb} — ${anomaly.message}`,
    alert: {
      eventId: anomaly.metadata.eventId,
      sourceId: anomaly.sourceId,
      kind: anomaly.kind,
      state: anomaly.state,
      severity: anomaly.severity,
      detectedAt: iso(anomaly.detectedAt) ?? '',
      openedAt: iso(anomaly.openedAt),
      message: anomaly.message,
      observed: anomaly.observed,
      expected: anomaly.expected,
      relatedSourceId: anomaly.relatedSourceId,
      evidence: anomaly.evidence,
    },
  };
}
