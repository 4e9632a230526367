import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MERGER_STORE, PROCESSOR_KINDS } from '../../services/core/processors/pipeline-topics.ts';
import type { PipelineTopics, ProcessorKind } from '../../services/core/processors/pipeline-topics.ts';
import type { ConfigCurrent, SourceCatalogEntry } from '../../services/generated/events.ts';
import { nameBasedUuid } from '../../services/shared/events/event-metadata.ts';
import { FETCH_OUTCOMES } from '../../services/shared/events/fetch-outcome.ts';
import { createLogger } from '../../services/shared/logger.ts';
import type { EventLog } from '../../services/shared/runtime/event-log.ts';
import { startPipelineProcessor } from '../../services/pipeline/pipeline-processors.ts';
import type { StartedProcessor } from '../../services/pipeline/pipeline-processors.ts';
import { fetchedEvent } from '../helpers/fetch-events.ts';
import { corpusSources, currentProblems, expectedMerged } from '../helpers/pipeline-fixtures.ts';
import type { FixtureSource } from '../helpers/pipeline-fixtures.ts';
import { latestByKey, readAll } from './event-log-fixture.ts';

/**
 * A parse/merge pipeline's topics on one log: the in-process bus, the embedded log stored in
 * chDB, or Kafka with Avro through the registry. Topics are unique to the fixture.
 */
export interface PipelineLogFixture {
  readonly log: EventLog;
  readonly topics: PipelineTopics;
  /**
   * The same storage seen by a new process (the embedded log reopened and restored from its
   * store; Kafka and the bus: the same log). Processors started after it run on the new log.
   */
  restart(): Promise<EventLog>;
  cleanup(): Promise<void>;
}

export type PipelineLogFixtureFactory = () => Promise<PipelineLogFixture>;

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const WAIT = { timeout: 120_000, interval: 100 } as const;

/** Share-link lines of the corpus' plain list, for sources whose content a test controls line by line. */
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

/** A catalog entry as the catalog loader publishes it. */
function catalogEntry(id: string, at: number, enabled: boolean): SourceCatalogEntry {
  const eventId = nameBasedUuid(`catalog\u0000${id}\u0000${at}`);
  return {
    metadata: {
      eventId,
      eventTime: at,
      producer: 'catalog-loader/test',
      correlationId: eventId,
      causationId: null,
    },
    id,
    urls: [`https://example.com/${id}`],
    tier: 'bulk',
    format: 'auto',
    intervalSeconds: 1800,
    tags: [],
    enabled,
    allowPrivateAddresses: false,
  };
}

const source = (id: string, lines: readonly string[]): FixtureSource => ({
  id,
  body: Buffer.from(lines.join('\n')),
});

/**
 * The pipeline's behaviour, whatever log carries it: fetch events in, configs.current out, equal
 * to what the format core computes without any log. Run by the unit suites (in-process bus and
 * embedded store) and by the integration suite (Kafka).
 */
