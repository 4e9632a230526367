import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RUN_BUDGET,
  settleProbe,
  startBudget,
  takeProbe,
} from '../../../../services/core/probing/budget.ts';
import type { BudgetState, RunBudget } from '../../../../services/core/probing/budget.ts';

const budget = (over: Partial<RunBudget> = {}): RunBudget => ({ ...DEFAULT_RUN_BUDGET, ...over });

function take(state: BudgetState, b: RunBudget, now: number) {
  return takeProbe(state, b, now);
}

describe('run budget', () => {
  it('lets a burst start at once, then paces starts at the rate', () => {
    const b = budget({ ratePerSecond: 10, burst: 3, maxConfigs: 100 });
    let state = startBudget(b, 0);
    for (let i = 0; i < 3; i++) {
      const r = take(state, b, 0);
      expect(r.decision).toEqual({ kind: 'go' });
      state = r.state;
    }
    const fourth = take(state, b, 0);
    expect(fourth.decision).toEqual({ kind: 'wait', ms: 100 });
    expect(take(fourth.state, b, 100).decision).toEqual({ kind: 'go' });
  });

  it('never starts more than the rate allows over time', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 100, max: 5_000 }),
        (rate, burst, span) => {
          const b = budget({
            ratePerSecond: rate,
            burst,
            maxConfigs: 1_000_000,
            maxBytes: Number.MAX_SAFE_INTEGER,
          });
          let state = startBudget(b, 0);
          let started = 0;
          for (let t = 0; t <= span; t += 7) {
            for (;;) {
              const r = take(state, b, t);
              state = r.state;
              if (r.decision.kind !== 'go') break;
              started++;
            }
          }
          expect(started).toBeLessThanOrEqual(burst + Math.ceil((rate * span) / 1000) + 1);
        },
      ),
    );
  });

  it('stops at the number of configs per run', () => {
    const b = budget({ maxConfigs: 2, burst: 10 });
    let state = startBudget(b, 0);
    state = take(state, b, 0).state;
    state = take(state, b, 0).state;
    expect(take(state, b, 0).decision).toEqual({ kind: 'exhausted', limit: 'configs' });
  });

  it('reserves an estimate per started probe and counts the real bytes when it settles', () => {
    const b = budget({ maxBytes: 100_000, bytesPerProbeEstimate: 30_000, burst: 10 });
    let state = startBudget(b, 0);
    for (let i = 0; i < 3; i++) state = take(state, b, 0).state;
    // 3 x 30 kB reserved; a fourth would pass 100 kB.
    expect(take(state, b, 0).decision).toEqual({ kind: 'exhausted', limit: 'traffic' });
    state = settleProbe(state, b, 2_000);
    state = settleProbe(state, b, 2_000);
    expect(state).toMatchObject({ bytes: 4_000, reserved: 30_000 });
    expect(take(state, b, 0).decision).toEqual({ kind: 'go' });
  });

  it('stops once real traffic has used the budget', () => {
    const b = budget({ maxBytes: 50_000, bytesPerProbeEstimate: 1_000, burst: 10 });
    let state = take(startBudget(b, 0), b, 0).state;
    state = settleProbe(state, b, 49_500);
    expect(take(state, b, 0).decision).toEqual({ kind: 'exhausted', limit: 'traffic' });
  });
});
