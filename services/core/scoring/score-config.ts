import { clamp01, decayFactor, round3 } from './decay.ts';
import { assessSecurity } from './security.ts';
import { VERDICTS } from './score-model.ts';
import type { ScoreComponent, ScoreModel, Verdict } from './score-model.ts';
import { pointsOf, totalOf } from './score-points.ts';
import { creditSources } from './source-standing.ts';
import type { StandingLookup } from './source-standing.ts';
import { viewAt } from './vantage-stats.ts';
import type { VantageStats } from './vantage-stats.ts';

export interface ScoreInput {
  /** The time the score is computed as of: decay and freshness are relative to it. */
  readonly at: number;
  readonly protocol: string;
  /** Canonical ProxyConfig JSON. */
  readonly config: string;
  readonly sourceIds: readonly string[];
  /** Latest time any source carried the config. */
  readonly lastSeen: number;
  /** Probe evidence per vantage id. */
  readonly vantages: Readonly<Record<string, VantageStats>>;
  readonly standing: StandingLookup;
}

export interface VantageBreakdown {
  readonly vantage: string;
  readonly reachability: number;
  readonly latencyMs: number | null;
  /** Decayed evidence, capped at 1. */
  readonly confidence: number;
  readonly probes: number;
  readonly lastOutcome: string | null;
  readonly lastProbedAt: number | null;
}

/**
 * A score and everything needed to explain it: points[c] = 100 · weights[c] · components[c]
 * (rounded to 0.1) and score = Σ points[c].
 */
export interface ScoreBreakdown {
  /** 0 to 100, one decimal: the sum of `points`. */
  readonly score: number;
  /** Each in [0, 1], rounded to three decimals. */
  readonly components: Readonly<Record<ScoreComponent, number>>;
  /** Each component's share of the score; they sum to 1. */
  readonly weights: Readonly<Record<ScoreComponent, number>>;
  /** Points each component earned, 0 to 100 · weight. */
  readonly points: Readonly<Record<ScoreComponent, number>>;
  readonly verdict: Verdict;
  readonly vantages: readonly VantageBreakdown[];
  readonly notes: readonly string[];
  readonly model: string;
}

/**
 * The scoring formula: a score of 0 to 100 points, each component earning
 * 100 · weight · value of them (rounded to 0.1). Component values, each in [0, 1]:
 *
 * - reachability: per vantage v, R_v = (Σ w·s + k·p0) / (Σ w + k), where each decisive probe has
 *   success s (1 end to end, cheapStageCredit for a pre-check only, 0 failed) and weight
 *   w = 0.5^(age / probeHalfLife), and the prior p0 with strength k pulls thin or old evidence
 *   back to "probably not working". Vantages combine weighted by their evidence (capped at 1),
 *   so a prober that probes more often does not outvote the others.
 * - latency: the evidence-weighted geometric mean of the vantages' decayed geometric mean
 *   latencies, L = 1 − ln(lat / good) / ln(bad / good) clamped to [0, 1]; 0 with no success.
 * - security: assessSecurity (protocol, cipher, TLS/REALITY, certificate verification).
 * - sources: log2(1 + n) / log2(1 + saturation) for n independent carrying sources.
 * - freshness: 0.5^((at − lastSeen) / freshnessHalfLife).
 * - sourceReliability: the best reliability among its non-demoted sources.
 */
export function scoreConfig(input: ScoreInput, model: ScoreModel): ScoreBreakdown {
  const notes: string[] = [];

  const vantages: VantageBreakdown[] = [];
  let weightSum = 0;
  let reachSum = 0;
  let latWeight = 0;
  let latLogSum = 0;
  let evidence = 0;
  for (const id of Object.keys(input.vantages).sort()) {
    const stats = input.vantages[id];
    if (stats === undefined || stats.probes === 0) continue;
    const view = viewAt(stats, input.at, model);
    const confidence = Math.min(1, view.evidence);
    evidence += view.evidence;
    weightSum += confidence;
    reachSum += confidence * view.reachability;
    if (view.latencyMs !== null && confidence > 0) {
      latWeight += confidence;
      latLogSum += confidence * Math.log(view.latencyMs);
    }
    vantages.push({
      vantage: id,
      reachability: round3(view.reachability),
      latencyMs: view.latencyMs === null ? null : Math.round(view.latencyMs * 10) / 10,
      confidence: round3(confidence),
      probes: stats.probes,
      lastOutcome: stats.lastOutcome,
      lastProbedAt: stats.lastProbedAt,
    });
  }

  const reachability = weightSum > 0 ? reachSum / weightSum : model.priorReachability;
  let verdict: Verdict;
  if (vantages.length === 0) {
    verdict = VERDICTS.unprobed;
    notes.push('never probed: reachability is the prior');
  } else if (evidence < model.minEvidence) {
    verdict = VERDICTS.unprobed;
    notes.push('probe evidence has decayed: reachability is back to the prior');
  } else {
    verdict = reachability >= model.workingThreshold ? VERDICTS.working : VERDICTS.failing;
  }

  const latencyMs = latWeight > 0 ? Math.exp(latLogSum / latWeight) : null;
  const latency =
    latencyMs === null
      ? 0
      : clamp01(
          1 - Math.log(latencyMs / model.latencyGoodMs) / Math.log(model.latencyBadMs / model.latencyGoodMs),
        );
  if (latencyMs !== null) notes.push(`latency ${Math.round(latencyMs)} ms`);

  const security = assessSecurity(input.config, input.protocol);
  notes.push(...security.notes);

  const credit = creditSources(input.sourceIds, input.standing, model.unknownReliability);
  const sources =
    credit.independent === 0
      ? 0
      : clamp01(Math.log2(1 + credit.independent) / Math.log2(1 + model.sourcesSaturation));
  notes.push(
    `${input.sourceIds.length} source${input.sourceIds.length === 1 ? '' : 's'}, ${credit.independent} independent` +
      (credit.mirrors > 0 ? `, ${credit.mirrors} mirror${credit.mirrors === 1 ? '' : 's'}` : '') +
      (credit.demoted > 0 ? `, ${credit.demoted} demoted` : ''),
  );
  if (credit.independent === 0 && input.sourceIds.length > 0) notes.push('every carrying source is demoted');

  const freshness = decayFactor(input.at - input.lastSeen, model.freshnessHalfLifeMs);

  const components: Record<ScoreComponent, number> = {
    reachability: round3(clamp01(reachability)),
    latency: round3(latency),
    security: round3(security.value),
    sources: round3(sources),
    freshness: round3(clamp01(freshness)),
    sourceReliability: round3(clamp01(credit.independent === 0 ? 0 : credit.bestReliability)),
  };
  // Points come from the rounded values, so a client recomputing 100 · weight · value from the
  // published event lands on the same points.
  const points = pointsOf(components, model.weights);
  return {
    score: totalOf(points),
    components,
    weights: model.weights,
    points,
    verdict,
    vantages,
    notes,
    model: model.id,
  };
}
