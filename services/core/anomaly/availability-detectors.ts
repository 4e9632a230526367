import { ANOMALY_KINDS, SEVERITIES } from './anomaly-kinds.ts';
import { CLEAR, found } from './finding.ts';
import type { Detector } from './finding.ts';
import { isUp } from './observation.ts';

export const errorStreak: Detector = {
  kind: ANOMALY_KINDS.errorStreak,
  detect({ current, consecutiveFailures, thresholds }) {
    const { warning, critical } = thresholds.errorStreak;
    if (consecutiveFailures < warning) return CLEAR;
    return found({
      kind: ANOMALY_KINDS.errorStreak,
      severity: consecutiveFailures >= critical ? SEVERITIES.critical : SEVERITIES.warning,
      observed: consecutiveFailures,
      expected: 0,
      message: `${consecutiveFailures} fetches in a row failed (latest: ${current.outcome})`,
      evidence: { consecutiveFailures: String(consecutiveFailures), lastOutcome: current.outcome },
      relatedSourceId: null,
    });
  },
};

/**
 * Back and forth: over the last `span` fetches, the source went up and down at least
 * `transitions` times, or its content alternated between two bodies as often (two backends
 * serving different versions, a cache fighting the origin).
 */
export const flapping: Detector = {
  kind: ANOMALY_KINDS.flapping,
  detect({ current, history, thresholds }) {
    const { span, transitions: needed } = thresholds.flapping;
    const recent = [...history, current].slice(-span);
    if (recent.length < span) return CLEAR;
    const ups = recent.map(isUp);
    let transitions = 0;
    for (let i = 1; i < ups.length; i++) if (ups[i] !== ups[i - 1]) transitions += 1;
    const pattern = ups.map((u) => (u ? 'U' : 'D')).join('');

    const bodies = recent.filter((o) => o.subscription && o.bodySha !== null).map((o) => o.bodySha ?? '');
    let changes = 0;
    for (let i = 1; i < bodies.length; i++) if (bodies[i] !== bodies[i - 1]) changes += 1;
    const distinct = new Set(bodies).size;
    const contentFlaps = distinct === 2 && changes >= needed;

    if (transitions < needed && !contentFlaps) return CLEAR;
    const availability = transitions >= needed;
    return found({
      kind: ANOMALY_KINDS.flapping,
      severity: SEVERITIES.warning,
      observed: availability ? transitions : changes,
      expected: 0,
      message: availability
        ? `up and down ${transitions} times in the last ${span} fetches (${pattern})`
        : `content alternated between two bodies ${changes} times in the last ${span} fetches`,
      evidence: {
        mode: availability ? 'availability' : 'content',
        pattern,
        transitions: String(transitions),
        contentChanges: String(changes),
        distinctBodies: String(distinct),
      },
      relatedSourceId: null,
    });
  },
};
