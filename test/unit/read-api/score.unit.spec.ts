import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigScored } from '../../../services/generated/events.ts';
import { readApiTopics } from '../../../services/core/read-model/read-topics.ts';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import type { InProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import { catalogEvent, currentEvent, scoredEvent, syntheticConfig } from './read-fixtures.ts';
import { readApiLogTopics, startReadApi } from './read-api-harness.ts';
import type { ReadApiHarness } from './read-api-harness.ts';

// The score as the read API serves it: 0-100, filtered by minScore, sorted by sort=score, and
// explained per component in /configs.

const topics = readApiTopics();
const COUNT = 24;
/** Configs 0..19 are scored 0, 5, ..., 95; 20..22 are not scored; 23 carries a score-1 event. */
const SCORED = 20;
const LEGACY = 23;

interface Row {
  readonly name: string;
  readonly score: number | null;
  readonly verdict: string | null;
  readonly scoreComponents: Record<string, { value: number; weight: number; points: number }> | null;
}

const events = Array.from({ length: COUNT }, (_, i) =>
  currentEvent(syntheticConfig(i), [{ sourceId: 'src-a' }]),
);

/** What score-1 wrote: the weighted sum as a fraction, rounded to three decimals. */
function legacyEvent(index: number): ConfigScored {
  const event = events[index];
  if (event === undefined) throw new Error('no such event');
  return {
    ...scoredEvent(event, 0),
    score: 0.811,
    components: { reachability: 0.9, security: 0.6 },
    weights: { reachability: 0.7, security: 0.3 },
    points: {},
    scoreModel: 'score-1',
  };
}

describe('scores in the read API', () => {
  let log: InProcessEventLog;
  let api: ReadApiHarness;

  beforeAll(async () => {
    log = createInProcessEventLog();
    await log.ensureTopics(readApiLogTopics(topics));
    await log.append([
      { topic: topics.read.catalog, key: 'src-a', value: catalogEvent('src-a', 'premium') },
      ...events.map((e) => ({ topic: topics.read.current, key: e.fingerprint, value: e })),
      ...events.slice(0, SCORED).map((e, i) => ({
        topic: topics.read.scored,
        key: e.fingerprint,
        value: scoredEvent(e, i * 5, 100 + i),
      })),
      { topic: topics.read.scored, key: events[LEGACY]?.fingerprint ?? '', value: legacyEvent(LEGACY) },
    ]);
    api = await startReadApi({ log });
  });

  afterAll(async () => {
    await api.close();
    await log.close();
  });

  const page = async (query: string): Promise<Row[]> => {
    const answer = await api.app.inject({ url: `/configs?limit=100&${query}` });
    expect(answer.statusCode).toBe(200);
    return answer.json<{ items: Row[] }>().items;
  };

  it('keeps only configs scored at or above minScore=75, on the 0-100 scale', async () => {
    const rows = await page('minScore=75');
    expect(rows.map((r) => r.score).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual([75, 80, 81, 85, 90, 95]);
    const uris = (await api.app.inject({ url: '/sub/uri?minScore=75' })).body.trim().split('\n');
    expect(uris).toHaveLength(6);
    expect(await page('minScore=0')).toHaveLength(SCORED + 1);
    expect(await page('minScore=100')).toHaveLength(0);
  });

  it('sorts by score, highest first, with unscored configs last', async () => {
    const scores = (await page('sort=score')).map((r) => r.score);
    expect(scores.slice(0, 3)).toEqual([95, 90, 85]);
    const scored = scores.filter((s): s is number => s !== null);
    expect(scored).toEqual([...scored].sort((a, b) => b - a));
    expect(scores.slice(SCORED + 1)).toEqual([null, null, null]);
    expect((await page('sort=score'))[0]?.name).toBe(syntheticConfig(19).name);
  });

  it('explains each score: per component its value, weight and points, and the points sum to the score', async () => {
    const rows = await page('sort=score');
    for (const row of rows) {
      if (row.score === null) {
        expect(row.scoreComponents).toBeNull();
        continue;
      }
      const parts = Object.values(row.scoreComponents ?? {});
      expect(parts.length).toBeGreaterThan(0);
      for (const p of parts)
        expect(Math.abs(p.points - 100 * p.weight * p.value)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(parts.reduce((s, p) => s + p.points, 0)).toBeCloseTo(row.score, 6);
    }
    const detail = await api.app.inject({ url: `/configs/${events[19]?.fingerprint ?? ''}` });
    expect(detail.json<{ scoreDetail: unknown }>().scoreDetail).toMatchObject({
      score: 95,
      verdict: 'working',
      components: { reachability: { value: 0.95, weight: 1, points: 95 } },
    });
  });

  it('serves score-1 events, written as fractions, on the 0-100 scale as the sum of their points', async () => {
    const legacy = (await page('minScore=81')).find((r) => r.score !== null && r.score < 85);
    expect(legacy?.score).toBe(81);
    expect(legacy?.scoreComponents).toEqual({
      reachability: { value: 0.9, weight: 0.7, points: 63 },
      security: { value: 0.6, weight: 0.3, points: 18 },
    });
  });

  it.each(['150', '-1', 'abc', '1e3'])(
    'answers 400 INVALID_SCORE naming the 0-100 range for minScore=%s',
    async (value) => {
      for (const url of [`/configs?minScore=${value}`, `/sub/uri?minScore=${value}`]) {
        const answer = await api.app.inject({ url });
        expect(answer.statusCode).toBe(400);
        const body = answer.json<{ error: { code: string; message: string } }>();
        expect(body.error.code).toBe('INVALID_SCORE');
        expect(body.error.message).toContain('between 0 and 100');
      }
    },
  );
});
