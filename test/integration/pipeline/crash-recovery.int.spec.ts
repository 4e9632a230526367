import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { Registry } from 'prom-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProcessorKind } from '../../../services/core/processors/pipeline-topics.ts';
import type {
  ConfigCurrent,
  ConfigObserved,
  SourceFetched,
  SourceSnapshot,
} from '../../../services/generated/events.ts';
import { createInProcessEventLog } from '../../../services/shared/bus/in-process-event-log.ts';
import { createLogger } from '../../../services/shared/logger.ts';
import { countPendingRecords } from '../../../services/pipeline/kafka-pending-records.ts';
import { waitUntilCaughtUp } from '../../../services/pipeline/group-progress.ts';
import { startPipelineProcessor } from '../../../services/pipeline/pipeline-processors.ts';
import { latestByKey, readAll } from '../../contract/event-log-fixture.ts';
import { componentEndpoints } from '../../helpers/components.ts';
import { fetchedEvent } from '../../helpers/fetch-events.ts';
import { corpusSources } from '../../helpers/pipeline-fixtures.ts';
import { pipelineFixture } from './pipeline-fixture.ts';
import type { PipelineFixture } from './pipeline-fixture.ts';

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const NODE = resolve('node_modules/.bin/node');
const MAIN: Record<ProcessorKind, string> = {
  parser: resolve('services/parser/main.ts'),
  merger: resolve('services/merger/main.ts'),
};

