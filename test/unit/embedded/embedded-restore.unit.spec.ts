import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { changelogTopic, dlqTopic } from '../../../services/core/processing/processor.ts';
import { createProcessorMetrics } from '../../../services/shared/metrics/processor-metrics.ts';
import type { EventLog } from '../../../services/shared/runtime/event-log.ts';
import { runProcessor } from '../../../services/shared/runtime/run-processor.ts';
import type { RetentionPolicy } from '../../../services/shared/embedded-store/retention-policy.ts';
import { collect, latestByKey, readAll, waitForCommittedToEnd } from '../../contract/event-log-fixture.ts';
import { COUNTS_STORE, runningCountProcessor } from '../../contract/running-count.ts';
import type { CountOutput } from '../../contract/running-count.ts';
import { openEmbeddedLog, silentLogger, storeDatabase } from './embedded-fixture.ts';
import type { StoreDatabase } from './embedded-fixture.ts';

const RAW = 'raw';
const TABLE = 'table';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function database(): StoreDatabase {
  const db = storeDatabase();
  cleanups.push(() => db.close());
  return db;
}

async function open(db: StoreDatabase, retention?: RetentionPolicy) {
  const log = await openEmbeddedLog(db, {
    ...(retention === undefined ? {} : { retention }),
    trimIntervalMs: 3_600_000,
  });
  cleanups.push(() => log.close());
  await log.ensureTopics([
    { name: RAW, partitions: 2, compacted: false },
    { name: TABLE, partitions: 2, compacted: true },
  ]);
  return log;
}

async function consumeAll(log: EventLog, group: string, topic: string): Promise<string[]> {
  const c = await collect(log, { group, topics: [topic] });
  await new Promise((resolve) => setTimeout(resolve, 50));
  await c.subscription.stop();
  return c.records.map((r) => `${r.partition}@${r.offset}:${JSON.stringify(r.value)}`);
}

