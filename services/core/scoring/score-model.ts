/** The parts of a config's score; each is in [0, 1]. */
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
  /** Sum to 1: score = Σ weights[c] · components[c]. */
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
  /** Reachability at or above which the verdict is `working`. */
  readonly workingThreshold: number;
  /** Below this decayed evidence (in fresh probes) the verdict falls back to `unprobed`. */
  readonly minEvidence: number;
}

const HOUR = 3_600_000;

export const DEFAULT_SCORE_MODEL: ScoreModel = Object.freeze({
  id: 'score-1',
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
