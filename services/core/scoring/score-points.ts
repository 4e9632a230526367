import { SCORE_COMPONENT_LIST } from './score-model.ts';
import type { ScoreComponent } from './score-model.ts';

/** The top of the score scale users see: a score is 0 to 100 points. */
export const SCORE_MAX = 100;

/**
 * One decimal is finer than any difference a reader acts on, and keeps `points` summing to the
 * score exactly: each part is rounded first and the score is their sum.
 */
export const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * Points each component earns: 100 · weight · value, rounded to 0.1. Rounding is monotonic, so a
 * better component never earns fewer points; with weights in whole tenths of a point (the model's
 * invariant) a component's points never exceed its weight's share of 100.
 */
export function pointsOf(
  components: Readonly<Record<ScoreComponent, number>>,
  weights: Readonly<Record<ScoreComponent, number>>,
): Record<ScoreComponent, number> {
  const points = {} as Record<ScoreComponent, number>;
  for (const c of SCORE_COMPONENT_LIST) points[c] = round1(SCORE_MAX * weights[c] * components[c]);
  return points;
}

/** The score: the sum of the points, in [0, 100] (rounded again only to drop float dust). */
export function totalOf(points: Readonly<Record<string, number>>): number {
  let sum = 0;
  for (const p of Object.values(points)) sum += p;
  return Math.min(SCORE_MAX, Math.max(0, round1(sum)));
}

/** How one component contributed to a score, as the read API explains it. */
export interface ComponentExplanation {
  /** How much of the component the config earned, in [0, 1]. */
  readonly value: number;
  /** Its share of the score, in [0, 1]: at most 100 · weight points. */
  readonly weight: number;
  /** 100 · weight · value, rounded to 0.1; the points of all components sum to the score. */
  readonly points: number;
}

/**
 * Per component of a configs.scored event: value, weight and points. Works on the event's maps
 * as they come (keys are whatever the scoring model named), so an older model still explains.
 */
export function explainComponents(
  components: Readonly<Record<string, number>>,
  weights: Readonly<Record<string, number>>,
): Record<string, ComponentExplanation> {
  const out: Record<string, ComponentExplanation> = {};
  for (const [name, value] of Object.entries(components)) {
    const weight = weights[name] ?? 0;
    out[name] = { value, weight, points: round1(SCORE_MAX * weight * value) };
  }
  return out;
}

/**
 * Score models whose events carry the score as a fraction in [0, 1] (score-1, and events written
 * before `scoreModel` existed). A compacted topic keeps them until each config is re-scored, so
 * readers bring them onto the 0-100 scale instead of mixing scales in one sort.
 */
const FRACTION_SCALE_MODELS: ReadonlySet<string> = new Set(['', 'score-1']);

/**
 * A configs.scored score on the 0-100 scale, whatever model wrote it. A fraction-scale score is
 * re-added from its components' points when the event has weights, so the points a reader is
 * shown sum to the score (100 · score alone can differ from that sum by a few tenths).
 */
export function scoreOnScale(event: {
  readonly score: number;
  readonly scoreModel: string;
  readonly components: Readonly<Record<string, number>>;
  readonly weights: Readonly<Record<string, number>>;
}): number {
  if (!FRACTION_SCALE_MODELS.has(event.scoreModel)) return event.score;
  if (Object.keys(event.weights).length === 0) return round1(event.score * SCORE_MAX);
  const points: Record<string, number> = {};
  for (const [c, part] of Object.entries(explainComponents(event.components, event.weights))) {
    points[c] = part.points;
  }
  return totalOf(points);
}
