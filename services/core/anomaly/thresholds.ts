import type { ScaleFloor } from './robust-stats.ts';

/**
 * Every threshold of the detectors. Baseline detectors need both a large relative change and a
 * large robust z-score (in MAD-derived standard deviations of the source's own past): the first
 * keeps a steady source from alarming on a small wobble, the second keeps a naturally noisy one
 * from alarming on its usual swings.
 */
export interface DetectorThresholds {
  /** Observations kept per source (the sliding window). */
  readonly window: number;
  /** Baseline points needed before a baseline detector speaks. */
  readonly minHistory: number;
  readonly z: number;
  /** Evaluations in a row without the condition before an open anomaly resolves. */
  readonly resolveAfter: number;
  readonly countFloor: ScaleFloor;
  readonly collapse: { readonly minMedian: number; readonly ratio: number; readonly criticalRatio: number };
  readonly explosion: { readonly ratio: number; readonly minIncrease: number };
  readonly format: { readonly modeShare: number };
  readonly mirror: {
    readonly open: number;
    readonly hold: number;
    readonly minConfigs: number;
    readonly independentBefore: number;
  };
  readonly concentration: {
    readonly open: number;
    readonly hold: number;
    readonly minConfigs: number;
    readonly baselineMax: number;
  };
  readonly working: {
    readonly minProbed: number;
    readonly minMedian: number;
    readonly ratio: number;
    readonly criticalRatio: number;
    /** Working configs lost, at the baseline share: a few configs of a small source are noise. */
    readonly minLost: number;
  };
  readonly flapping: { readonly span: number; readonly transitions: number };
  readonly errorStreak: { readonly warning: number; readonly critical: number };
  readonly diagnostics: { readonly minIncrease: number };
  readonly size: { readonly ratio: number; readonly minMedianBytes: number };
  readonly latency: { readonly ratio: number; readonly minIncreaseMs: number };
  readonly duplicates: { readonly minChange: number; readonly minConfigs: number };
}

export const DEFAULT_THRESHOLDS: DetectorThresholds = Object.freeze({
  window: 30,
  minHistory: 5,
  z: 3.5,
  resolveAfter: 2,
  countFloor: { relative: 0.05, absolute: 1 },
  collapse: { minMedian: 10, ratio: 0.5, criticalRatio: 0.1 },
  explosion: { ratio: 3, minIncrease: 50 },
  format: { modeShare: 0.8 },
  mirror: { open: 0.85, hold: 0.7, minConfigs: 20, independentBefore: 0.5 },
  concentration: { open: 0.9, hold: 0.75, minConfigs: 10, baselineMax: 0.5 },
  working: { minProbed: 10, minMedian: 0.2, ratio: 0.5, criticalRatio: 0.2, minLost: 5 },
  flapping: { span: 8, transitions: 4 },
  errorStreak: { warning: 3, critical: 10 },
  diagnostics: { minIncrease: 0.2 },
  size: { ratio: 3, minMedianBytes: 1024 },
  latency: { ratio: 3, minIncreaseMs: 1000 },
  duplicates: { minChange: 0.4, minConfigs: 10 },
});
