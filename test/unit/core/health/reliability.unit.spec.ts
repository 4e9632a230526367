import { describe, expect, it } from 'vitest';
import { NOT_DEMOTED, nextDemotion } from '../../../../services/core/health/demotion.ts';
import type { DemotionState } from '../../../../services/core/health/demotion.ts';
import { DEFAULT_RELIABILITY_MODEL, reliabilityOf } from '../../../../services/core/health/reliability.ts';
import type { ReliabilityInput } from '../../../../services/core/health/reliability.ts';
import { sourceStatus } from '../../../../services/core/health/source-status.ts';

const model = DEFAULT_RELIABILITY_MODEL;
const T = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

const input = (over: Partial<ReliabilityInput> = {}): ReliabilityInput => ({
  at: T,
  fetches: Array<boolean>(20).fill(true),
  tally: { carried: 100, probed: 80, working: 40, exclusive: 30, exclusiveWorking: 12 },
  lastSuccessAt: T,
  lastChangeAt: T,
  ...over,
});

describe('source reliability', () => {
  it('is the weighted sum of fetch success, probe pass, unique contribution and freshness', () => {
    const r = reliabilityOf(input(), model);
    expect(Object.keys(r.components).sort()).toEqual([
      'fetchSuccess',
      'freshness',
      'probePass',
      'uniqueContribution',
    ]);
    const sum = Object.entries(r.components).reduce(
      (s, [c, v]) => s + (r.weights[c as keyof typeof r.weights] ?? 0) * v,
      0,
    );
    expect(r.value).toBeCloseTo(sum, 2);
    expect(r.value).toBeGreaterThan(0.9);
  });

  it('falls for a source whose configs do not work, however well it answers', () => {
    const dead = reliabilityOf(
      input({ tally: { carried: 100, probed: 100, working: 0, exclusive: 100, exclusiveWorking: 0 } }),
      model,
    );
    expect(dead.components.probePass).toBeLessThan(0.02);
    expect(dead.components.uniqueContribution).toBe(0);
    expect(dead.value).toBeLessThan(model.demoteBelow);
  });

  it('trusts a new source moderately before any probe', () => {
    const fresh = reliabilityOf(input({ fetches: [true], tally: undefined }), model);
    expect(fresh.components.probePass).toBeCloseTo(0.6, 5);
    expect(fresh.value).toBeGreaterThan(model.demoteBelow);
  });

  it('loses freshness as fetches stop working and the content stops changing', () => {
    const stale = reliabilityOf(input({ at: T + 72 * HOUR, lastSuccessAt: T, lastChangeAt: T }), model);
    expect(stale.components.freshness).toBeCloseTo(0.5 * 0.015625 + 0.5 * 0.5, 3);
  });

  it('smooths the fetch success share', () => {
    expect(reliabilityOf(input({ fetches: [] }), model).components.fetchSuccess).toBe(0.5);
    expect(reliabilityOf(input({ fetches: [false, false] }), model).components.fetchSuccess).toBe(0.25);
  });
});

describe('demotion', () => {
  const step = (state: DemotionState, reliability: number, i: number, fetches = 10) =>
    nextDemotion(state, reliability, T + i, fetches, model);

  it('demotes after two evaluations in a row below the threshold', () => {
    const once = step(NOT_DEMOTED, 0.2, 1);
    expect(once.demoted).toBe(false);
    const twice = step(once, 0.2, 2);
    expect(twice).toEqual({ demoted: true, since: T + 2, streak: 0 });
  });

  it('does not demote a source with too few fetches to judge', () => {
    expect(step(step(NOT_DEMOTED, 0.1, 1, 2), 0.1, 2, 2).demoted).toBe(false);
  });

  it('restores only at or above the higher threshold, so a source between the two stays as it is', () => {
    let s: DemotionState = { demoted: true, since: T, streak: 0 };
    for (let i = 0; i < 10; i++) s = step(s, 0.45, i);
    expect(s.demoted).toBe(true);
    s = step(s, 0.55, 11);
    expect(s.demoted).toBe(true);
    s = step(s, 0.55, 12);
    expect(s).toEqual(NOT_DEMOTED);
    for (let i = 0; i < 10; i++) s = step(s, 0.45, 20 + i);
    expect(s.demoted).toBe(false);
  });

  it('resets the streak when one evaluation is back on the safe side', () => {
    const s = step(step(step(NOT_DEMOTED, 0.2, 1), 0.45, 2), 0.2, 3);
    expect(s.demoted).toBe(false);
  });
});

describe('source status', () => {
  it('is unknown without fetches, failing after three failures, degraded when demoted or alarmed', () => {
    const base = { fetches: 5, consecutiveFailures: 0, demoted: false, seriousAnomaly: false };
    expect(sourceStatus({ ...base, fetches: 0 })).toBe('unknown');
    expect(sourceStatus({ ...base, consecutiveFailures: 3 })).toBe('failing');
    expect(sourceStatus({ ...base, demoted: true })).toBe('degraded');
    expect(sourceStatus({ ...base, seriousAnomaly: true })).toBe('degraded');
    expect(sourceStatus(base)).toBe('healthy');
  });
});
