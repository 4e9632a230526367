/** sources.health.v1 `status`. */
export const SOURCE_STATUSES = {
  healthy: 'healthy',
  degraded: 'degraded',
  failing: 'failing',
  unknown: 'unknown',
} as const;
export type SourceStatus = (typeof SOURCE_STATUSES)[keyof typeof SOURCE_STATUSES];

/** Fetch failures in a row that make a source `failing`. */
export const FAILING_AFTER = 3;

export function sourceStatus(facts: {
  readonly fetches: number;
  readonly consecutiveFailures: number;
  readonly demoted: boolean;
  /** Whether an anomaly of severity warning or critical is open. */
  readonly seriousAnomaly: boolean;
}): SourceStatus {
  if (facts.fetches === 0) return SOURCE_STATUSES.unknown;
  if (facts.consecutiveFailures >= FAILING_AFTER) return SOURCE_STATUSES.failing;
  if (facts.demoted || facts.seriousAnomaly) return SOURCE_STATUSES.degraded;
  return SOURCE_STATUSES.healthy;
}
