import { ANOMALY_KINDS, SEVERITIES } from './anomaly-kinds.ts';
import { CLEAR, found, SKIP } from './finding.ts';
import type { Detector } from './finding.ts';
import type { TableSample } from './observation.ts';
import { baselineOf, fmt, median, robustZ } from './robust-stats.ts';

/** Detectors over the source's configs in the scored table (cross-source facts and probe results). */

const pastSamples = (history: readonly { readonly table: TableSample | null }[]): TableSample[] =>
  history.flatMap((o) => (o.table === null ? [] : [o.table]));

/**
 * Nearly the same config set as another source. A source that was independent before and now
 * copies another is a warning (it became a mirror); one that always was one is information.
 */
export const mirror: Detector = {
  kind: ANOMALY_KINDS.mirror,
  detect({ current, history, isOpen, thresholds }) {
    const t = current.table;
    if (t === null) return SKIP;
    const { open, hold, minConfigs, independentBefore } = thresholds.mirror;
    const closest = t.closest;
    if (closest === null || t.carried < minConfigs || closest.otherCarried < minConfigs) return CLEAR;
    if (closest.jaccard < (isOpen(ANOMALY_KINDS.mirror) ? hold : open)) return CLEAR;
    // How similar the source used to be to anyone: an upper bound of its similarity to this one.
    const before = pastSamples(history).map((s) => s.closest?.jaccard ?? 0);
    const becameMirror = before.length >= thresholds.minHistory && median(before) < independentBefore;
    return found({
      kind: ANOMALY_KINDS.mirror,
      severity: becameMirror ? SEVERITIES.warning : SEVERITIES.info,
      observed: closest.jaccard,
      expected: before.length > 0 ? median(before) : null,
      message: `${fmt(closest.jaccard * 100)}% of the configs of this source and ${closest.sourceId} are the same`,
      evidence: {
        jaccard: fmt(closest.jaccard),
        carried: String(t.carried),
        otherCarried: String(closest.otherCarried),
        becameMirror: String(becameMirror),
      },
      relatedSourceId: closest.sourceId,
    });
  },
};

export const hostConcentration: Detector = {
  kind: ANOMALY_KINDS.hostConcentration,
  detect({ current, history, isOpen, thresholds }) {
    const t = current.table;
    const { open, hold, minConfigs, baselineMax } = thresholds.concentration;
    if (t === null || t.topNetworkShare === null || t.carried < minConfigs) return SKIP;
    const past = pastSamples(history).flatMap((s) =>
      s.topNetworkShare === null || s.carried < minConfigs ? [] : [s.topNetworkShare],
    );
    if (past.length < thresholds.minHistory) return SKIP;
    const usual = median(past);
    const x = t.topNetworkShare;
    if (x < (isOpen(ANOMALY_KINDS.hostConcentration) ? hold : open) || usual > baselineMax) return CLEAR;
    return found({
      kind: ANOMALY_KINDS.hostConcentration,
      severity: SEVERITIES.warning,
      observed: x,
      expected: usual,
      message: `${fmt(x * 100)}% of its ${t.carried} configs point at ${t.topNetwork ?? '?'} (usually ${fmt(usual * 100)}%)`,
      evidence: {
        network: t.topNetwork ?? '',
        share: fmt(x),
        baselineMedian: fmt(usual),
        carried: String(t.carried),
        baselinePoints: String(past.length),
      },
      relatedSourceId: null,
    });
  },
};

export const workingDrop: Detector = {
  kind: ANOMALY_KINDS.workingDrop,
  detect({ current, history, thresholds }) {
    const t = current.table;
    const { minProbed, minMedian, ratio, criticalRatio, minLost } = thresholds.working;
    if (t === null || t.workingShare === null || t.probed < minProbed) return SKIP;
    const past = pastSamples(history).flatMap((s) =>
      s.workingShare === null || s.probed < minProbed ? [] : [s.workingShare],
    );
    if (past.length < thresholds.minHistory) return SKIP;
    const b = baselineOf(past, { relative: 0.05, absolute: 0.01 });
    const x = t.workingShare;
    const z = robustZ(x, b);
    const lost = (b.median - x) * t.probed;
    if (b.median < minMedian || x > ratio * b.median || z > -thresholds.z || x >= b.low || lost < minLost)
      return CLEAR;
    return found({
      kind: ANOMALY_KINDS.workingDrop,
      severity: x <= criticalRatio * b.median ? SEVERITIES.critical : SEVERITIES.warning,
      observed: x,
      expected: b.median,
      message: `${t.working} of ${t.probed} probed configs work (${fmt(x * 100)}%), usually ${fmt(b.median * 100)}%`,
      evidence: {
        working: String(t.working),
        probed: String(t.probed),
        baselineMedian: fmt(b.median),
        baselineMad: fmt(b.mad),
        robustZ: fmt(z),
        baselinePoints: String(b.n),
      },
      relatedSourceId: null,
    });
  },
};

export const duplicateShift: Detector = {
  kind: ANOMALY_KINDS.duplicateShift,
  detect({ current, history, thresholds }) {
    const t = current.table;
    const { minChange, minConfigs } = thresholds.duplicates;
    if (t === null || t.duplicateRatio === null || t.carried < minConfigs) return SKIP;
    const past = pastSamples(history).flatMap((s) =>
      s.duplicateRatio === null || s.carried < minConfigs ? [] : [s.duplicateRatio],
    );
    if (past.length < thresholds.minHistory) return SKIP;
    const b = baselineOf(past, { relative: 0.05, absolute: 0.02 });
    const x = t.duplicateRatio;
    const z = robustZ(x, b);
    const inRange = x >= b.low && x <= b.high;
    if (Math.abs(x - b.median) < minChange || Math.abs(z) < thresholds.z || inRange) return CLEAR;
    return found({
      kind: ANOMALY_KINDS.duplicateShift,
      severity: SEVERITIES.info,
      observed: x,
      expected: b.median,
      message: `${fmt(x * 100)}% of its configs are carried by other sources too, usually ${fmt(b.median * 100)}%`,
      evidence: { baselineMedian: fmt(b.median), robustZ: fmt(z), baselinePoints: String(b.n) },
      relatedSourceId: null,
    });
  },
};
