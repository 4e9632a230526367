import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCORE_MODEL } from '../../../../services/core/scoring/score-model.ts';
import { addProbe, EMPTY_VANTAGE, viewAt } from '../../../../services/core/scoring/vantage-stats.ts';
import type { ProbeFacts } from '../../../../services/core/scoring/vantage-stats.ts';
import { HOUR, T0 } from './scoring-fixtures.ts';

const model = DEFAULT_SCORE_MODEL;
const probe = (at: number, outcome = 'ok', latencyMs: number | null = 200, stage = 'proxy'): ProbeFacts => ({
  stage,
  outcome,
  latencyMs,
  probedAt: at,
});
const fold = (probes: readonly ProbeFacts[]) => probes.reduce((s, p) => addProbe(s, p, model), EMPTY_VANTAGE);

describe('vantage evidence', () => {
  it('starts at the prior and moves towards the observed success share', () => {
    expect(viewAt(EMPTY_VANTAGE, T0, model).reachability).toBeCloseTo(model.priorReachability);
    const one = viewAt(fold([probe(T0)]), T0, model);
    expect(one.reachability).toBeCloseTo((1 + 0.25) / 2);
    const ten = viewAt(fold(Array.from({ length: 10 }, (_, i) => probe(T0 + i))), T0 + 10, model);
    expect(ten.reachability).toBeGreaterThan(0.9);
  });

  it('lets old evidence fade back to the prior with the probe half-life', () => {
    const stats = fold([probe(T0), probe(T0 + 1)]);
    const fresh = viewAt(stats, T0 + 1, model);
    const halfLife = viewAt(stats, T0 + 1 + model.probeHalfLifeMs, model);
    const week = viewAt(stats, T0 + 7 * 24 * HOUR, model);
    expect(halfLife.evidence).toBeCloseTo(fresh.evidence / 2, 3);
    expect(week.reachability).toBeCloseTo(model.priorReachability, 2);
  });

  it('weighs a recent failure above an old success', () => {
    const stats = fold([probe(T0), probe(T0 + 12 * HOUR, 'timeout', null)]);
    expect(viewAt(stats, T0 + 12 * HOUR, model).reachability).toBeLessThan(0.3);
  });

  it('ignores core errors and unsupported configs as evidence but remembers the latest outcome', () => {
    const stats = fold([probe(T0), probe(T0 + 1, 'core-error', null), probe(T0 + 2, 'unsupported', null)]);
    expect(stats.probes).toBe(1);
    expect(stats.lastOutcome).toBe('unsupported');
    expect(viewAt(stats, T0 + 2, model).reachability).toBeCloseTo(
      viewAt(fold([probe(T0)]), T0 + 2, model).reachability,
    );
  });

  it('gives a cheap-stage pass partial credit and no latency', () => {
    const view = viewAt(fold([probe(T0, 'ok', 30, 'tls')]), T0, model);
    expect(view.reachability).toBeCloseTo((model.cheapStageCredit + 0.25) / 2);
    expect(view.latencyMs).toBeNull();
  });

  it('summarises latency as a decayed geometric mean, robust to one slow probe', () => {
    const view = viewAt(
      fold([probe(T0, 'ok', 100), probe(T0 + 1, 'ok', 100), probe(T0 + 2, 'ok', 10_000)]),
      T0 + 2,
      model,
    );
    expect(view.latencyMs).toBeGreaterThan(100);
    expect(view.latencyMs).toBeLessThan(600);
  });

  it('lands on the same evidence whatever order the probes arrive in', () => {
    const arbProbe = fc.record({
      at: fc.integer({ min: 0, max: 14 * 24 }).map((h) => T0 + h * HOUR),
      outcome: fc.constantFrom('ok', 'timeout', 'refused', 'core-error'),
      latency: fc.integer({ min: 20, max: 5000 }),
    });
    fc.assert(
      fc.property(fc.array(arbProbe, { minLength: 1, maxLength: 30 }), fc.integer(), (items, seed) => {
        const probes = items.map((p) => probe(p.at, p.outcome, p.outcome === 'ok' ? p.latency : null));
        const shuffled = [...probes].sort(
          (a, b) => ((a.probedAt * 31 + seed) % 97) - ((b.probedAt * 31 + seed) % 97),
        );
        const at = T0 + 15 * 24 * HOUR;
        const a = viewAt(fold(probes), at, model);
        const b = viewAt(fold(shuffled), at, model);
        expect(b.reachability).toBeCloseTo(a.reachability, 9);
        expect(b.evidence).toBeCloseTo(a.evidence, 9);
        if (a.latencyMs === null) expect(b.latencyMs).toBeNull();
        else expect(b.latencyMs).toBeCloseTo(a.latencyMs, 6);
      }),
    );
  });
});
