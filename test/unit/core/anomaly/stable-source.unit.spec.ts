import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runHistory } from './synthetic-history.ts';
import type { FetchSpec } from './synthetic-history.ts';

/**
 * A noisy but stable source: every metric wobbles around its own level by up to what real
 * sources show from fetch to fetch (counts ±25%, fetch latency ×/÷1.7, diagnostic rate ±0.06,
 * shares ±0.12..±25%), content changes or stays as it likes, and a fetch fails now and then
 * (never two within the flapping span). No history of that kind may raise any anomaly.
 */
const unit = fc.double({ min: -1, max: 1, noNaN: true });

const stableSource = fc
  .record({
    length: fc.integer({ min: 10, max: 60 }),
    level: fc.integer({ min: 20, max: 5000 }),
    bytesPerConfig: fc.integer({ min: 80, max: 400 }),
    container: fc.constantFrom('uri-list', 'base64', 'clash', 'sing-box'),
    diagnosticRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
    fetchMs: fc.integer({ min: 50, max: 3000 }),
    probedShare: fc.double({ min: 0.5, max: 1, noNaN: true }),
    workingShare: fc.double({ min: 0.2, max: 0.9, noNaN: true }),
    exclusiveShare: fc.double({ min: 0, max: 1, noNaN: true }),
    topShare: fc.oneof(fc.double({ min: 0.05, max: 0.5, noNaN: true }), fc.constant(1)),
    similarity: fc.double({ min: 0, max: 0.5, noNaN: true }),
    seed: fc.array(fc.tuple(unit, unit, unit, unit, unit, unit, unit, fc.boolean()), {
      minLength: 60,
      maxLength: 60,
    }),
    failures: fc.array(fc.integer({ min: 0, max: 59 }), { maxLength: 6 }),
  })
  .map((s): FetchSpec[] => {
    const failAt = new Set<number>();
    for (const f of [...s.failures].sort((a, b) => a - b)) {
      if (f < s.length && [...failAt].every((g) => Math.abs(g - f) >= 8)) failAt.add(f);
    }
    let sha = 0;
    return Array.from({ length: s.length }, (_, i): FetchSpec => {
      if (failAt.has(i)) return { outcome: 'timeout' };
      const [a, b, c, d, e, f, g, unchanged] = s.seed[i] ?? [0, 0, 0, 0, 0, 0, 0, false];
      const configs = Math.max(1, Math.round(s.level * (1 + 0.25 * a)));
      const rate = Math.min(0.9, Math.max(0, s.diagnosticRate + 0.06 * b));
      const probed = Math.round(configs * s.probedShare);
      const working = Math.round(probed * s.workingShare * (1 + 0.25 * c));
      const exclusive = Math.round(configs * Math.min(1, Math.max(0, s.exclusiveShare + 0.12 * d)));
      const topShare = s.topShare === 1 ? 1 : Math.min(1, Math.max(0, s.topShare + 0.15 * e));
      if (!unchanged || i === 0) sha += 1;
      return {
        configs,
        container: s.container,
        bytes: Math.round(configs * s.bytesPerConfig * (1 + 0.1 * f)),
        diagnostics: Math.round((rate * configs) / (1 - rate)),
        sha: sha.toString(16).padStart(64, '0'),
        fetchMs: Math.round(s.fetchMs * Math.pow(1.7, g)),
        table: {
          carried: configs,
          probed,
          working,
          exclusive,
          exclusiveWorking: Math.min(exclusive, working),
          topShare,
          closest: {
            sourceId: 'src-b',
            jaccard: Math.min(1, Math.max(0, s.similarity + 0.1 * a)),
            shared: 0,
            otherCarried: configs,
          },
        },
      };
    });
  });

describe('a noisy but stable source', () => {
  it('never raises an anomaly and stays healthy', () => {
    fc.assert(
      fc.property(stableSource, (history) => {
        const run = runHistory(history);
        expect(run.transitions).toEqual([]);
        expect(run.health.filter((h) => h.status !== 'healthy').map((h) => h.status)).toEqual([]);
        expect(run.health.some((h) => h.demoted)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});
