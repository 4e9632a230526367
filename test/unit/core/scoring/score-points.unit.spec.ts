import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PROBE_OUTCOMES, PROBE_STAGES } from '../../../../services/core/scoring/probe-evidence.ts';
import { scoreConfig } from '../../../../services/core/scoring/score-config.ts';
import type { ScoreInput } from '../../../../services/core/scoring/score-config.ts';
import { DEFAULT_SCORE_MODEL, SCORE_COMPONENT_LIST } from '../../../../services/core/scoring/score-model.ts';
import type { ScoreComponent } from '../../../../services/core/scoring/score-model.ts';
import {
  explainComponents,
  pointsOf,
  scoreOnScale,
  totalOf,
} from '../../../../services/core/scoring/score-points.ts';
import type { SourceStanding } from '../../../../services/core/scoring/source-standing.ts';
import { addProbe, EMPTY_VANTAGE } from '../../../../services/core/scoring/vantage-stats.ts';
import type { VantageStats } from '../../../../services/core/scoring/vantage-stats.ts';
import { HOUR, T0, TROJAN_TLS } from './scoring-fixtures.ts';

const model = DEFAULT_SCORE_MODEL;
const { weights } = model;
const RUNS = { numRuns: 300 };

const CONFIGS: readonly (readonly [string, string])[] = [
  ['trojan', TROJAN_TLS],
  ['vless', JSON.stringify({ protocol: 'vless', tls: { enabled: true, reality: { publicKey: 'k' } } })],
  ['vmess', JSON.stringify({ protocol: 'vmess', cipher: 'none' })],
  ['shadowsocks', JSON.stringify({ protocol: 'shadowsocks', method: 'aes-256-gcm' })],
  ['socks', JSON.stringify({ protocol: 'socks' })],
  ['mystery', 'not json'],
];

const probeArb = fc.record({
  stage: fc.constantFrom(...Object.values(PROBE_STAGES)),
  outcome: fc.constantFrom(...Object.values(PROBE_OUTCOMES)),
  latencyMs: fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: null }),
  probedAt: fc.integer({ min: T0 - 30 * 24 * HOUR, max: T0 + HOUR }),
});

const vantageArb = fc
  .array(probeArb, { maxLength: 12 })
  .map((ps): VantageStats => ps.reduce((s, p) => addProbe(s, p, model), EMPTY_VANTAGE));

const standingArb = fc.record({
  reliability: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
  demoted: fc.boolean(),
  mirrorOf: fc.option(fc.constantFrom('s0', 's1', 's2', 's3'), { nil: null }),
});

const inputArb: fc.Arbitrary<ScoreInput> = fc
  .record({
    at: fc.integer({ min: T0, max: T0 + 10 * 24 * HOUR }),
    config: fc.constantFrom(...CONFIGS),
    sourceIds: fc.uniqueArray(fc.constantFrom('s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8', 's9')),
    age: fc.integer({ min: 0, max: 60 * 24 * HOUR }),
    vantages: fc.dictionary(fc.constantFrom('eu', 'us', 'asia', ''), vantageArb),
    standing: fc.dictionary(fc.constantFrom('s0', 's1', 's2', 's3', 's4'), standingArb),
  })
  .map(({ at, config, sourceIds, age, vantages, standing }) => ({
    at,
    protocol: config[0],
    config: config[1],
    sourceIds: [...sourceIds].sort(),
    lastSeen: at - age,
    vantages,
    standing: (id: string): SourceStanding | undefined => standing[id],
  }));

const componentsArb = fc.record(
  Object.fromEntries(
    SCORE_COMPONENT_LIST.map((c) => [c, fc.double({ min: 0, max: 1, noNaN: true })]),
  ) as Record<ScoreComponent, fc.Arbitrary<number>>,
);

const isTenth = (x: number): boolean => Math.abs(Math.round(x * 10) / 10 - x) < 1e-9;

describe('score points (0-100)', () => {
  it('weighs components in whole tenths of a point that add up to 100', () => {
    const max = SCORE_COMPONENT_LIST.map((c) => 100 * weights[c]);
    for (const m of max) expect(isTenth(m)).toBe(true);
    expect(max.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 9);
  });

  it('keeps every score of any input within 0..100, with one decimal', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const { score } = scoreConfig(input, model);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
        expect(isTenth(score)).toBe(true);
      }),
      RUNS,
    );
  });

  it('makes the components’ points sum to the score, each within 0..100·weight', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const b = scoreConfig(input, model);
        let sum = 0;
        for (const c of SCORE_COMPONENT_LIST) {
          const p = b.points[c];
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(100 * b.weights[c] + 1e-9);
          expect(Math.abs(p - 100 * b.weights[c] * b.components[c])).toBeLessThanOrEqual(0.05 + 1e-9);
          sum += p;
        }
        expect(Math.abs(sum - b.score)).toBeLessThan(1e-9);
        expect(b.score).toBe(totalOf(b.points));
      }),
      RUNS,
    );
  });

  it('orders monotonically in each component: a better component never lowers the score', () => {
    fc.assert(
      fc.property(
        componentsArb,
        fc.constantFrom(...SCORE_COMPONENT_LIST),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (components, component, raise) => {
          const better = { ...components, [component]: Math.min(1, components[component] + raise) };
          const before = totalOf(pointsOf(components, weights));
          const after = totalOf(pointsOf(better, weights));
          expect(after).toBeGreaterThanOrEqual(before);
          for (const c of SCORE_COMPONENT_LIST) {
            if (c !== component) expect(pointsOf(better, weights)[c]).toBe(pointsOf(components, weights)[c]);
          }
        },
      ),
      RUNS,
    );
  });

  it('gives the full 100 only when every component is full, and 0 when none earns anything', () => {
    const all = (v: number) =>
      Object.fromEntries(SCORE_COMPONENT_LIST.map((c) => [c, v])) as Record<ScoreComponent, number>;
    expect(totalOf(pointsOf(all(1), weights))).toBe(100);
    expect(totalOf(pointsOf(all(0), weights))).toBe(0);
    expect(totalOf(pointsOf({ ...all(1), latency: 0.99 }, weights))).toBeLessThan(100);
  });

  it('explains an event’s components with the same points the scorer summed', () => {
    fc.assert(
      fc.property(inputArb, (input) => {
        const b = scoreConfig(input, model);
        const explained = explainComponents(b.components, b.weights);
        for (const c of SCORE_COMPONENT_LIST) {
          expect(explained[c]).toEqual({ value: b.components[c], weight: b.weights[c], points: b.points[c] });
        }
      }),
      RUNS,
    );
  });

  it('brings score-1 fractions onto the 0-100 scale and leaves score-2 scores as they are', () => {
    const components = { reachability: 0.5, security: 0.9 };
    const w = { reachability: 0.6, security: 0.4 };
    expect(scoreOnScale({ score: 0.66, scoreModel: 'score-1', components, weights: w })).toBe(66);
    expect(scoreOnScale({ score: 0.66, scoreModel: '', components: {}, weights: {} })).toBe(66);
    expect(scoreOnScale({ score: 66, scoreModel: 'score-2', components, weights: w })).toBe(66);
  });
});
