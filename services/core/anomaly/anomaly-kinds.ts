/** sources.anomalies.v1 `kind`: a closed set in code, a string on the wire. */
export const ANOMALY_KINDS = {
  /** The config count fell far below the source's own baseline (or to nothing). */
  countCollapse: 'count-collapse',
  /** The config count rose far above the baseline. */
  countExplosion: 'count-explosion',
  /** The body's container format differs from the one the source has (almost) always used. */
  formatSwitch: 'format-switch',
  /** An HTML page (an error, a login, a parked domain) instead of a subscription. */
  htmlBody: 'html-body',
  /** Nearly the same config set as another source. */
  mirror: 'mirror',
  /** (Almost) every config points at one host or one /24 (/48) network, unlike before. */
  hostConcentration: 'host-concentration',
  /** The share of its configs that pass probes dropped far below its baseline. */
  workingDrop: 'working-drop',
  /** Availability or content alternating back and forth. */
  flapping: 'flapping',
  /** Fetches failing in a row. */
  errorStreak: 'error-streak',
  /** Far more parse diagnostics per config than usual. */
  diagnosticSpike: 'diagnostic-spike',
  /** The body size moved far from its baseline without the count explaining it. */
  sizeShift: 'size-shift',
  /** Fetches got far slower than usual. */
  latencySpike: 'latency-spike',
  /** The share of its configs other sources also carry moved far from its baseline. */
  duplicateShift: 'duplicate-shift',
} as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[keyof typeof ANOMALY_KINDS];
export const ANOMALY_KIND_LIST: readonly AnomalyKind[] = Object.values(ANOMALY_KINDS);

export const SEVERITIES = { info: 'info', warning: 'warning', critical: 'critical' } as const;
export type Severity = (typeof SEVERITIES)[keyof typeof SEVERITIES];

const RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };
export const severityRank = (s: string): number => RANK[s as Severity] ?? -1;

export const ANOMALY_STATES = { opened: 'opened', escalated: 'escalated', resolved: 'resolved' } as const;
export type AnomalyState = (typeof ANOMALY_STATES)[keyof typeof ANOMALY_STATES];
