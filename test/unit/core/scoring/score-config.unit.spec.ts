import { describe, expect, it } from 'vitest';
import { scoreConfig } from '../../../../services/core/scoring/score-config.ts';
import type { ScoreInput } from '../../../../services/core/scoring/score-config.ts';
import { DEFAULT_SCORE_MODEL, SCORE_COMPONENT_LIST } from '../../../../services/core/scoring/score-model.ts';
import type { SourceStanding } from '../../../../services/core/scoring/source-standing.ts';
import { addProbe, EMPTY_VANTAGE } from '../../../../services/core/scoring/vantage-stats.ts';
import type { VantageStats } from '../../../../services/core/scoring/vantage-stats.ts';
import { HOUR, T0, TROJAN_TLS } from './scoring-fixtures.ts';

const model = DEFAULT_SCORE_MODEL;

const probes = (outcomes: readonly [number, string, number | null][]): VantageStats =>
  outcomes.reduce(
    (s, [at, outcome, latencyMs]) => addProbe(s, { stage: 'proxy', outcome, latencyMs, probedAt: at }, model),
    EMPTY_VANTAGE,
  );

const input = (over: Partial<ScoreInput> = {}): ScoreInput => ({
  at: T0,
  protocol: 'trojan',
  config: TROJAN_TLS,
  sourceIds: ['s1'],
  lastSeen: T0,
  vantages: {},
  standing: () => undefined,
  ...over,
});

const standings = (table: Record<string, SourceStanding>) => (id: string) => table[id];

describe('scoreConfig', () => {
  it('is 100 times the weighted sum of its components, as points, with weights that add up to 1', () => {
    const b = scoreConfig(input({ vantages: { eu: probes([[T0, 'ok', 300]]) } }), model);
    const sum = SCORE_COMPONENT_LIST.reduce((s, c) => s + b.weights[c] * b.components[c], 0);
    expect(b.score).toBeCloseTo(100 * sum, 0);
    for (const c of SCORE_COMPONENT_LIST) {
      expect(Math.abs(b.points[c] - 100 * b.weights[c] * b.components[c])).toBeLessThanOrEqual(0.05 + 1e-9);
    }
    expect(SCORE_COMPONENT_LIST.reduce((s, c) => s + b.weights[c], 0)).toBeCloseTo(1, 9);
    for (const c of SCORE_COMPONENT_LIST) {
      expect(b.components[c]).toBeGreaterThanOrEqual(0);
      expect(b.components[c]).toBeLessThanOrEqual(1);
    }
    expect(b.model).toBe(model.id);
  });

  it('ranks a working config above an unprobed one, and an unprobed one above a failing one', () => {
    const working = scoreConfig(
      input({
        vantages: {
          eu: probes([
            [T0 - HOUR, 'ok', 200],
            [T0, 'ok', 220],
          ]),
        },
      }),
      model,
    );
    const unprobed = scoreConfig(input(), model);
    const failing = scoreConfig(
      input({
        vantages: {
          eu: probes([
            [T0 - HOUR, 'timeout', null],
            [T0, 'refused', null],
          ]),
        },
      }),
      model,
    );
    expect(working.verdict).toBe('working');
    expect(unprobed.verdict).toBe('unprobed');
    expect(failing.verdict).toBe('failing');
    expect(working.score).toBeGreaterThan(unprobed.score);
    expect(unprobed.score).toBeGreaterThan(failing.score);
  });

  it('prefers the faster of two working configs', () => {
    const fast = scoreConfig(input({ vantages: { eu: probes([[T0, 'ok', 120]]) } }), model);
    const slow = scoreConfig(input({ vantages: { eu: probes([[T0, 'ok', 2500]]) } }), model);
    expect(fast.components.latency).toBe(1);
    expect(slow.components.latency).toBeLessThan(0.1);
    expect(fast.score).toBeGreaterThan(slow.score);
  });

  it('keeps probe evidence per vantage and combines vantages without letting the busiest outvote the rest', () => {
    const eu = probes(
      Array.from({ length: 20 }, (_, i) => [T0 - i * 60_000, 'ok', 100] as [number, string, number]),
    );
    const asia = probes([[T0, 'timeout', null]]);
    const b = scoreConfig(input({ vantages: { eu, asia } }), model);
    expect(b.vantages.map((v) => v.vantage)).toEqual(['asia', 'eu']);
    expect(b.vantages[1]?.reachability).toBeGreaterThan(0.9);
    expect(b.vantages[0]?.reachability).toBeLessThan(0.2);
    expect(b.components.reachability).toBeGreaterThan(0.45);
    expect(b.components.reachability).toBeLessThan(0.65);
  });

  it('decays reachability and freshness with time, so a config nobody confirms sinks', () => {
    const vantages = { eu: probes([[T0, 'ok', 200]]) };
    const now = scoreConfig(input({ vantages }), model);
    const later = scoreConfig(input({ vantages, at: T0 + 3 * 24 * HOUR }), model);
    expect(later.components.freshness).toBeCloseTo(0.125, 2);
    expect(later.components.reachability).toBeLessThan(now.components.reachability);
    expect(later.verdict).toBe('unprobed');
    expect(later.score).toBeLessThan(now.score);
  });

  it('counts mirrors of one source once and demoted sources not at all', () => {
    const table = standings({
      a: { reliability: 0.9, demoted: false, mirrorOf: null },
      b: { reliability: 0.8, demoted: false, mirrorOf: 'a' },
      c: { reliability: 0.7, demoted: false, mirrorOf: 'b' },
      d: { reliability: 0.95, demoted: true, mirrorOf: null },
      e: { reliability: 0.4, demoted: false, mirrorOf: null },
    });
    const b = scoreConfig(input({ sourceIds: ['a', 'b', 'c', 'd', 'e'], standing: table }), model);
    const two = scoreConfig(input({ sourceIds: ['a', 'e'], standing: table }), model);
    expect(b.components.sources).toBe(two.components.sources);
    expect(b.components.sourceReliability).toBe(0.9);
    expect(b.notes).toContain('5 sources, 2 independent, 2 mirrors, 1 demoted');
  });

  it('gives no source credit to a config carried only by demoted sources', () => {
    const b = scoreConfig(
      input({
        sourceIds: ['d'],
        standing: standings({ d: { reliability: 0.9, demoted: true, mirrorOf: null } }),
      }),
      model,
    );
    expect(b.components.sources).toBe(0);
    expect(b.components.sourceReliability).toBe(0);
    expect(b.notes).toContain('every carrying source is demoted');
  });

  it('assumes a middling reliability for a source without health yet', () => {
    expect(scoreConfig(input(), model).components.sourceReliability).toBe(model.unknownReliability);
  });

  it('saturates the sources component at the configured number of independent sources', () => {
    const ids = Array.from({ length: 12 }, (_, i) => `s${i}`);
    expect(scoreConfig(input({ sourceIds: ids.slice(0, 8) }), model).components.sources).toBe(1);
    expect(scoreConfig(input({ sourceIds: ids.slice(0, 1) }), model).components.sources).toBeCloseTo(
      0.315,
      2,
    );
  });
});
