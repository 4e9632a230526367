import { ANOMALY_KINDS, SEVERITIES } from './anomaly-kinds.ts';
import { CLEAR, found, SKIP } from './finding.ts';
import type { Detector } from './finding.ts';
import { baselineOf, fmt, robustZ } from './robust-stats.ts';

/** Secondary signals of a body or a fetch gone odd; information, not alarms. */

export const diagnosticSpike: Detector = {
  kind: ANOMALY_KINDS.diagnosticSpike,
  detect({ current, history, thresholds }) {
    const x = current.diagnosticRate;
    if (!current.fetchOk || x === null || current.container === 'html') return SKIP;
    const past = history.flatMap((o) =>
      o.subscription && o.diagnosticRate !== null ? [o.diagnosticRate] : [],
    );
    if (past.length < thresholds.minHistory) return SKIP;
    const b = baselineOf(past, { relative: 0.05, absolute: 0.01 });
    const z = robustZ(x, b);
    if (x - b.median < thresholds.diagnostics.minIncrease || z < thresholds.z || x <= b.high) return CLEAR;
    return found({
      kind: ANOMALY_KINDS.diagnosticSpike,
      severity: SEVERITIES.info,
      observed: x,
      expected: b.median,
      message: `${fmt(x * 100)}% of what it published drew parse diagnostics, usually ${fmt(b.median * 100)}%`,
      evidence: { baselineMedian: fmt(b.median), robustZ: fmt(z), baselinePoints: String(b.n) },
      relatedSourceId: null,
    });
  },
};

export const sizeShift: Detector = {
  kind: ANOMALY_KINDS.sizeShift,
  detect({ current, history, thresholds }) {
    if (!current.subscription) return SKIP;
    const past = history.flatMap((o) => (o.subscription ? [o.bytes] : []));
    if (past.length < thresholds.minHistory) return SKIP;
    const b = baselineOf(past, { relative: 0.05, absolute: 64 });
    const x = current.bytes;
    const z = robustZ(x, b);
    const { ratio, minMedianBytes } = thresholds.size;
    const far = (x >= ratio * b.median && x > b.high) || (x * ratio <= b.median && x < b.low);
    if (b.median < minMedianBytes || !far || Math.abs(z) < thresholds.z) return CLEAR;
    return found({
      kind: ANOMALY_KINDS.sizeShift,
      severity: SEVERITIES.info,
      observed: x,
      expected: b.median,
      message: `a ${x}-byte body where the source usually serves ${fmt(b.median)} bytes`,
      evidence: {
        baselineMedian: fmt(b.median),
        baselineMad: fmt(b.mad),
        robustZ: fmt(z),
        baselinePoints: String(b.n),
      },
      relatedSourceId: null,
    });
  },
};

export const latencySpike: Detector = {
  kind: ANOMALY_KINDS.latencySpike,
  detect({ current, history, thresholds }) {
    const x = current.fetchMs;
    if (!current.fetchOk || x === null) return SKIP;
    const past = history.flatMap((o) => (o.fetchOk && o.fetchMs !== null ? [o.fetchMs] : []));
    if (past.length < thresholds.minHistory) return SKIP;
    const b = baselineOf(past, { relative: 0.05, absolute: 50 });
    const z = robustZ(x, b);
    const { ratio, minIncreaseMs } = thresholds.latency;
    if (x < ratio * b.median || x - b.median < minIncreaseMs || z < thresholds.z || x <= b.high) return CLEAR;
    return found({
      kind: ANOMALY_KINDS.latencySpike,
      severity: SEVERITIES.info,
      observed: x,
      expected: b.median,
      message: `the fetch took ${x} ms, usually ${fmt(b.median)} ms`,
      evidence: {
        baselineMedian: fmt(b.median),
        baselineMad: fmt(b.mad),
        robustZ: fmt(z),
        baselinePoints: String(b.n),
      },
      relatedSourceId: null,
    });
  },
};
