import { ANOMALY_KINDS, SEVERITIES } from './anomaly-kinds.ts';
import { CLEAR, found, SKIP } from './finding.ts';
import type { Detector } from './finding.ts';
import { fmt } from './robust-stats.ts';

/** The container the source (almost) always used, when there is one. */
function modalContainer(containers: readonly string[]): { container: string; share: number } | undefined {
  const counts = new Map<string, number>();
  for (const c of containers) counts.set(c, (counts.get(c) ?? 0) + 1);
  let best: { container: string; share: number } | undefined;
  for (const [container, n] of counts) {
    const share = n / containers.length;
    if (best === undefined || share > best.share) best = { container, share };
  }
  return best;
}

export const formatSwitch: Detector = {
  kind: ANOMALY_KINDS.formatSwitch,
  detect({ current, history, thresholds }) {
    if (!current.subscription || current.container === null) return SKIP;
    const past = history.filter((o) => o.subscription && o.container !== null).map((o) => o.container ?? '');
    if (past.length < thresholds.minHistory) return SKIP;
    const mode = modalContainer(past);
    if (
      mode === undefined ||
      mode.share < thresholds.format.modeShare ||
      mode.container === current.container
    ) {
      return CLEAR;
    }
    return found({
      kind: ANOMALY_KINDS.formatSwitch,
      severity: SEVERITIES.warning,
      observed: null,
      expected: null,
      message: `the body is ${current.container}; the source has served ${mode.container} in ${fmt(mode.share * 100)}% of its recent fetches`,
      evidence: {
        from: mode.container,
        to: current.container,
        modeShare: fmt(mode.share),
        baselinePoints: String(past.length),
      },
      relatedSourceId: null,
    });
  },
};

export const htmlBody: Detector = {
  kind: ANOMALY_KINDS.htmlBody,
  detect({ current, history }) {
    if (!current.fetchOk) return SKIP;
    if (current.container !== 'html') return CLEAR;
    const served = history.filter((o) => o.subscription).length;
    return found({
      kind: ANOMALY_KINDS.htmlBody,
      // A source that used to serve a subscription and now serves a page has broken (or been parked).
      severity: served > 0 ? SEVERITIES.critical : SEVERITIES.warning,
      observed: current.bytes,
      expected: null,
      message:
        served > 0
          ? `an HTML page (${current.bytes} bytes) instead of the subscription served in ${served} earlier fetches`
          : `an HTML page (${current.bytes} bytes) instead of a subscription`,
      evidence: {
        bytes: String(current.bytes),
        earlierSubscriptions: String(served),
        httpOutcome: current.outcome,
      },
      relatedSourceId: null,
    });
  },
};
