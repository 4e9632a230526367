import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { planReplay } from '../../../services/cli/replay-plan.ts';
import { executeReplay } from '../../../services/cli/replay.ts';
import { parseCatalogOrThrow } from '../../../services/core/catalog/parse-catalog.ts';
import { parseSubscription } from '../../../services/core/formats/parse-subscription.ts';
import { fingerprint } from '../../../services/core/identity/fingerprint.ts';
import { startFetcher } from '../../../services/fetcher/fetcher.ts';
import type { Fetcher } from '../../../services/fetcher/fetcher.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { loadCatalog } from '../../../services/pipeline/catalog-loader.ts';
import { fetchedEvent } from '../../helpers/fetch-events.ts';
import { pipelineFixture } from './pipeline-fixture.ts';
import type { PipelineFixture } from './pipeline-fixture.ts';
import { startSubscriptionServer } from './subscription-server.ts';
import type { SubscriptionServer } from './subscription-server.ts';

const WAIT = { timeout: 120_000, interval: 500 } as const;
const T0 = Date.UTC(2026, 0, 1);

const LINKS = {
  a: 'trojan://pass1@a1.example.com:443?security=tls&sni=a1.example.com#one',
  shared: 'trojan://pass2@b2.example.com:443?security=tls&sni=b2.example.com#two',
  c: 'trojan://pass3@c3.example.com:443?security=tls&sni=c3.example.com#three',
} as const;
const BODIES = {
  'src-a': [LINKS.a, LINKS.shared].join('\n'),
  'src-b': [LINKS.shared, LINKS.c].join('\n'),
} as const;

const fpOf = (link: string): string => {
  const parsed = parseSubscription(link).configs[0];
  if (parsed === undefined) throw new Error(`fixture link does not parse: ${link}`);
  return fingerprint(parsed.config);
};

/** The catalog file with `src-a` enabled or not (src-b always enabled). */
function catalogFile(server: SubscriptionServer, aEnabled: boolean): string {
  const entry = (id: string, enabled: boolean) =>
    `  - id: ${id}\n    urls: [${server.url(id)}]\n    tier: reliable\n    interval: 10s\n    enabled: ${enabled}\n`;
  return `allowPrivateAddresses: true\nsources:\n${entry('src-a', aEnabled)}${entry('src-b', true)}`;
}

/** Fingerprint -> the sources configs.current says carry it (sorted). */
async function carriers(fx: PipelineFixture): Promise<Record<string, string[]>> {
  const current = await fx.readCurrent();
  return Object.fromEntries(
    [...current].map(([fp, c]) => [fp, c.sources.map((s) => s.sourceId).sort()] as const),
  );
}

const BOTH = {
  [fpOf(LINKS.a)]: ['src-a'],
  [fpOf(LINKS.shared)]: ['src-a', 'src-b'],
  [fpOf(LINKS.c)]: ['src-b'],
};
const ONLY_B = { [fpOf(LINKS.shared)]: ['src-b'], [fpOf(LINKS.c)]: ['src-b'] };

describe('parser follows the sources catalog on the real broker and registry', () => {
  let fx: PipelineFixture;
  let server: SubscriptionServer | undefined;
  let fetcher: Fetcher | undefined;

  beforeEach(async () => {
    fx = await pipelineFixture('it-withdraw');
  });

  afterEach(async () => {
    await fetcher?.stop();
    await server?.close();
    await fx.cleanup();
  });

  it('withdraws a disabled source configs from configs.current unless another source carries them, and brings them back after re-enabling', async () => {
    server = await startSubscriptionServer(
      new Map(Object.entries(BODIES).map(([id, body]) => [id, { status: 200, body }])),
    );
    const load = (aEnabled: boolean) =>
      loadCatalog(parseCatalogOrThrow(catalogFile(server as SubscriptionServer, aEnabled)), {
        log: fx.log,
        topic: fx.topics.catalog,
        producer: 'catalog-loader/test',
      });
    await load(true);
    await fx.start('parser');
    await fx.start('merger');
    fetcher = await startFetcher({
      log: fx.log,
      topics: { catalog: fx.topics.catalog, fetched: fx.topics.fetched },
      group: `${fx.topics.prefix}fetcher`,
      instanceId: 'withdraw',
      logger: createLogger({ service: 'test', level: 'silent' }),
      firstFetch: 'immediately',
      politeness: { maxConcurrent: 2, minDelayMs: 0 },
      retry: { maxAttemptsPerUrl: 1, backoff: { baseMs: 500, maxMs: 1000 }, maxRetryAfterWaitMs: 1000 },
    });

    await vi.waitFor(async () => expect(await carriers(fx)).toEqual(BOTH), WAIT);

    // Disabled in the catalog: the fetcher stops, the parser withdraws; the shared config stays with src-b.
    expect((await load(false)).published).toBe(1);
    await vi.waitFor(async () => expect(await carriers(fx)).toEqual(ONLY_B), WAIT);

    // Enabled again: the next fetch of src-a brings its configs back.
    expect((await load(true)).published).toBe(1);
    await vi.waitFor(async () => expect(await carriers(fx)).toEqual(BOTH), WAIT);
  }, 300_000);

  it('keeps a disabled source withdrawn through an in-place replay of the raw topic', async () => {
    server = await startSubscriptionServer(
      new Map(Object.keys(BODIES).map((id) => [id, { status: 200, body: '' }])),
    );
    const load = (aEnabled: boolean) =>
      loadCatalog(parseCatalogOrThrow(catalogFile(server as SubscriptionServer, aEnabled)), {
        log: fx.log,
        topic: fx.topics.catalog,
        producer: 'catalog-loader/test',
      });
    await load(true);
    await fx.appendFetched(
      Object.entries(BODIES).map(([sourceId, body]) => fetchedEvent({ sourceId, at: T0, body })),
    );
    const parser = await fx.start('parser');
    const merger = await fx.start('merger');
    await vi.waitFor(async () => expect(await carriers(fx)).toEqual(BOTH), WAIT);
    await load(false);
    await vi.waitFor(async () => expect(await carriers(fx)).toEqual(ONLY_B), WAIT);
    await parser.run.stop();
    await merger.run.stop();

    // The replay empties the parser's state: the catalog is read again, so src-a's old fetch stays withdrawn.
    await executeReplay(planReplay({ target: 'all', prefix: fx.topics.prefix, currentVersion: 'v1' }), {
      log: fx.log,
      kafka: fx.kafka,
      logger: createLogger({ service: 'test', level: 'silent' }),
      registry: new Registry(),
      progressIntervalMs: 200,
    });
    expect(await carriers(fx)).toEqual(ONLY_B);
  }, 300_000);
});
