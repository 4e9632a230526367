import { decayFactor } from './decay.ts';
import { probeEvidence } from './probe-evidence.ts';
import type { ScoreModel } from './score-model.ts';

/**
 * Decayed probe evidence from one vantage point, kept as sums relative to a reference time so
 * a new probe costs O(1) and needs no history: every sum is multiplied by the decay factor of
 * its age. The sums do not depend on the order probes arrive in (an older probe is weighted by
 * its age at `ref`), so a replay or a late probe lands on the same numbers.
 */
export interface VantageStats {
  /** The time the sums are relative to: the newest probe counted. */
  readonly ref: number;
  /** Σ w over decisive probes. */
  readonly weight: number;
  /** Σ w · success. */
  readonly success: number;
  /** Σ w over probes with a latency. */
  readonly latencyWeight: number;
  /** Σ w · ln(latency ms): the ratio is a decayed geometric mean, robust to one slow probe. */
  readonly logLatency: number;
  /** Decisive probes counted. */
  readonly probes: number;
  readonly lastOutcome: string | null;
  readonly lastProbedAt: number | null;
}

export interface ProbeFacts {
  readonly stage: string;
  readonly outcome: string;
  readonly latencyMs: number | null;
  readonly probedAt: number;
}

export const EMPTY_VANTAGE: VantageStats = Object.freeze({
  ref: 0,
  weight: 0,
  success: 0,
  latencyWeight: 0,
  logLatency: 0,
  probes: 0,
  lastOutcome: null,
  lastProbedAt: null,
});

export function addProbe(
  stats: VantageStats,
  probe: ProbeFacts,
  model: Pick<ScoreModel, 'probeHalfLifeMs' | 'cheapStageCredit'>,
): VantageStats {
  const latest = stats.lastProbedAt === null || probe.probedAt >= stats.lastProbedAt;
  const last = latest
    ? { lastOutcome: probe.outcome, lastProbedAt: probe.probedAt }
    : { lastOutcome: stats.lastOutcome, lastProbedAt: stats.lastProbedAt };
  const evidence = probeEvidence(probe, model);
  if (!evidence.decisive) return { ...stats, ...last };

  // Move the reference forward to the newest probe, decaying what is there; an older probe is
  // weighted by its age at the reference instead.
  const ref = stats.probes === 0 ? probe.probedAt : Math.max(stats.ref, probe.probedAt);
  const shift = decayFactor(ref - stats.ref, model.probeHalfLifeMs);
  const w = decayFactor(ref - probe.probedAt, model.probeHalfLifeMs);
  const latency = evidence.latencyMs;
  return {
    ref,
    weight: stats.weight * shift + w,
    success: stats.success * shift + w * evidence.success,
    latencyWeight: stats.latencyWeight * shift + (latency !== null ? w : 0),
    logLatency: stats.logLatency * shift + (latency !== null ? w * Math.log(latency) : 0),
    probes: stats.probes + 1,
    ...last,
  };
}

/** What one vantage's evidence says at time `at`. */
export interface VantageView {
  /** Decayed success share smoothed towards the prior, in [0, 1]. */
  readonly reachability: number;
  /** Decayed geometric mean latency of end-to-end successes; null without one. */
  readonly latencyMs: number | null;
  /** Decayed evidence weight (fresh probes), uncapped. */
  readonly evidence: number;
}

export function viewAt(
  stats: VantageStats,
  at: number,
  model: Pick<ScoreModel, 'probeHalfLifeMs' | 'priorReachability' | 'priorStrength'>,
): VantageView {
  const f = decayFactor(at - stats.ref, model.probeHalfLifeMs);
  const weight = stats.weight * f;
  const success = stats.success * f;
  const prior = model.priorStrength;
  return {
    reachability: (success + prior * model.priorReachability) / (weight + prior),
    latencyMs: stats.latencyWeight > 0 ? Math.exp(stats.logLatency / stats.latencyWeight) : null,
    evidence: weight,
  };
}

/** A stored value that is a VantageStats (state restored from a changelog is JSON). */
export function isVantageStats(value: unknown): value is VantageStats {
  if (value === null || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v['ref'] === 'number' &&
    typeof v['weight'] === 'number' &&
    typeof v['success'] === 'number' &&
    typeof v['latencyWeight'] === 'number' &&
    typeof v['logLatency'] === 'number' &&
    typeof v['probes'] === 'number'
  );
}
