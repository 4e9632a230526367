/**
 * Exponential decay by half-life: evidence of age `halfLifeMs` counts half as much as fresh
 * evidence. Half-lives read better in configuration and explanations than rate constants.
 */
export function decayFactor(ageMs: number, halfLifeMs: number): number {
  if (!(ageMs > 0)) return 1;
  if (!(halfLifeMs > 0)) return 0;
  return Math.pow(0.5, ageMs / halfLifeMs);
}

export const clamp01 = (x: number): number => (x < 0 ? 0 : x > 1 ? 1 : Number.isFinite(x) ? x : 0);

/** Rounds for events and comparisons: three decimals are finer than any threshold reads. */
export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
