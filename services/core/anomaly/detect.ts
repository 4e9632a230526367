import { errorStreak, flapping } from './availability-detectors.ts';
import { ANOMALY_KINDS } from './anomaly-kinds.ts';
import type { AnomalyKind } from './anomaly-kinds.ts';
import { countCollapse, countExplosion } from './count-detectors.ts';
import { SKIP } from './finding.ts';
import type { Detector, DetectorInput, DetectorResult } from './finding.ts';
import { formatSwitch, htmlBody } from './format-detectors.ts';
import { diagnosticSpike, latencySpike, sizeShift } from './metric-detectors.ts';
import { duplicateShift, hostConcentration, mirror, workingDrop } from './table-detectors.ts';

export const DETECTORS: readonly Detector[] = [
  htmlBody,
  countCollapse,
  countExplosion,
  formatSwitch,
  errorStreak,
  flapping,
  mirror,
  hostConcentration,
  workingDrop,
  duplicateShift,
  diagnosticSpike,
  sizeShift,
  latencySpike,
];

/**
 * One root cause, one anomaly: an HTML page explains the count, format, size and diagnostics
 * of that fetch, and a count anomaly explains its size. The explained detectors are skipped
 * (not cleared), so an anomaly they opened earlier stays as it is.
 */
const EXPLAINS: ReadonlyMap<AnomalyKind, readonly AnomalyKind[]> = new Map<
  AnomalyKind,
  readonly AnomalyKind[]
>([
  [
    ANOMALY_KINDS.htmlBody,
    [
      ANOMALY_KINDS.countCollapse,
      ANOMALY_KINDS.formatSwitch,
      ANOMALY_KINDS.sizeShift,
      ANOMALY_KINDS.diagnosticSpike,
    ],
  ],
  [ANOMALY_KINDS.countCollapse, [ANOMALY_KINDS.sizeShift, ANOMALY_KINDS.diagnosticSpike]],
  [ANOMALY_KINDS.countExplosion, [ANOMALY_KINDS.sizeShift]],
  [ANOMALY_KINDS.formatSwitch, [ANOMALY_KINDS.diagnosticSpike, ANOMALY_KINDS.sizeShift]],
]);

/** Every detector's verdict on the current observation, after suppression of explained kinds. */
export function runDetectors(
  input: DetectorInput,
  detectors: readonly Detector[] = DETECTORS,
): ReadonlyMap<AnomalyKind, DetectorResult> {
  const results = new Map<AnomalyKind, DetectorResult>();
  for (const d of detectors) results.set(d.kind, d.detect(input));
  for (const [cause, explained] of EXPLAINS) {
    if (results.get(cause)?.verdict !== 'found') continue;
    for (const kind of explained) if (results.has(kind)) results.set(kind, SKIP);
  }
  return results;
}
