/**
 * The parts of a config's score. Each component's value is a share in [0, 1]; it earns
 * 100 · weight · value points, and the score (0 to 100) is the sum of the points.
 */
export const SCORE_COMPONENTS = {
  /** Do probes say it works? Decayed success share per vantage, smoothed towards a prior. */
  reachability: 'reachability',
  /** How fast it answered through the proxy (log scale between a good and a bad latency). */
  latency: 'latency',
  /** Protocol, cipher and transport security (TLS, REALITY, certificate verification). */
  security: 'security',
  /** How many independent sources carry it (mirrors count once, demoted sources not at all). */
  sources: 'sources',
  /** How recently a source carried it. */
  freshness: 'freshness',
  /** Reliability of the best source carrying it (sources.health.v1). */
  sourceReliability: 'sourceReliability',
} as const;
export type ScoreComponent = (typeof SCORE_COMPONENTS)[keyof typeof SCORE_COMPONENTS];
export const SCORE_COMPONENT_LIST: readonly ScoreComponent[] = Object.values(SCORE_COMPONENTS);

export const VERDICTS = { working: 'working', failing: 'failing', unprobed: 'unprobed' } as const;
export type Verdict = (typeof VERDICTS)[keyof typeof VERDICTS];

/**
 * Every constant of the scoring formula, in one versioned object: a change of any of them is a
 * new `id`, so scores computed by different formulas are never compared unknowingly.
 */
export interface ScoreModel {
  readonly id: string;
  /**
   * Each component's share of the score; they sum to 1, and 100 · weight is a whole number of
   * tenths of a point, so points rounded to 0.1 never add up past 100.
   */
  readonly weights: Readonly<Record<ScoreComponent, number>>;
  /** A probe this old counts half as much as a fresh one. */
  readonly probeHalfLifeMs: number;
  /** Reachability believed before any probe (most public configs do not work). */
  readonly priorReachability: number;
  /** Weight of the prior, in fresh probes. */
  readonly priorStrength: number;
  /** Credit for a probe that passed the cheap stage (TCP/TLS) but never ran through the core. */
  readonly cheapStageCredit: number;
  /** Latency worth full credit, and latency worth none (log scale in between). */
  readonly latencyGoodMs: number;
  readonly latencyBadMs: number;
  /** Independent sources worth full credit (log scale below). */
  readonly sourcesSaturation: number;
  /** A config last carried this long ago is half as fresh. */
  readonly freshnessHalfLifeMs: number;
  /** Reliability assumed for a source the detector has not reported on yet. */
  readonly unknownReliability: number;
  /** Reachability (the component's value, in [0, 1]) at or above which the verdict is `working`. */
  readonly workingThreshold: number;
  /** Below this decayed evidence (in fresh probes) the verdict falls back to `unprobed`. */
  readonly minEvidence: number;
}

const HOUR = 3_600_000;

/**
 * score-2: the formula of score-1 on the 0-100 scale (score-1 published the same weighted sum as
 * a fraction in [0, 1]); the new id lets readers tell the scales apart.
 */
export const DEFAULT_SCORE_MODEL: ScoreModel = Object.freeze({
  id: 'score-2',
  weights: Object.freeze({
    reachability: 0.4,
    latency: 0.15,
    security: 0.15,
    sources: 0.1,
    freshness: 0.1,
    sourceReliability: 0.1,
  }),
  probeHalfLifeMs: 6 * HOUR,
  priorReachability: 0.25,
  priorStrength: 1,
  cheapStageCredit: 0.6,
  latencyGoodMs: 150,
  latencyBadMs: 3000,
  sourcesSaturation: 8,
  freshnessHalfLifeMs: 24 * HOUR,
  unknownReliability: 0.5,
  workingThreshold: 0.5,
  minEvidence: 0.05,
});