describe('embedded event log restore', () => {
  it('comes back with compacted topics at their last value per key, group offsets and end offsets, values byte for byte', async () => {
    const db = database();
    const before = await open(db);
    expect(before.firstStart).toBe(true);
    await before.append([
      { topic: TABLE, key: 'a', value: { v: 1 } },
      { topic: TABLE, key: 'b', value: { v: 1, body: Buffer.from([0, 1, 2, 255]) } },
      { topic: TABLE, key: 'a', value: { v: 2 } },
      { topic: TABLE, key: 'c', value: { v: 1 } },
      { topic: TABLE, key: 'c', value: null },
    ]);
    await before.setCommittedOffsets('reader', [{ topic: TABLE, partition: 0, offset: '1' }]);
    const endsBefore = await before.endOffsets(TABLE);
    await before.close();

    const after = await open(db);
    expect(after.firstStart).toBe(false);
    const report = await after.restore();
    expect(report.offsets).toBe(1);
    expect(await after.endOffsets(TABLE)).toEqual(endsBefore);
    const table = latestByKey(await readAll(after, TABLE));
    expect(Object.fromEntries(table)).toEqual({
      a: { v: 2 },
      b: { v: 1, body: Buffer.from([0, 1, 2, 255]) },
    });
    expect(Buffer.isBuffer((table.get('b') as { body: unknown }).body)).toBe(true);
    expect(await after.committedOffsets('reader', TABLE)).toEqual(new Map([[0, '1']]));

    // The next record continues the offsets instead of reusing them.
    await after.append([{ topic: TABLE, key: 'a', value: { v: 3 }, partition: 0 }]);
    const last = (await readAll(after, TABLE)).filter((r) => r.partition === 0).at(-1);
    expect(last?.offset).toBe(endsBefore.get(0));
  });

  it('brings back of a non-compacted topic only what its durable consumers have not committed past, and resumes them there', async () => {
    const db = database();
    const retention: RetentionPolicy = (topic) =>
      topic === RAW ? { durableGroups: ['parser'] } : { durableGroups: [] };
    const before = await open(db, retention);
    await before.append(
      Array.from({ length: 6 }, (_, i) => ({ topic: RAW, key: null, value: { i }, partition: 0 })),
    );
    await before.setCommittedOffsets('parser', [{ topic: RAW, partition: 0, offset: '4' }]);
    await before.close();

    const after = await open(db, retention);
    await after.restore();
    expect((await readAll(after, RAW)).map((r) => r.offset)).toEqual(['4', '5']);
    expect(await consumeAll(after, 'parser', RAW)).toEqual(['0@4:{"i":4}', '0@5:{"i":5}']);
    expect(await after.endOffsets(RAW)).toEqual(
      new Map([
        [0, '6'],
        [1, '0'],
      ]),
    );
  });

  it('keeps every record of a topic whose durable consumer has not committed yet', async () => {
    const db = database();
    const retention: RetentionPolicy = () => ({ durableGroups: ['sink'] });
    const before = await open(db, retention);
    await before.append([0, 1, 2].map((i) => ({ topic: RAW, key: null, value: { i }, partition: 1 })));
    await before.close();

    const after = await open(db, retention);
    await after.restore();
    expect(await consumeAll(after, 'sink', RAW)).toEqual(['1@0:{"i":0}', '1@1:{"i":1}', '1@2:{"i":2}']);
  });

  it('brings back the newest record per key of a topic the read model keeps per key, below the consumers', async () => {
    const db = database();
    const retention: RetentionPolicy = (topic) =>
      topic === RAW ? { durableGroups: ['sink'], latestPerKey: true } : { durableGroups: [] };
    const before = await open(db, retention);
    await before.append(
      ['s1', 's2', 's1', 's2', 's1'].map((key, i) => ({ topic: RAW, key, value: { i }, partition: 0 })),
    );
    await before.setCommittedOffsets('sink', [{ topic: RAW, partition: 0, offset: '5' }]);
    await before.close();

    const after = await open(db, retention);
    await after.restore();
    expect((await readAll(after, RAW)).map((r) => `${r.key}@${r.offset}`)).toEqual(['s2@3', 's1@4']);
  });

  it('drops tombstones every durable consumer of a compacted topic has passed, and keeps the others', async () => {
    const db = database();
    const retention: RetentionPolicy = (topic) =>
      topic === TABLE ? { durableGroups: ['sink'] } : { durableGroups: [] };
    const before = await open(db, retention);
    await before.append([
      { topic: TABLE, key: 'gone', value: { v: 1 }, partition: 0 },
      { topic: TABLE, key: 'gone', value: null, partition: 0 },
      { topic: TABLE, key: 'late', value: { v: 1 }, partition: 0 },
      { topic: TABLE, key: 'late', value: null, partition: 0 },
    ]);
    await before.setCommittedOffsets('sink', [{ topic: TABLE, partition: 0, offset: '2' }]);
    await before.close();

    const after = await open(db, retention);
    await after.restore();
    expect(
      (await readAll(after, TABLE)).map((r) => `${r.key}@${r.offset}:${r.value === null ? 'null' : 'v'}`),
    ).toEqual(['late@3:null']);
  });

  it('forgets from memory, one interval late, what every durable consumer committed past, while the store keeps it', async () => {
    const db = database();
    const retention: RetentionPolicy = (topic) =>
      topic === RAW ? { durableGroups: ['parser'] } : { durableGroups: [] };
    const log = await open(db, retention);
    await log.append([0, 1, 2].map((i) => ({ topic: RAW, key: null, value: { i }, partition: 0 })));
    await log.setCommittedOffsets('parser', [{ topic: RAW, partition: 0, offset: '2' }]);
    await log.trim();
    expect(await readAll(log, RAW)).toHaveLength(3);
    await log.trim();
    expect((await readAll(log, RAW)).map((r) => r.offset)).toEqual(['2']);
    await log.close();

    const replay = await open(db, (topic) =>
      topic === RAW ? { durableGroups: [], everything: true } : { durableGroups: [] },
    );
    await replay.restore();
    expect((await readAll(replay, RAW)).map((r) => r.offset)).toEqual(['0', '1', '2']);
  });

  it('lets a stateful processor stopped with the process carry on after a restore: every input counted exactly once', async () => {
    const db = database();
    const name = 'count';
    const processor = runningCountProcessor({ name, input: RAW, output: 'out' });
    const topics = [
      { name: 'out', partitions: 2, compacted: false },
      { name: changelogTopic(name, COUNTS_STORE), partitions: 2, compacted: true },
      { name: dlqTopic(name), partitions: 2, compacted: false },
    ];
    const retention: RetentionPolicy = (topic) =>
      topic === RAW ? { durableGroups: [name] } : { durableGroups: [] };
    const inputs = (from: number) =>
      Array.from({ length: 12 }, (_, i) => ({ topic: RAW, key: `k${i % 3}`, value: { n: from + i } }));
    const run = (log: EventLog) =>
      runProcessor(processor, {
        log,
        group: name,
        transactionalId: `${name}-0`,
        logger: silentLogger,
        metrics: createProcessorMetrics(new Registry(), name),
        maxBatchRecords: 5,
      });

    const first = await open(db, retention);
    await first.ensureTopics(topics);
    await first.append(inputs(0));
    const a = await run(first);
    await waitForCommittedToEnd(first, name, RAW);
    await a.stop();
    await first.append(inputs(12));
    await first.close();

    const second = await open(db, retention);
    await second.ensureTopics(topics);
    await second.restore();
    const b = await run(second);
    await waitForCommittedToEnd(second, name, RAW);
    await b.stop();

    const outputs = (await readAll(second, 'out')).map((r) => r.value as CountOutput);
    // The outputs of the first run stay in the store (nobody consumes them); memory holds what the second run wrote.
    expect(outputs.map((o) => o.count).sort((x, y) => x - y)).toEqual([5, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 8]);
    expect(Object.fromEntries(b.storeSnapshot(COUNTS_STORE))).toEqual({ k0: 8, k1: 8, k2: 8 });
  });
});
