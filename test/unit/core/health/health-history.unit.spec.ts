import { describe, expect, it } from 'vitest';
import { runHistory, steady } from '../anomaly/synthetic-history.ts';
import type { FetchSpec } from '../anomaly/synthetic-history.ts';

const good: FetchSpec = {
  table: { carried: 300, probed: 200, working: 120, exclusive: 100, exclusiveWorking: 40 },
};
const dead: FetchSpec = {
  table: { carried: 300, probed: 200, working: 0, exclusive: 100, exclusiveWorking: 0 },
};

describe('source health from a history', () => {
  it('publishes health with reliability components on every fetch', () => {
    const run = runHistory(steady(3, good));
    expect(run.health).toHaveLength(3);
    const h = run.health.at(-1);
    expect(h).toMatchObject({
      status: 'healthy',
      demoted: false,
      probedConfigs: 200,
      workingConfigs: 120,
      exclusiveConfigs: 100,
    });
    expect(h?.reliability).toBeGreaterThan(0.8);
    expect(Object.keys(h?.reliabilityComponents ?? {})).toHaveLength(4);
  });

  it('demotes a source whose configs stopped working, and restores it after it recovers', () => {
    const run = runHistory([...steady(5, good), ...steady(4, dead), ...steady(4, good)]);
    const demoted = run.health.map((h) => h.demoted);
    // Below the threshold from fetch 5; demoted on the second evaluation, restored on the second good one.
    expect(demoted).toEqual(Array.from({ length: 13 }, (_, i) => i >= 6 && i <= 9));
    const first = run.health.findIndex((h) => h.demoted);
    expect(run.health[first]?.status).toBe('degraded');
    expect(run.health[first]?.demotedSince).toBe(run.health[first]?.lastFetchAt);
    expect(run.health.at(-1)?.demotedSince).toBeNull();
  });

  it('tracks the last success, the last content change and the failure streak', () => {
    const run = runHistory([
      { sha: 'a'.repeat(64) },
      { sha: 'a'.repeat(64) },
      { outcome: 'timeout' },
      { outcome: 'timeout' },
    ]);
    const h = run.health.at(-1);
    expect(h?.consecutiveFailures).toBe(2);
    expect(h?.lastOutcome).toBe('timeout');
    expect(h?.lastSuccessAt).toBe(run.health[1]?.lastFetchAt);
    expect(h?.lastChangeAt).toBe(run.health[0]?.lastFetchAt);
    expect(h?.status).toBe('healthy');
  });
});
