import { clamp01, decayFactor, round3 } from '../scoring/decay.ts';
import type { SourceTally } from './config-membership.ts';

/**
 * The parts of a source's reliability; each in [0, 1]. Reliability itself stays a share in
 * [0, 1], not a score on the 0-100 scale: it is the value of a config's `sourceReliability`
 * score component, and the demotion thresholds below are on that scale.
 */
export const RELIABILITY_COMPONENTS = {
  /** Share of recent fetches that gave a usable subscription (smoothed). */
  fetchSuccess: 'fetchSuccess',
  /** Share of its probed configs that work, relative to what a good free source achieves. */
  probePass: 'probePass',
  /** Working configs nobody else carries. */
  uniqueContribution: 'uniqueContribution',
  /** How recently it answered and how recently its content changed. */
  freshness: 'freshness',
} as const;
export type ReliabilityComponent = (typeof RELIABILITY_COMPONENTS)[keyof typeof RELIABILITY_COMPONENTS];
const COMPONENT_LIST: readonly ReliabilityComponent[] = Object.values(RELIABILITY_COMPONENTS);

export interface ReliabilityModel {
  /** Sum to 1. */
  readonly weights: Readonly<Record<ReliabilityComponent, number>>;
  /** Recent fetches the success share is taken over. */
  readonly fetchWindow: number;
  /** Working share believed before probes, and its weight in probed configs. */
  readonly probePrior: number;
  readonly probePriorStrength: number;
  /** A working share at or above this earns full credit (free configs rarely all work). */
  readonly probeFullCredit: number;
  /** Exclusive working configs worth full credit. */
  readonly uniqueFullCredit: number;
  /** Half-lives of the two freshness halves: since the last usable fetch, since the content last changed. */
  readonly successHalfLifeMs: number;
  readonly changeHalfLifeMs: number;
  /** Demote below this, restore at or above the higher one: the gap is the hysteresis. */
  readonly demoteBelow: number;
  readonly restoreAt: number;
  /** Consecutive evaluations on the other side of a threshold before demotion or restoration. */
  readonly confirmations: number;
  /** Fetches seen before a source can be demoted at all. */
  readonly minFetches: number;
}

const HOUR = 3_600_000;

export const DEFAULT_RELIABILITY_MODEL: ReliabilityModel = Object.freeze({
  weights: Object.freeze({ fetchSuccess: 0.2, probePass: 0.5, uniqueContribution: 0.15, freshness: 0.15 }),
  fetchWindow: 20,
  probePrior: 0.3,
  probePriorStrength: 2,
  probeFullCredit: 0.5,
  uniqueFullCredit: 10,
  successHalfLifeMs: 12 * HOUR,
  changeHalfLifeMs: 72 * HOUR,
  demoteBelow: 0.4,
  restoreAt: 0.5,
  confirmations: 2,
  minFetches: 3,
});

export interface ReliabilityInput {
  readonly at: number;
  /** Recent fetches, oldest first: true when the fetch gave a usable subscription (or a 304 of one). */
  readonly fetches: readonly boolean[];
  readonly tally: SourceTally | undefined;
  readonly lastSuccessAt: number | null;
  readonly lastChangeAt: number | null;
}

export interface Reliability {
  readonly value: number;
  readonly components: Readonly<Record<ReliabilityComponent, number>>;
  readonly weights: Readonly<Record<ReliabilityComponent, number>>;
}

/**
 * reliability = Σ weights[c] · components[c], with
 * - fetchSuccess = (usable + 1) / (fetches + 2) over the last fetchWindow fetches;
 * - probePass = min(1, p / probeFullCredit), p = (working + k·prior) / (probed + k);
 * - uniqueContribution = min(1, exclusive working configs / uniqueFullCredit);
 * - freshness = ½·0.5^(since last usable fetch / successHalfLife) + ½·0.5^(since last change / changeHalfLife).
 */
export function reliabilityOf(input: ReliabilityInput, model: ReliabilityModel): Reliability {
  const recent = input.fetches.slice(-model.fetchWindow);
  const usable = recent.filter(Boolean).length;
  const fetchSuccess = (usable + 1) / (recent.length + 2);

  const tally = input.tally;
  const probed = tally?.probed ?? 0;
  const working = tally?.working ?? 0;
  const share = (working + model.probePriorStrength * model.probePrior) / (probed + model.probePriorStrength);
  const probePass = clamp01(share / model.probeFullCredit);

  const uniqueContribution = clamp01((tally?.exclusiveWorking ?? 0) / model.uniqueFullCredit);

  const since = (t: number | null, halfLife: number): number =>
    t === null ? 0 : decayFactor(input.at - t, halfLife);
  const freshness =
    0.5 * since(input.lastSuccessAt, model.successHalfLifeMs) +
    0.5 * since(input.lastChangeAt ?? input.lastSuccessAt, model.changeHalfLifeMs);

  const components: Record<ReliabilityComponent, number> = {
    fetchSuccess: round3(fetchSuccess),
    probePass: round3(probePass),
    uniqueContribution: round3(uniqueContribution),
    freshness: round3(freshness),
  };
  let value = 0;
  for (const c of COMPONENT_LIST) value += model.weights[c] * components[c];
  return { value: round3(clamp01(value)), components, weights: model.weights };
}
