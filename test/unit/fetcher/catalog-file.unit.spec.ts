import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCatalogOrThrow } from '../../../services/core/catalog/parse-catalog.ts';
import { startFetcher } from '../../../services/fetcher/fetcher.ts';
import type { Fetcher } from '../../../services/fetcher/fetcher.ts';
import type { SourceToFetch } from '../../../services/fetcher/fetch-source.ts';
import { loadCatalog } from '../../../services/pipeline/catalog-loader.ts';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import { createLogger } from '../../../services/shared/logger.ts';

/** The catalog file, loaded the way `submerge catalog load` does, is what the fetcher schedules. */

const CATALOG_FILE = `
allowPrivateAddresses: true
sources:
  - id: local-a
    urls: [http://127.0.0.1:8081/a, http://127.0.0.1:8082/a]
    interval: 30m
  - id: local-b
    urls: [http://127.0.0.1:8081/b]
    tier: bulk
  - id: local-off
    urls: [http://127.0.0.1:8081/off]
    enabled: false
`;

const fetchers: Fetcher[] = [];
afterEach(async () => {
  await Promise.all(fetchers.splice(0).map((f) => f.stop()));
});

describe('catalog file to fetcher', () => {
  it('schedules every enabled entry with its mirrors, interval and the catalog-level private-address switch', async () => {
    const log = createInProcessEventLog();
    await log.ensureTopics([
      { name: 'sources.catalog.v1', partitions: 6, compacted: true },
      { name: 'sources.fetched.v1', partitions: 6, compacted: false },
    ]);
    await loadCatalog(parseCatalogOrThrow(CATALOG_FILE), {
      log,
      topic: 'sources.catalog.v1',
      producer: 'catalog/test',
    });
    const seen: SourceToFetch[] = [];
    const fetcher = await startFetcher({
      log,
      topics: { catalog: 'sources.catalog.v1', fetched: 'sources.fetched.v1' },
      group: 'fetcher',
      instanceId: 'a',
      logger: createLogger({ service: 'test', level: 'silent' }),
      firstFetch: 'immediately',
      fetchSource: (source) => {
        seen.push(source);
        return Promise.resolve({ succeeded: true, outcome: 'ok', attempts: 1, notBefore: undefined });
      },
    });
    fetchers.push(fetcher);
    // The first fetches are due at once; the scheduler's timer fires on the next turns of the loop.
    for (let i = 0; i < 200 && seen.length < 2; i += 1) await sleep(5);
    expect(fetcher.ready()).toBe(true);
    expect(seen.map((s) => s.id).sort()).toEqual(['local-a', 'local-b']);
    expect(seen.find((s) => s.id === 'local-a')).toEqual({
      id: 'local-a',
      urls: ['http://127.0.0.1:8081/a', 'http://127.0.0.1:8082/a'],
      intervalSeconds: 1_800,
      enabled: true,
      allowPrivateAddresses: true,
    });
    expect(
      fetcher.scheduler
        .snapshot()
        .map((s) => s.id)
        .sort(),
    ).toEqual(['local-a', 'local-b']);
    await log.close();
  });
});
