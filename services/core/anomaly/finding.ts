import type { AnomalyKind, Severity } from './anomaly-kinds.ts';
import type { Observation } from './observation.ts';
import type { DetectorThresholds } from './thresholds.ts';

/** A detector's case for an anomaly: what, how bad, and the facts behind it. */
export interface Finding {
  readonly kind: AnomalyKind;
  readonly severity: Severity;
  readonly observed: number | null;
  readonly expected: number | null;
  readonly message: string;
  readonly evidence: Readonly<Record<string, string>>;
  readonly relatedSourceId: string | null;
}

/**
 * `skip`: the observation says nothing about this kind (a failed fetch says nothing about the
 * config count, a replayed snapshot nothing about probes) — an open anomaly neither confirms nor
 * heals. `clear`: looked, found nothing. `found`: the condition holds.
 */
export type DetectorResult =
  | { readonly verdict: 'skip' }
  | { readonly verdict: 'clear' }
  | { readonly verdict: 'found'; readonly finding: Finding };

export const SKIP: DetectorResult = Object.freeze({ verdict: 'skip' });
export const CLEAR: DetectorResult = Object.freeze({ verdict: 'clear' });
export const found = (finding: Finding): DetectorResult => ({ verdict: 'found', finding });

export interface DetectorInput {
  readonly sourceId: string;
  readonly current: Observation;
  /** Earlier observations, oldest first (the current one excluded). */
  readonly history: readonly Observation[];
  /** Failed fetches in a row, the current one included. */
  readonly consecutiveFailures: number;
  readonly isOpen: (kind: AnomalyKind) => boolean;
  readonly thresholds: DetectorThresholds;
}

export interface Detector {
  readonly kind: AnomalyKind;
  detect(input: DetectorInput): DetectorResult;
}
