import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MERGER_STORE } from '../../../services/core/processors/pipeline-topics.ts';
import type { SourceSnapshot } from '../../../services/generated/events.ts';
import { FETCH_OUTCOMES } from '../../../services/shared/events/fetch-outcome.ts';
import { fetchedEvent } from '../../helpers/fetch-events.ts';
import { corpusSources, currentProblems, expectedMerged } from '../../helpers/pipeline-fixtures.ts';
import type { FixtureSource } from '../../helpers/pipeline-fixtures.ts';
import { pipelineFixture } from './pipeline-fixture.ts';
import type { PipelineFixture } from './pipeline-fixture.ts';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const WAIT = { timeout: 120_000, interval: 500 } as const;

/** Lines of the corpus' plain share-link lists, for sources whose content the test controls line by line. */
function corpusLines(): string[] {
  const list = corpusSources().find(
    (s) => s.id.includes('a1172cd98c41') && s.id.endsWith('proxy-configs-txt'),
  );
  if (list === undefined) throw new Error('corpus list a1172cd98c41/configs/proxy_configs.txt not found');
  return list.body
    .toString('utf8')
    .split('\n')
    .filter((l) => l.includes('://'));
}

const source = (id: string, lines: readonly string[]): FixtureSource => ({
  id,
  body: Buffer.from(lines.join('\n')),
});

describe('parser and merger on the real broker and registry', () => {
  let fx: PipelineFixture;

  beforeEach(async () => {
    fx = await pipelineFixture();
  });

  afterEach(async () => {
    await fx.cleanup();
  });

  it('turns one fetch round of every corpus file into exactly the merged set computed with parseSubscription and dedupe', async () => {
    const sources = corpusSources();
    const expected = expectedMerged(sources);
    await fx.start('parser');
    const merger = await fx.start('merger');
    await fx.appendFetched(sources.map((s, i) => fetchedEvent({ sourceId: s.id, at: T0 + i, body: s.body })));

    await vi.waitFor(() => expect(merger.run.storeSnapshot(MERGER_STORE).size).toBe(expected.size), WAIT);
    const current = await fx.readCurrent();
    expect(currentProblems(current, expected)).toEqual([]);
    const snapshots = (await fx.readAll(fx.topics.snapshots)).map((r) => r.value as SourceSnapshot);
    expect(snapshots).toHaveLength(sources.length);
    expect(snapshots.reduce((n, s) => n + s.uniqueConfigs, 0)).toBe(
      [...expected.values()].reduce((n, e) => n + e.variants.size, 0),
    );
  });

  it('follows a source through removed and added configs, failures, an HTML error page and expiry', async () => {
    const lines = corpusLines();
    const x1 = lines.slice(0, 200);
    const y = lines.slice(100, 300);
    const x2 = [...lines.slice(50, 200), ...lines.slice(300, 350)];
    await fx.start('parser', { parser: { expireAfterMs: 6 * HOUR } });
    await fx.start('merger');
    const converges = async (sources: readonly FixtureSource[]) => {
      const expected = expectedMerged(sources);
      await vi.waitFor(
        async () => expect(currentProblems(await fx.readCurrent(), expected)).toEqual([]),
        WAIT,
      );
    };

    await fx.appendFetched([
      fetchedEvent({ sourceId: 'x', at: T0, body: x1.join('\n') }),
      fetchedEvent({ sourceId: 'y', at: T0, body: y.join('\n') }),
    ]);
    await converges([source('x', x1), source('y', y)]);

    await fx.appendFetched([fetchedEvent({ sourceId: 'x', at: T0 + HOUR, body: x2.join('\n') })]);
    await converges([source('x', x2), source('y', y)]);

    await fx.appendFetched([
      fetchedEvent({ sourceId: 'x', at: T0 + 2 * HOUR, outcome: FETCH_OUTCOMES.timeout }),
      fetchedEvent({
        sourceId: 'x',
        at: T0 + 3 * HOUR,
        body: '<html><body><h1>503 Service Unavailable</h1></body></html>',
      }),
      fetchedEvent({ sourceId: 'x', at: T0 + 4 * HOUR, outcome: FETCH_OUTCOMES.httpError, httpStatus: 500 }),
    ]);
    await vi.waitFor(async () => expect((await fx.readAll(fx.topics.snapshots)).length).toBe(6), WAIT);
    await converges([source('x', x2), source('y', y)]);

    await fx.appendFetched([
      fetchedEvent({ sourceId: 'x', at: T0 + 8 * HOUR, outcome: FETCH_OUTCOMES.connectError }),
    ]);
    await converges([source('y', y)]);

    const snapshots = (await fx.readAll(fx.topics.snapshots))
      .map((r) => r.value as SourceSnapshot)
      .filter((s) => s.sourceId === 'x');
    expect(snapshots.map((s) => [s.outcome, s.retained, s.container])).toEqual([
      ['ok', false, 'uri-list'],
      ['ok', false, 'uri-list'],
      ['timeout', true, null],
      ['ok', true, 'html'],
      ['http-error', true, null],
      ['connect-error', false, null],
    ]);
  });
});
