import { describe, expect, it } from 'vitest';
import { HOUR, runHistory, steady } from './synthetic-history.ts';
import type { FetchSpec } from './synthetic-history.ts';

/** Deterministic wobble: ±amplitude around 1, never repeating exactly. */
const wobble = (i: number, amplitude = 0.05) => 1 + amplitude * Math.sin(i * 2.4);
const noisy = (n: number, level: number, spec: FetchSpec = {}): FetchSpec[] =>
  Array.from({ length: n }, (_, i) => ({ ...spec, configs: Math.round(level * wobble(i)) }));

describe('anomaly detectors on synthetic histories', () => {
  describe('count collapse', () => {
    it('opens a warning when the count falls to a third of its baseline', () => {
      const run = runHistory([...noisy(10, 1000), { configs: 300 }]);
      expect(run.transitions).toEqual(['opened count-collapse warning']);
      const a = run.anomalies[0];
      expect(a?.observed).toBe(300);
      expect(a?.expected).toBeGreaterThan(950);
      expect(a?.evidence['baselinePoints']).toBe('10');
      expect(Number(a?.evidence['robustZ'])).toBeLessThan(-3.5);
    });

    it('is critical when the body is empty', () => {
      const run = runHistory([...noisy(10, 1000), { container: 'empty', configs: 0, sha: null }]);
      expect(run.transitions).toEqual(['opened count-collapse critical']);
    });

    it('escalates when a collapse deepens and resolves after two fetches back at the baseline', () => {
      const run = runHistory([
        ...noisy(10, 1000),
        { configs: 300 },
        { configs: 20 },
        { configs: 1000 },
        { configs: 990 },
      ]);
      expect(run.transitions).toEqual([
        'opened count-collapse warning',
        'escalated count-collapse critical',
        'resolved count-collapse critical',
      ]);
      expect(run.anomalies[2]?.openedAt).toBe(run.anomalies[0]?.detectedAt);
    });

    it('does not resolve on one good fetch in the middle of a bad spell', () => {
      const run = runHistory([...noisy(10, 1000), { configs: 300 }, { configs: 1000 }, { configs: 250 }]);
      expect(run.transitions).toEqual(['opened count-collapse warning']);
    });

    it('stays quiet for a source whose own past swings as much', () => {
      const swinging = Array.from({ length: 12 }, (_, i) => ({ configs: i % 2 === 0 ? 100 : 1000 }));
      expect(runHistory([...swinging, { configs: 45 }]).transitions).toEqual([]);
    });

    it('says nothing before the source has a baseline', () => {
      expect(runHistory([...noisy(3, 1000), { configs: 10 }]).transitions).toEqual([]);
    });

    it('does not treat a failed fetch as a collapse', () => {
      const run = runHistory([...noisy(10, 1000), { outcome: 'timeout' }, { configs: 1000 }]);
      expect(run.transitions).toEqual([]);
    });
  });

  it('opens count-explosion when the count jumps far above its baseline', () => {
    const run = runHistory([...noisy(10, 200), { configs: 2000 }]);
    expect(run.transitions).toEqual(['opened count-explosion warning']);
  });

  it('opens format-switch when the container differs from the one the source always served', () => {
    const run = runHistory([...noisy(10, 500), { configs: 500, container: 'clash' }]);
    expect(run.transitions).toEqual(['opened format-switch warning']);
    expect(run.anomalies[0]?.evidence).toMatchObject({ from: 'uri-list', to: 'clash' });
  });

  it('reports an HTML page instead of the subscription as critical, and only that', () => {
    const run = runHistory([...noisy(10, 500), { container: 'html', configs: 0, bytes: 5000 }]);
    expect(run.transitions).toEqual(['opened html-body critical']);
    expect(run.health.at(-1)?.status).toBe('degraded');
  });

  it('reports HTML from a source that never served a subscription as a warning', () => {
    expect(runHistory([{ container: 'html', configs: 0 }]).transitions).toEqual(['opened html-body warning']);
  });

  describe('mirror', () => {
    const partner = (jaccard: number) => ({
      sourceId: 'src-b',
      shared: Math.round(jaccard * 400),
      jaccard,
      otherCarried: 420,
    });

    it('warns when an independent source starts carrying nearly the same configs as another', () => {
      const run = runHistory([
        ...steady(8, { table: { carried: 400, closest: partner(0.1) } }),
        { table: { carried: 400, closest: partner(0.95) } },
      ]);
      expect(run.transitions).toEqual(['opened mirror warning']);
      expect(run.anomalies[0]?.relatedSourceId).toBe('src-b');
      expect(run.health.at(-1)?.mirrorOf).toBe('src-b');
    });

    it('notes a source that always was a mirror as information, and holds it above the lower threshold', () => {
      const run = runHistory([
        ...steady(3, { table: { carried: 400, closest: partner(0.97) } }),
        ...steady(3, { table: { carried: 400, closest: partner(0.75) } }),
        ...steady(2, { table: { carried: 400, closest: partner(0.3) } }),
      ]);
      expect(run.transitions).toEqual(['opened mirror info', 'resolved mirror info']);
    });

    it('names the bigger of two mirrored sources as the original', () => {
      const big = { sourceId: 'src-b', shared: 380, jaccard: 0.9, otherCarried: 300 };
      const run = runHistory([{ table: { carried: 400, closest: big } }]);
      expect(run.transitions).toEqual(['opened mirror info']);
      expect(run.health.at(-1)?.mirrorOf).toBeNull();
    });
  });

  it('opens host-concentration when every config suddenly points at one network', () => {
    const run = runHistory([
      ...steady(8, { table: { carried: 400, topShare: 0.2 } }),
      { table: { carried: 400, topShare: 1, topNetwork: '198.51.100.0/24' } },
    ]);
    expect(run.transitions).toEqual(['opened host-concentration warning']);
    expect(run.anomalies[0]?.evidence['network']).toBe('198.51.100.0/24');
  });

  it('accepts a source that always pointed at one network', () => {
    const run = runHistory(steady(12, { table: { carried: 400, topShare: 1 } }));
    expect(run.transitions).toEqual([]);
  });

  it('opens working-drop when the share of its configs passing probes collapses', () => {
    const run = runHistory([
      ...Array.from({ length: 8 }, (_, i) => ({
        table: { carried: 400, probed: 300, working: 180 + (i % 3) * 5 },
      })),
      { table: { carried: 400, probed: 300, working: 9 } },
    ]);
    expect(run.transitions).toEqual(['opened working-drop critical']);
    expect(run.anomalies[0]?.evidence).toMatchObject({ working: '9', probed: '300' });
  });

  describe('flapping', () => {
    it('opens when the source goes up and down repeatedly', () => {
      const run = runHistory([
        ...noisy(6, 500),
        ...Array.from({ length: 8 }, (_, i): FetchSpec =>
          i % 2 === 0 ? { outcome: 'timeout' } : { configs: 500 },
        ),
      ]);
      expect(run.transitions).toContain('opened flapping warning');
      expect(run.anomalies.find((a) => a.kind === 'flapping')?.evidence['mode']).toBe('availability');
    });

    it('opens when the content alternates between two bodies', () => {
      const run = runHistory(
        Array.from({ length: 10 }, (_, i): FetchSpec => ({
          configs: 500,
          sha: i % 2 === 0 ? 'a'.repeat(64) : 'b'.repeat(64),
        })),
      );
      expect(run.transitions).toEqual(['opened flapping warning']);
      expect(run.anomalies[0]?.evidence['mode']).toBe('content');
    });
  });

  it('opens error-streak at three failures in a row, escalates at ten and resolves on success', () => {
    const run = runHistory([...noisy(5, 500), ...steady(10, { outcome: 'timeout' }), ...noisy(2, 500)]);
    expect(run.transitions).toEqual([
      'opened error-streak warning',
      'escalated error-streak critical',
      'resolved error-streak critical',
    ]);
    expect(run.health.map((h) => h.status)).toContain('failing');
  });

  it('notes a diagnostic spike', () => {
    const run = runHistory([...noisy(10, 500, { diagnostics: 5 }), { configs: 500, diagnostics: 400 }]);
    expect(run.transitions).toEqual(['opened diagnostic-spike info']);
  });

  it('notes a size shift the count does not explain', () => {
    const run = runHistory([...noisy(10, 500), { configs: 500, bytes: 500 * 120 * 5 }]);
    expect(run.transitions).toEqual(['opened size-shift info']);
  });

  it('notes a latency spike, even when the fetch latency is read after its snapshot', () => {
    const run = runHistory([
      ...Array.from({ length: 10 }, (_, i): FetchSpec => ({ fetchMs: 200 + i * 7 })),
      { fetchMs: 5000 },
    ]);
    expect(run.transitions).toEqual(['opened latency-spike info']);
  });

  it('notes a shift of the share of configs other sources also carry', () => {
    const run = runHistory([
      ...steady(8, { table: { carried: 400, exclusive: 360 } }),
      { table: { carried: 400, exclusive: 20 } },
    ]);
    expect(run.transitions).toEqual(['opened duplicate-shift info']);
  });

  it('does not sample the table for snapshots replayed from long ago', () => {
    const run = runHistory(
      [...steady(8, { table: { carried: 400, topShare: 0.2 } }), { table: { carried: 400, topShare: 1 } }],
      { liveWindowMs: HOUR },
    );
    expect(run.transitions).toEqual([]);
  });
});
