import { describe, expect, it } from 'vitest';
import {
  decideAlert,
  DEFAULT_ALERT_POLICY,
  EMPTY_ALERT_MEMORY,
  SUPPRESS_REASONS,
} from '../../../../services/core/alerts/alert-policy.ts';
import type { AlertInput, AlertMemory, AlertPolicy } from '../../../../services/core/alerts/alert-policy.ts';
import { alertMessage } from '../../../../services/core/alerts/alert-message.ts';
import type { SourceAnomaly } from '../../../../services/generated/events.ts';

const T = Date.UTC(2026, 0, 1);
const MIN = 60_000;
let seq = 0;

const anomaly = (over: Partial<AlertInput> & { at?: number } = {}): AlertInput => {
  seq += 1;
  const at = over.at ?? T;
  return {
    metadata: {
      eventId: `e${seq}`,
      eventTime: at,
      producer: 'anomaly',
      correlationId: 'c',
      causationId: null,
    },
    sourceId: 'src-a',
    kind: 'count-collapse',
    state: 'opened',
    severity: 'warning',
    detectedAt: at,
    ...over,
  };
};

/** Folds events through the policy; returns what was sent (as state/severity) and why the rest was not. */
function fold(
  events: readonly AlertInput[],
  policy: AlertPolicy = DEFAULT_ALERT_POLICY,
  now = T + 2 * 3_600_000,
) {
  let memory: AlertMemory = EMPTY_ALERT_MEMORY;
  const log: string[] = [];
  for (const e of events) {
    const d = decideAlert(memory, e, now, policy);
    memory = d.memory;
    log.push(d.send ? `send ${e.state} ${e.severity}` : `skip ${e.state} ${d.reason}`);
  }
  return log;
}

describe('alert policy', () => {
  it('sends the first opening and nothing for a redelivery of the same event', () => {
    const e = anomaly();
    expect(fold([e, e])).toEqual(['send opened warning', `skip opened ${SUPPRESS_REASONS.duplicate}`]);
  });

  it('sends one alert per anomaly within the cool-down, even when it reopens', () => {
    const log = fold([
      anomaly({ at: T }),
      anomaly({ at: T + 10 * MIN, state: 'resolved' }),
      anomaly({ at: T + 20 * MIN }),
      anomaly({ at: T + 30 * MIN, state: 'resolved' }),
      anomaly({ at: T + 70 * MIN }),
    ]);
    expect(log).toEqual([
      'send opened warning',
      'skip resolved resolved-muted',
      'skip opened cooling-down',
      'skip resolved resolved-muted',
      'send opened warning',
    ]);
  });

  it('sends an escalation inside the cool-down', () => {
    expect(
      fold([anomaly({ at: T }), anomaly({ at: T + MIN, state: 'escalated', severity: 'critical' })]),
    ).toEqual(['send opened warning', 'send escalated critical']);
  });

  it('keeps cool-downs per source and kind', () => {
    expect(fold([anomaly(), anomaly({ kind: 'html-body' }), anomaly({ sourceId: 'src-b' })])).toEqual([
      'send opened warning',
      'send opened warning',
      'send opened warning',
    ]);
  });

  it('leaves out severities below the minimum', () => {
    expect(fold([anomaly({ severity: 'info' })])).toEqual(['skip opened below-severity']);
  });

  it('announces a resolution only when asked to and only of an announced opening', () => {
    const policy = { ...DEFAULT_ALERT_POLICY, notifyResolved: true };
    expect(
      fold(
        [
          anomaly({ at: T }),
          anomaly({ at: T + MIN, state: 'resolved' }),
          anomaly({ at: T + 2 * MIN }),
          anomaly({ at: T + 3 * MIN, state: 'resolved' }),
        ],
        policy,
      ),
    ).toEqual([
      'send opened warning',
      'send resolved warning',
      'skip opened cooling-down',
      'skip resolved resolved-unannounced',
    ]);
  });

  it('never sends history: anomalies detected longer ago than the maximum age', () => {
    expect(fold([anomaly({ at: T })], DEFAULT_ALERT_POLICY, T + 25 * 3_600_000)).toEqual([
      'skip opened stale',
    ]);
  });
});

describe('alert message', () => {
  it('carries a chat-friendly text and the anomaly', () => {
    const a: SourceAnomaly = {
      ...(anomaly({ severity: 'critical', kind: 'html-body' }) as Omit<
        SourceAnomaly,
        'observed' | 'expected' | 'message' | 'snapshotEventId' | 'evidence' | 'relatedSourceId' | 'openedAt'
      >),
      observed: 5000,
      expected: null,
      message: 'an HTML page instead of the subscription',
      snapshotEventId: null,
      evidence: { bytes: '5000' },
      relatedSourceId: null,
      openedAt: T,
    };
    const m = alertMessage(a);
    expect(m.text).toBe('[critical] src-a: html-body opened — an HTML page instead of the subscription');
    expect(m.alert).toMatchObject({
      sourceId: 'src-a',
      kind: 'html-body',
      detectedAt: new Date(T).toISOString(),
      evidence: { bytes: '5000' },
    });
  });
});
