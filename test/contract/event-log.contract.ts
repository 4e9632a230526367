import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { partitionForKey } from '../../services/shared/bus/partition-for-key.ts';
import { RUNTIME_ERROR_CODES } from '../../services/shared/runtime/runtime-error.ts';
import type { LogRecord } from '../../services/shared/runtime/event-log.ts';
import { collect, latestByKey, readAll, WAIT } from './event-log-fixture.ts';
import type { EventLogFixture, EventLogFixtureFactory } from './event-log-fixture.ts';

/**
 * The behaviour every EventLog adapter owes the run loop and the read side. Called by
 * test/unit/shared/bus (in-process bus) and test/integration/runtime (Kafka) with their fixture.
 */
export function describeEventLogContract(adapter: string, createFixture: EventLogFixtureFactory): void {
  describe(`event log contract: ${adapter}`, () => {
    let fx: EventLogFixture;

    beforeEach(async () => {
      fx = await createFixture();
    });

    afterEach(async () => {
      await fx.cleanup();
    });

    it('delivers each partition in offset order with keys, values and headers, keyed records on murmur2(key) partitions', async () => {
      const topic = await fx.topic('order', 3);
      const sent = Array.from({ length: 12 }, (_, i) => ({
        topic,
        key: `k${i % 5}`,
        value: { i, nested: { list: [i, `${i}`], flag: i % 2 === 0 } },
        headers: { 'x-seq': String(i) },
      }));
      await fx.log.append(sent);

      const member = await collect(fx.log, { group: fx.group('order'), topics: [topic] });
      await vi.waitFor(() => expect(member.records).toHaveLength(sent.length), WAIT);
      await member.subscription.stop();

      for (const record of member.records) {
        const i = Number(record.headers['x-seq']);
        expect(record.key).toBe(`k${i % 5}`);
        expect(record.value).toEqual(sent[i]?.value);
        expect(record.partition).toBe(partitionForKey(record.key ?? '', 3));
        expect(record.decodeFailure).toBeNull();
      }
      for (const partition of [0, 1, 2]) {
        const seq = member.records.filter((r) => r.partition === partition);
        const offsets = seq.map((r) => BigInt(r.offset));
        expect(offsets).toEqual([...offsets].sort((a, b) => (a < b ? -1 : 1)));
        // Within a partition the append order holds.
        const order = seq.map((r) => Number(r.headers['x-seq']));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
    });

    it('puts a record on the partition it names and keeps null keys and tombstones', async () => {
      const topic = await fx.topic('explicit', 3);
      await fx.log.append([
        { topic, key: 'a', value: { v: 1 }, partition: 2 },
        { topic, key: 'a', value: null, partition: 2 },
        { topic, key: null, value: { v: 3 }, partition: 1 },
      ]);
      // Partitions may interleave in a read; order holds within one.
      const records = (await readAll(fx.log, topic)).sort((x, y) => x.partition - y.partition);
      expect(records.map((r) => [r.partition, r.key, r.value])).toEqual([
        [1, null, { v: 3 }],
        [2, 'a', { v: 1 }],
        [2, 'a', null],
      ]);
    });

    it('reports end offsets that count the appended records per partition', async () => {
      const topic = await fx.topic('ends', 2);
      await fx.log.append([0, 1, 2].map((i) => ({ topic, key: null, value: { i }, partition: 0 })));
      expect(Object.fromEntries(await fx.log.endOffsets(topic))).toEqual({ 0: '3', 1: '0' });
      expect(await fx.log.partitionCount(topic)).toBe(2);
    });

    it('reads a compacted topic from the beginning into the last value per key, tombstones deleting', async () => {
      const topic = await fx.topic('compacted', 2, { compacted: true });
      await fx.log.append([
        { topic, key: 'k1', value: { v: 1 } },
        { topic, key: 'k2', value: { v: 1 } },
        { topic, key: 'k1', value: { v: 2 } },
        { topic, key: 'k3', value: { v: 1 } },
        { topic, key: 'k2', value: null },
      ]);
      const state = latestByKey(await readAll(fx.log, topic));
      expect(Object.fromEntries(state)).toEqual({ k1: { v: 2 }, k3: { v: 1 } });
    });

    it('reads only the partitions asked for, up to the end offsets at the call', async () => {
      const topic = await fx.topic('partial', 3);
      await fx.log.append(
        [0, 1, 2].flatMap((p) => [1, 2].map((n) => ({ topic, key: null, value: { p, n }, partition: p }))),
      );
      const records = await readAll(fx.log, topic, [0, 2]);
      expect(records.map((r) => r.value)).toEqual(
        expect.arrayContaining([
          { p: 0, n: 1 },
          { p: 0, n: 2 },
          { p: 2, n: 1 },
          { p: 2, n: 2 },
        ]),
      );
      expect(records).toHaveLength(4);
      expect(await readAll(fx.log, await fx.topic('empty', 2))).toEqual([]);
    });

    it('reads a range of each partition between the from and until offsets asked for', async () => {
      const topic = await fx.topic('range', 2);
      await fx.log.append(
        [0, 1].flatMap((p) =>
          [0, 1, 2, 3, 4].map((n) => ({ topic, key: null, value: { p, n }, partition: p })),
        ),
      );
      const out: LogRecord[] = [];
      await fx.log.readToEnd(topic, {
        from: new Map([
          [0, '2'],
          [1, '4'],
        ]),
        until: new Map([[0, '4']]),
        onRecords: (records) => {
          out.push(...records);
        },
      });
      expect(out.map((r) => r.value)).toEqual(
        expect.arrayContaining([
          { p: 0, n: 2 },
          { p: 0, n: 3 },
          { p: 1, n: 4 },
        ]),
      );
      expect(out).toHaveLength(3);
      // A range that starts at or past its stop reads nothing.
      const none: LogRecord[] = [];
      await fx.log.readToEnd(topic, {
        from: new Map([[0, '3']]),
        until: new Map([[0, '3']]),
        partitions: [0],
        onRecords: (records) => {
          none.push(...records);
        },
      });
      expect(none).toEqual([]);
    });

    it('starts the partitions named in startAt there, whatever startFrom says', async () => {
      const topic = await fx.topic('start-at', 2);
      await fx.log.append(
        [0, 1].flatMap((p) => [0, 1, 2].map((n) => ({ topic, key: null, value: { p, n }, partition: p }))),
      );
      const member = await collect(fx.log, {
        group: fx.group('start-at'),
        topics: [topic],
        startAt: [{ topic, partition: 0, offset: '2' }],
      });
      await vi.waitFor(() => expect(member.records).toHaveLength(4), WAIT);
      await fx.log.append([{ topic, key: null, value: { p: 0, n: 3 }, partition: 0 }]);
      await vi.waitFor(() => expect(member.records).toHaveLength(5), WAIT);
      await member.subscription.stop();
      expect(member.records.filter((r) => r.partition === 0).map((r) => r.value)).toEqual([
        { p: 0, n: 2 },
        { p: 0, n: 3 },
      ]);
      expect(member.records.filter((r) => r.partition === 1)).toHaveLength(3);
    });

    it('makes a transaction’s records and offset commit visible together, and an aborted one leaves neither', async () => {
      const input = await fx.topic('tx-in', 1);
      const output = await fx.topic('tx-out', 1);
      const group = fx.group('tx');
      await fx.log.append(
        Array.from({ length: 8 }, (_, i) => ({ topic: input, key: null, value: { i }, partition: 0 })),
      );
      const writer = await fx.log.transactionalWriter(`${group}-writer`);

      const committed = await writer.begin();
      await committed.append([{ topic: output, key: 'a', value: { kept: true } }]);
      await committed.commitOffsets(group, [{ topic: input, partition: 0, offset: '5' }]);
      await committed.commit();

      const aborted = await writer.begin();
      await aborted.append([{ topic: output, key: 'b', value: { kept: false } }]);
      await aborted.commitOffsets(group, [{ topic: input, partition: 0, offset: '7' }]);
      await aborted.abort();
      await writer.close();

      expect((await readAll(fx.log, output)).map((r) => r.value)).toEqual([{ kept: true }]);
      expect(Object.fromEntries(await fx.log.committedOffsets(group, input))).toEqual({ 0: '5' });

      // A member of the group resumes at the committed offset.
      const member = await collect(fx.log, { group, topics: [input] });
      await vi.waitFor(() => expect(member.records).toHaveLength(3), WAIT);
      await member.subscription.stop();
      expect(member.records.map((r) => r.value)).toEqual([{ i: 5 }, { i: 6 }, { i: 7 }]);
    });

    it('lets offsets of a group without members be set, and resumes there', async () => {
      const topic = await fx.topic('reset', 1);
      const group = fx.group('reset');
      await fx.log.append(Array.from({ length: 6 }, (_, i) => ({ topic, key: null, value: { i } })));
      await fx.log.setCommittedOffsets(group, [{ topic, partition: 0, offset: '4' }]);
      expect(Object.fromEntries(await fx.log.committedOffsets(group, topic))).toEqual({ 0: '4' });
      const member = await collect(fx.log, { group, topics: [topic] });
      await vi.waitFor(() => expect(member.records).toHaveLength(2), WAIT);
      await member.subscription.stop();
      expect(member.records.map((r) => r.value)).toEqual([{ i: 4 }, { i: 5 }]);
    });

    it('starts a partition without a committed offset at its end when asked for latest', async () => {
      const topic = await fx.topic('latest', 1);
      await fx.log.append([{ topic, key: null, value: { old: true } }]);
      const member = await collect(fx.log, {
        group: fx.group('latest'),
        topics: [topic],
        startFrom: 'latest',
      });
      // Kafka resolves "latest" lazily, at the member's first fetch: keep appending until one arrives.
      await vi.waitFor(async () => {
        if (member.records.length === 0) await fx.log.append([{ topic, key: null, value: { old: false } }]);
        expect(member.records.length).toBeGreaterThan(0);
      }, WAIT);
      await member.subscription.stop();
      expect(member.records.map((r) => r.value)).not.toContainEqual({ old: true });
    });

    it('fences a writer once another writer takes its transactional id', async () => {
      const topic = await fx.topic('fence', 1);
      const id = `${fx.group('fence')}-writer`;
      const first = await fx.log.transactionalWriter(id);
      const second = await fx.peer().transactionalWriter(id);
      const attempt = async (): Promise<void> => {
        const tx = await first.begin();
        await tx.append([{ topic, key: 'k', value: { from: 'zombie' } }]);
        await tx.commit();
      };
      await expect(attempt()).rejects.toMatchObject({ code: RUNTIME_ERROR_CODES.fenced });
      const tx = await second.begin();
      await tx.append([{ topic, key: 'k', value: { from: 'successor' } }]);
      await tx.commit();
      await Promise.allSettled([first.close(), second.close()]);
      expect((await readAll(fx.log, topic)).map((r) => r.value)).toEqual([{ from: 'successor' }]);
    });

    it('gives partition p of every subscribed topic to one member, and everything to the survivor when a member leaves', async () => {
      const a = await fx.topic('copart-a', 4);
      const b = await fx.topic('copart-b', 4);
      const group = fx.group('copart');
      const first = await collect(fx.log, { group, topics: [a, b] });
      await vi.waitFor(() => expect(first.owned()).toHaveLength(8), WAIT);
      const second = await collect(fx.peer(), { group, topics: [a, b] });
      await vi.waitFor(() => {
        expect(first.owned().length).toBe(4);
        expect(second.owned().length).toBe(4);
      }, WAIT);
      const partitionsOf = (owned: string[], topic: string): number[] =>
        owned.filter((tp) => tp.startsWith(`${topic}:`)).map((tp) => Number(tp.slice(topic.length + 1)));
      for (const member of [first, second]) {
        expect(partitionsOf(member.owned(), a)).toEqual(partitionsOf(member.owned(), b));
      }
      expect([...first.owned(), ...second.owned()].sort()).toHaveLength(8);

      // Records reach whichever member owns their partition, each exactly once.
      await fx.log.append(
        Array.from({ length: 16 }, (_, i) => ({ topic: a, key: null, value: { i }, partition: i % 4 })),
      );
      await vi.waitFor(() => expect(first.records.length + second.records.length).toBe(16), WAIT);

      await second.subscription.stop();
      await vi.waitFor(() => expect(first.owned()).toHaveLength(8), WAIT);
      await first.subscription.stop();
    });
  });
}
