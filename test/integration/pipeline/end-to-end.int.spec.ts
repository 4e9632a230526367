import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseCatalogOrThrow } from '../../../services/core/catalog/parse-catalog.ts';
import { startFetcher } from '../../../services/fetcher/fetcher.ts';
import type { Fetcher } from '../../../services/fetcher/fetcher.ts';
import type { SourceSnapshot } from '../../../services/generated/events.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { loadCatalog } from '../../../services/pipeline/catalog-loader.ts';
import { corpusSources, currentProblems, expectedMerged } from '../../helpers/pipeline-fixtures.ts';
import type { FixtureSource } from '../../helpers/pipeline-fixtures.ts';
import { pipelineFixture } from './pipeline-fixture.ts';
import type { PipelineFixture } from './pipeline-fixture.ts';
import { fixtureCatalog, startSubscriptionServer } from './subscription-server.ts';
import type { SubscriptionServer } from './subscription-server.ts';

const WAIT = { timeout: 180_000, interval: 1000 } as const;
const EXPIRE_AFTER_MS = 45_000;

/** The corpus' plain share-link lists, whose lines the test can drop and add one by one. */
function lines(source: FixtureSource): string[] {
  return source.body
    .toString('utf8')
    .split('\n')
    .filter((l) => l.includes('://'));
}

describe('end to end: HTTP sources -> fetcher -> parser -> merger on the real broker and registry', () => {
  let fx: PipelineFixture;
  let server: SubscriptionServer | undefined;
  let fetcher: Fetcher | undefined;

  beforeEach(async () => {
    fx = await pipelineFixture('it-e2e');
  });

  afterEach(async () => {
    await fetcher?.stop();
    await server?.close();
    await fx.cleanup();
  });

  it('holds exactly the merged corpus after one fetch round, then follows one source through changes, failures, an HTML page and expiry', async () => {
    const sources = corpusSources();
    const changing = sources.find((s) => s.id.includes('a1172cd98c41') && s.id.endsWith('proxy-configs-txt'));
    if (changing === undefined)
      throw new Error('corpus list a1172cd98c41/configs/proxy_configs.txt not found');
    const others = sources.filter((s) => s !== changing);
    const all = lines(changing);
    const before: FixtureSource = { id: changing.id, body: Buffer.from(all.slice(0, 250).join('\n')) };
    // Configs removed (the first 60) and added (lines 250..300) in one edit.
    const after: FixtureSource = {
      id: changing.id,
      body: Buffer.from([...all.slice(60, 250), ...all.slice(250, 300)].join('\n')),
    };

    server = await startSubscriptionServer(
      new Map([...others, before].map((s) => [s.id, { status: 200, body: s.body }])),
    );
    const ids = [...others, before].map((s) => s.id);
    const loaded = await loadCatalog(parseCatalogOrThrow(fixtureCatalog(server, ids)), {
      log: fx.log,
      topic: fx.topics.catalog,
      producer: 'catalog-loader/test',
    });
    expect(loaded.published).toBe(ids.length);

    await fx.start('parser', { parser: { expireAfterMs: EXPIRE_AFTER_MS } });
    await fx.start('merger');
    fetcher = await startFetcher({
      log: fx.log,
      topics: { catalog: fx.topics.catalog, fetched: fx.topics.fetched },
      group: `${fx.topics.prefix}fetcher`,
      instanceId: 'e2e',
      logger: createLogger({ service: 'test', level: 'silent' }),
      firstFetch: 'immediately',
      politeness: { maxConcurrent: 2, minDelayMs: 0 },
      retry: { maxAttemptsPerUrl: 1, backoff: { baseMs: 500, maxMs: 1000 }, maxRetryAfterWaitMs: 1000 },
    });

    const converges = async (expected: ReturnType<typeof expectedMerged>) =>
      vi.waitFor(async () => expect(currentProblems(await fx.readCurrent(), expected)).toEqual([]), WAIT);
    const snapshotsOf = async (id: string) =>
      (await fx.readAll(fx.topics.snapshots))
        .map((r) => r.value as SourceSnapshot)
        .filter((s) => s.sourceId === id);

    // One fetch round: exactly the merge of every source, as parseSubscription + dedupe compute it.
    await converges(expectedMerged([...others, before]));

    // The source drops some configs and adds others.
    server.serve(changing.id, { status: 200, body: after.body });
    await converges(expectedMerged([...others, after]));

    // It starts failing: its configs stay.
    const seen = (await snapshotsOf(changing.id)).length;
    server.serve(changing.id, { status: 500, body: 'internal error' });
    await vi.waitFor(async () => {
      const failed = (await snapshotsOf(changing.id)).slice(seen).find((s) => s.outcome === 'http-error');
      expect(failed).toMatchObject({ httpStatus: 500, retained: true });
    }, WAIT);
    expect(currentProblems(await fx.readCurrent(), expectedMerged([...others, after]))).toEqual([]);

    // It serves an HTML error page with status 200: still kept, and the snapshot says what it was.
    const seen2 = (await snapshotsOf(changing.id)).length;
    server.serve(changing.id, {
      status: 200,
      body: '<!DOCTYPE html><html><body><h1>Rate limited</h1></body></html>',
      contentType: 'text/html',
    });
    await vi.waitFor(async () => {
      const html = (await snapshotsOf(changing.id)).slice(seen2).find((s) => s.container === 'html');
      expect(html).toMatchObject({ outcome: 'ok', retained: true, diagnostics: { HTML_BODY: 1 } });
    }, WAIT);
    expect(currentProblems(await fx.readCurrent(), expectedMerged([...others, after]))).toEqual([]);

    // Nothing usable for longer than the expiry time: its configs expire, the other sources' stay.
    await converges(expectedMerged(others));
  }, 600_000);
});
