import { ANOMALY_KINDS, SEVERITIES } from './anomaly-kinds.ts';
import { CLEAR, found, SKIP } from './finding.ts';
import type { Detector, DetectorInput } from './finding.ts';
import { baselineOf, fmt, robustZ } from './robust-stats.ts';
import type { Baseline } from './robust-stats.ts';

/**
 * The config count against the source's own past: the baseline is its usable subscriptions in
 * the window; the current fetch is judged whenever the body arrived and was not an HTML page
 * (an empty or unreadable body is a count of zero; HTML has its own detector).
 */
function countBaseline(input: DetectorInput): Baseline | undefined {
  const { current, history, thresholds } = input;
  if (!current.fetchOk || current.container === 'html' || current.container === null) return undefined;
  const past = history.filter((o) => o.subscription).map((o) => o.configs);
  if (past.length < thresholds.minHistory) return undefined;
  return baselineOf(past, thresholds.countFloor);
}

const evidenceOf = (b: Baseline, z: number, x: number) => ({
  baselineMedian: fmt(b.median),
  baselineMad: fmt(b.mad),
  baselinePoints: String(b.n),
  robustZ: fmt(z),
  ratio: fmt(b.median > 0 ? x / b.median : 0),
});

export const countCollapse: Detector = {
  kind: ANOMALY_KINDS.countCollapse,
  detect(input) {
    const b = countBaseline(input);
    if (b === undefined) return SKIP;
    const { collapse, z: zMin } = input.thresholds;
    const x = input.current.configs;
    const z = robustZ(x, b);
    if (b.median < collapse.minMedian || x > collapse.ratio * b.median || z > -zMin || x >= b.low)
      return CLEAR;
    const critical = x <= collapse.criticalRatio * b.median;
    return found({
      kind: ANOMALY_KINDS.countCollapse,
      severity: critical ? SEVERITIES.critical : SEVERITIES.warning,
      observed: x,
      expected: b.median,
      message: `${x} configs where the source usually has ${fmt(b.median)} (${fmt(z)} robust SD)`,
      evidence: { ...evidenceOf(b, z, x), container: input.current.container ?? '' },
      relatedSourceId: null,
    });
  },
};

export const countExplosion: Detector = {
  kind: ANOMALY_KINDS.countExplosion,
  detect(input) {
    const b = countBaseline(input);
    if (b === undefined) return SKIP;
    const { explosion, z: zMin } = input.thresholds;
    const x = input.current.configs;
    const z = robustZ(x, b);
    if (x < explosion.ratio * b.median || x - b.median < explosion.minIncrease || z < zMin || x <= b.high)
      return CLEAR;
    return found({
      kind: ANOMALY_KINDS.countExplosion,
      severity: SEVERITIES.warning,
      observed: x,
      expected: b.median,
      message: `${x} configs where the source usually has ${fmt(b.median)} (+${fmt(z)} robust SD)`,
      evidence: evidenceOf(b, z, x),
      relatedSourceId: null,
    });
  },
};