interface Service {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Two rounds over the corpus: the second cuts a third of the sources in half, so configs go absent too. */
function fetchEvents(): SourceFetched[] {
  const sources = corpusSources();
  return [
    ...sources.map((s, i) => fetchedEvent({ sourceId: s.id, at: T0 + i, body: s.body })),
    ...sources.map((s, i) =>
      fetchedEvent({
        sourceId: s.id,
        at: T0 + HOUR + i,
        body: i % 3 === 0 ? s.body.subarray(0, s.body.length >> 1) : s.body,
      }),
    ),
  ];
}

/** The same processors over the same events on the in-process bus, never interrupted. */
async function uninterrupted(events: readonly SourceFetched[], fx: PipelineFixture) {
  const log = createInProcessEventLog();
  const t = fx.topics;
  await log.ensureTopics([
    // The parser also reads the catalog (co-partitioned with the raw topic), empty here.
    { name: t.catalog, partitions: 6, compacted: true },
    { name: t.fetched, partitions: 6, compacted: false },
    { name: t.observed, partitions: 12, compacted: false },
    { name: t.snapshots, partitions: 6, compacted: false },
    { name: t.current, partitions: 12, compacted: true },
  ]);
  await log.append(events.map((e) => ({ topic: t.fetched, key: e.sourceId, value: e })));
  const options = {
    log,
    topics: t,
    instance: 'reference',
    logger: createLogger({ service: 'test', level: 'silent' }),
    registry: new Registry(),
  };
  const parser = await startPipelineProcessor('parser', options);
  const merger = await startPipelineProcessor('merger', options);
  await waitUntilCaughtUp(log, parser.group, t.fetched, { intervalMs: 100 });
  await waitUntilCaughtUp(log, merger.group, t.observed, { intervalMs: 100 });
  await parser.run.stop();
  await merger.run.stop();
  const observed = (await readAll(log, t.observed)).map((r) => r.value as ConfigObserved);
  const current = latestByKey(await readAll(log, t.current)) as Map<string, ConfigCurrent>;
  await log.close();
  return { observed, current };
}

const content = (current: ReadonlyMap<string, ConfigCurrent>) =>
  new Map([...current].map(([fp, { metadata: _metadata, ...rest }]) => [fp, rest]));

const duplicates = (ids: readonly string[]): number => ids.length - new Set(ids).size;

/** Both transactional writers the services can run with (SUBMERGE_KAFKA_WRITER): auto picks librdkafka when its addon loads. */
const WRITERS = [
  { writer: 'kafkajs', nativeModule: undefined },
  { writer: 'librdkafka', nativeModule: componentEndpoints().kafkaNativeModule },
] as const;

describe.each(WRITERS)('crash recovery of the parser and merger services, $writer writing', (writerCase) => {
  let fx: PipelineFixture;
  const services: Service[] = [];

  const startService = (kind: ProcessorKind): Service => {
    const child = spawn(NODE, ['--import', 'tsx', MAIN[kind]], {
      env: {
        ...process.env,
        SUBMERGE_KAFKA_BROKERS: fx.brokers.join(','),
        SUBMERGE_SCHEMA_REGISTRY_URL: fx.registryUrl,
        SUBMERGE_TOPIC_PREFIX: fx.topics.prefix,
        SUBMERGE_INSTANCE_ID: '0',
        SUBMERGE_LOG_LEVEL: 'error',
        SUBMERGE_KAFKA_WRITER: writerCase.writer,
        ...(writerCase.nativeModule === undefined
          ? {}
          : { SUBMERGE_KAFKA_NATIVE_MODULE: writerCase.nativeModule }),
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
      child.once('exit', (code, signal) => {
        if (signal === null && code !== 0) process.stderr.write(`${kind} exited ${code}:\n${stderr}\n`);
        done({ code, signal });
      });
    });
    const service = { child, exited };
    services.push(service);
    return service;
  };

  /** Committed input offsets of a group, summed over partitions. */
  const committed = async (group: string, topic: string): Promise<number> =>
    [...(await fx.log.committedOffsets(group, topic)).values()].reduce((n, o) => n + Number(o), 0);

  beforeEach(async () => {
    fx = await pipelineFixture('it-crash');
  });

  afterEach(async () => {
    for (const s of services.splice(0))
      if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    await fx.cleanup();
  });

  it('after kill -9 of each processor mid-batch and a restart, configs.current equals an uninterrupted run and read_committed readers see no duplicate', async () => {
    const events = fetchEvents();
    const reference = await uninterrupted(events, fx);
    await fx.appendFetched(events);
    const parserGroup = `${fx.topics.prefix}parser`;
    const mergerGroup = `${fx.topics.prefix}merger`;

    // Each first life is killed at a moment its output topic shows records of an open transaction.
    const parser1 = startService('parser');
    const merger1 = startService('merger');
    const parserHit = await killInsideTransaction(fx, parser1, fx.topics.observed, () =>
      startService('parser'),
    );
    expect(await committed(parserGroup, fx.topics.fetched)).toBeLessThan(events.length);
    // Same instance id: the restarted parser fences its predecessor and the broker aborts what it left open.
    const parser2 = startService('parser');
    const mergerHit = await killInsideTransaction(fx, merger1, fx.topics.current, () =>
      startService('merger'),
    );
    const merger2 = startService('merger');
    await waitUntilCaughtUp(fx.log, parserGroup, fx.topics.fetched, { timeoutMs: 240_000 });
    await vi.waitFor(
      async () => expect(await countPendingRecords(fx.kafka, fx.topics.observed, mergerGroup)).toBe(0),
      {
        timeout: 240_000,
        interval: 1000,
      },
    );
    parser2.child.kill('SIGTERM');
    merger2.child.kill('SIGTERM');
    expect((await parser2.exited).code).toBe(0);
    expect((await merger2.exited).code).toBe(0);
    expect([parserHit, mergerHit]).toEqual([true, true]);

    const current = await fx.readCurrent();
    expect(content(current)).toEqual(content(reference.current));

    // What read_committed readers see: every derived event exactly once (ids are derived from their cause).
    const observed = (await fx.readAll(fx.topics.observed)).map((r) => r.value as ConfigObserved);
    expect(duplicates(observed.map((o) => o.metadata.eventId))).toBe(0);
    expect(observed.length).toBe(reference.observed.length);
    const snapshots = (await fx.readAll(fx.topics.snapshots)).map((r) => r.value as SourceSnapshot);
    expect(snapshots.length).toBe(events.length);
    expect(duplicates(snapshots.map((s) => s.metadata.eventId))).toBe(0);
    const currentEvents = (await fx.readAll(fx.topics.current)).flatMap((r) =>
      r.value === null ? [] : [r.value as ConfigCurrent],
    );
    expect(duplicates(currentEvents.map((c) => c.metadata.eventId))).toBe(0);
  }, 600_000);
});

/**
 * Kills `service` with SIGKILL at a moment its output topic holds records of an undecided
 * transaction: a read_uncommitted reader has seen an offset at or past the last stable offset.
 * True when the transaction was indeed left open (the last stable offset stays behind it after
 * the kill); otherwise the commit won the race, and the service is restarted (`restart`) and
 * the attempt repeated.
 */
async function killInsideTransaction(
  fx: PipelineFixture,
  first: Service,
  topic: string,
  restart: () => Service,
): Promise<boolean> {
  const admin = fx.kafka.admin();
  await admin.connect();
  const seen = new Map<number, bigint>();
  const consumer = fx.kafka.consumer({
    groupId: `${fx.topics.prefix}peek-${topic}`,
    readUncommitted: true,
    maxWaitTimeInMs: 20,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  await consumer.run({
    eachBatch: ({ batch }) => {
      const last = batch.messages.at(-1);
      if (last !== undefined) seen.set(batch.partition, BigInt(last.offset));
      return Promise.resolve();
    },
  });
  const stable = async () =>
    new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, BigInt(o.high)]));
  const openPartition = (lso: ReadonlyMap<number, bigint>): number | undefined =>
    [...seen].find(([p, offset]) => offset >= (lso.get(p) ?? 0n))?.[0];
  let service = first;
  try {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const deadline = Date.now() + 120_000;
      let partition: number | undefined;
      while (partition === undefined && Date.now() < deadline) {
        partition = openPartition(await stable());
        if (partition === undefined) await new Promise((r) => setTimeout(r, 2));
      }
      service.child.kill('SIGKILL');
      expect((await service.exited).signal).toBe('SIGKILL');
      if (partition === undefined) return false;
      await new Promise((r) => setTimeout(r, 500));
      const after = await stable();
      if ((seen.get(partition) ?? -1n) >= (after.get(partition) ?? 0n)) return true;
      service = restart();
    }
    return false;
  } finally {
    await consumer.disconnect();
    await admin.disconnect();
  }
}
