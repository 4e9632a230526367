import type { ReliabilityModel } from './reliability.ts';

export interface DemotionState {
  readonly demoted: boolean;
  readonly since: number | null;
  /** Consecutive evaluations past the threshold that would flip the state. */
  readonly streak: number;
}

export const NOT_DEMOTED: DemotionState = Object.freeze({ demoted: false, since: null, streak: 0 });

/**
 * Demotion with hysteresis: a source is demoted after `confirmations` evaluations in a row below
 * `demoteBelow` (and only once `minFetches` fetches are known), and restored after as many at or
 * above `restoreAt`. Between the two thresholds nothing changes, so a source hovering around one
 * threshold does not flap between demoted and restored.
 */
export function nextDemotion(
  state: DemotionState,
  reliability: number,
  at: number,
  fetchesSeen: number,
  model: Pick<ReliabilityModel, 'demoteBelow' | 'restoreAt' | 'confirmations' | 'minFetches'>,
): DemotionState {
  if (!state.demoted) {
    if (reliability >= model.demoteBelow || fetchesSeen < model.minFetches) return { ...state, streak: 0 };
    const streak = state.streak + 1;
    return streak >= model.confirmations ? { demoted: true, since: at, streak: 0 } : { ...state, streak };
  }
  if (reliability < model.restoreAt) return { ...state, streak: 0 };
  const streak = state.streak + 1;
  return streak >= model.confirmations ? NOT_DEMOTED : { ...state, streak };
}