export function describePipelineContract(adapter: string, createFixture: PipelineLogFixtureFactory): void {
  describe(`pipeline contract: ${adapter}`, () => {
    let fx: PipelineLogFixture;
    let log: EventLog;
    const runs: StartedProcessor[] = [];
    const logger = createLogger({ service: 'test', level: 'silent' });

    const start = async (kind: ProcessorKind): Promise<StartedProcessor> => {
      const started = await startPipelineProcessor(kind, {
        log,
        topics: fx.topics,
        instance: '0',
        logger,
        registry: new Registry(),
      });
      runs.push(started);
      return started;
    };
    const append = (sources: readonly FixtureSource[], at: number) =>
      log.append(
        sources.map((s) => ({
          topic: fx.topics.fetched,
          key: s.id,
          value: fetchedEvent({ sourceId: s.id, at, body: s.body }),
        })),
      );
    const current = async (): Promise<Map<string, ConfigCurrent>> =>
      latestByKey(await readAll(log, fx.topics.current)) as Map<string, ConfigCurrent>;
    const converges = async (sources: readonly FixtureSource[]): Promise<void> => {
      const expected = expectedMerged(sources);
      await vi.waitFor(async () => expect(currentProblems(await current(), expected)).toEqual([]), WAIT);
    };

    beforeEach(async () => {
      fx = await createFixture();
      log = fx.log;
    });

    afterEach(async () => {
      await Promise.allSettled(runs.splice(0).map((r) => r.run.stop()));
      await fx.cleanup();
    });

    it('turns fetch events of corpus sources into exactly the merged set parseSubscription and dedupe compute', async () => {
      const sources = corpusSources().slice(0, 6);
      await start(PROCESSOR_KINDS.parser);
      const merger = await start(PROCESSOR_KINDS.merger);
      await append(sources, T0);
      const expected = expectedMerged(sources);
      await vi.waitFor(() => expect(merger.run.storeSnapshot(MERGER_STORE).size).toBe(expected.size), WAIT);
      // Every fingerprint can be in the store while later sources' observations of it are still in
      // flight, so the merged sets are awaited too rather than read once.
      await converges(sources);
    });

    it('removes a config from the current state once no source carries it, keeps a failing source’s configs', async () => {
      const lines = corpusLines();
      const a1 = lines.slice(0, 60);
      const b = lines.slice(40, 100);
      const a2 = lines.slice(0, 20);
      await start(PROCESSOR_KINDS.parser);
      await start(PROCESSOR_KINDS.merger);
      await append([source('a', a1), source('b', b)], T0);
      await converges([source('a', a1), source('b', b)]);

      await append([source('a', a2)], T0 + HOUR);
      await converges([source('a', a2), source('b', b)]);

      await log.append([
        {
          topic: fx.topics.fetched,
          key: 'b',
          value: fetchedEvent({ sourceId: 'b', at: T0 + 2 * HOUR, outcome: FETCH_OUTCOMES.timeout }),
        },
      ]);
      await vi.waitFor(async () => expect((await readAll(log, fx.topics.snapshots)).length).toBe(4), WAIT);
      await converges([source('a', a2), source('b', b)]);
    });

    it('withdraws the configs of a source the catalog disables or removes, and takes them back after it is enabled and fetched', async () => {
      const lines = corpusLines();
      const a = source('a', lines.slice(0, 60));
      const b = source('b', lines.slice(40, 100));
      const c = source('c', lines.slice(90, 120));
      const catalog = (id: string, at: number, enabled: boolean | null) =>
        log.append([
          {
            topic: fx.topics.catalog,
            key: id,
            value: enabled === null ? null : catalogEntry(id, at, enabled),
          },
        ]);
      await start(PROCESSOR_KINDS.parser);
      await start(PROCESSOR_KINDS.merger);
      await append([a, b, c], T0);
      await converges([a, b, c]);

      await catalog('a', T0 + HOUR, false);
      await catalog('c', T0 + HOUR, null);
      await converges([b]);

      await catalog('a', T0 + 2 * HOUR, true);
      await append([a], T0 + 3 * HOUR);
      await converges([a, b]);
    });

    it('picks up after a restart where it stopped: the state equals an uninterrupted run’s', async () => {
      const lines = corpusLines();
      const x = source('x', lines.slice(0, 80));
      const y1 = source('y', lines.slice(60, 140));
      const y2 = source('y', lines.slice(100, 180));
      await start(PROCESSOR_KINDS.parser);
      await start(PROCESSOR_KINDS.merger);
      await append([x, y1], T0);
      await converges([x, y1]);
      await Promise.all(runs.splice(0).map((r) => r.run.stop()));

      log = await fx.restart();
      await append([y2], T0 + HOUR);
      await start(PROCESSOR_KINDS.parser);
      await start(PROCESSOR_KINDS.merger);
      await converges([x, y2]);
    });
  });
}
