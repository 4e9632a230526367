import { describe, expect, it, vi } from 'vitest';
import { createInProcessEventLog } from '../../../../services/shared/bus/in-process-event-log.ts';
import type { PersistedCommit } from '../../../../services/shared/bus/in-process-event-log.ts';
import type { BatchControl } from '../../../../services/shared/runtime/event-log.ts';
import { RUNTIME_ERROR_CODES } from '../../../../services/shared/runtime/runtime-error.ts';
import { collect, readAll, WAIT } from '../../../contract/event-log-fixture.ts';

describe('in-process event log', () => {
  it('hands each commit, records with their offsets and group offsets, to the persistence hook before anyone can read it', async () => {
    const commits: PersistedCommit[] = [];
    let visibleDuringHook: number | null = null;
    const log = createInProcessEventLog({
      clock: () => 1_000,
      persistence: {
        async onCommit(commit) {
          visibleDuringHook = (await readAll(log, 'out')).length;
          commits.push(commit);
        },
      },
    });
    await log.ensureTopics([
      { name: 'in', partitions: 1, compacted: false },
      { name: 'out', partitions: 2, compacted: false },
    ]);
    const writer = await log.transactionalWriter('w');
    const tx = await writer.begin();
    await tx.append([
      { topic: 'out', key: null, value: { a: 1 }, partition: 1, headers: { h: 'x' } },
      { topic: 'out', key: null, value: { a: 2 }, partition: 1 },
    ]);
    await tx.commitOffsets('g', [{ topic: 'in', partition: 0, offset: '3' }]);
    await tx.commit();

    expect(visibleDuringHook).toBe(0);
    expect(commits).toEqual([
      {
        records: [
          {
            topic: 'out',
            partition: 1,
            offset: '0',
            key: null,
            value: { a: 1 },
            timestamp: 1_000,
            headers: { h: 'x' },
          },
          {
            topic: 'out',
            partition: 1,
            offset: '1',
            key: null,
            value: { a: 2 },
            timestamp: 1_000,
            headers: {},
          },
        ],
        offsets: [{ group: 'g', topic: 'in', partition: 0, offset: '3' }],
      },
    ]);
    await log.close();
  });

  it('makes nothing of a commit visible when the persistence hook refuses it', async () => {
    let refuse = true;
    const log = createInProcessEventLog({
      persistence: {
        onCommit: () => (refuse ? Promise.reject(new Error('disk full')) : Promise.resolve()),
      },
    });
    await log.ensureTopics([{ name: 't', partitions: 1, compacted: false }]);
    await expect(log.append([{ topic: 't', key: 'k', value: 1 }])).rejects.toMatchObject({
      code: RUNTIME_ERROR_CODES.persistenceFailed,
      retriable: true,
    });
    expect(Object.fromEntries(await log.endOffsets('t'))).toEqual({ 0: '0' });
    refuse = false;
    await log.append([{ topic: 't', key: 'k', value: 2 }]);
    expect((await readAll(log, 't')).map((r) => [r.offset, r.value])).toEqual([['0', 2]]);
    await log.close();
  });

  it('restores persisted commits into a fresh log with the same offsets and committed offsets', async () => {
    const commits: PersistedCommit[] = [];
    const first = createInProcessEventLog({
      persistence: { onCommit: (c) => Promise.resolve(void commits.push(c)) },
    });
    const topics = [{ name: 't', partitions: 2, compacted: true }];
    await first.ensureTopics(topics);
    await first.append([
      { topic: 't', key: 'a', value: 1 },
      { topic: 't', key: 'b', value: 1 },
      { topic: 't', key: 'a', value: 2 },
    ]);
    await first.setCommittedOffsets('g', [{ topic: 't', partition: 0, offset: '1' }]);

    const second = createInProcessEventLog();
    await second.ensureTopics(topics);
    second.load(commits);
    const strip = (rs: Awaited<ReturnType<typeof readAll>>) =>
      rs.map((r) => [r.partition, r.offset, r.key, r.value]);
    expect(strip(await readAll(second, 't'))).toEqual(strip(await readAll(first, 't')));
    expect(await second.endOffsets('t')).toEqual(await first.endOffsets('t'));
    expect(await second.committedOffsets('g', 't')).toEqual(await first.committedOffsets('g', 't'));
    await Promise.all([first.close(), second.close()]);
  });

  it('keeps compacted survivors at their original offsets', async () => {
    const log = createInProcessEventLog();
    await log.ensureTopics([{ name: 'c', partitions: 1, compacted: true }]);
    await log.append(['a', 'b', 'a', 'c', 'b'].map((key, i) => ({ topic: 'c', key, value: i })));
    expect((await readAll(log, 'c')).map((r) => [r.offset, r.key])).toEqual([
      ['2', 'a'],
      ['3', 'c'],
      ['4', 'b'],
    ]);
    await log.close();
  });

  it('drops the oldest records beyond a topic’s retention and starts new groups after them', async () => {
    const log = createInProcessEventLog({ retainRecords: (topic) => (topic === 'r' ? 3 : undefined) });
    await log.ensureTopics([{ name: 'r', partitions: 1, compacted: false }]);
    await log.append(Array.from({ length: 5 }, (_, i) => ({ topic: 'r', key: null, value: i })));
    expect((await readAll(log, 'r')).map((r) => r.offset)).toEqual(['2', '3', '4']);
    const member = await collect(log, { group: 'g', topics: ['r'] });
    await vi.waitFor(() => expect(member.records.map((r) => r.value)).toEqual([2, 3, 4]), WAIT);
    await member.subscription.stop();
    await log.close();
  });

  it('rejects unknown topics and partitions, and offset changes for a group with members', async () => {
    const log = createInProcessEventLog();
    await log.ensureTopics([{ name: 't', partitions: 2, compacted: false }]);
    await expect(log.append([{ topic: 'nope', key: null, value: 1 }])).rejects.toMatchObject({
      code: RUNTIME_ERROR_CODES.unknownTopic,
    });
    await expect(log.append([{ topic: 't', key: null, value: 1, partition: 2 }])).rejects.toMatchObject({
      code: RUNTIME_ERROR_CODES.invalidPartition,
    });
    const member = await collect(log, { group: 'g', topics: ['t'] });
    await expect(
      log.setCommittedOffsets('g', [{ topic: 't', partition: 0, offset: '0' }]),
    ).rejects.toMatchObject({
      code: RUNTIME_ERROR_CODES.groupActive,
    });
    await member.subscription.stop();
    await log.close();
  });

  it('rebalances only once a busy member has finished its batch, telling it through heartbeat and isActive', async () => {
    const log = createInProcessEventLog();
    await log.ensureTopics([{ name: 't', partitions: 2, compacted: false }]);
    await log.append([{ topic: 't', key: null, value: 'x', partition: 0 }]);
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let seen: BatchControl | null = null;
    const busy = await log.consume({
      group: 'g',
      topics: ['t'],
      eachBatch: async (_batch, control) => {
        seen = control;
        await released;
      },
    });
    await vi.waitFor(() => expect(seen).not.toBeNull(), WAIT);
    const control = seen as unknown as BatchControl;
    expect(control.isActive()).toBe(true);

    const other = await collect(log, { group: 'g', topics: ['t'] });
    expect(control.isActive()).toBe(false);
    await expect(control.heartbeat()).rejects.toMatchObject({ code: RUNTIME_ERROR_CODES.rebalance });
    // The newcomer gets nothing while the busy member still works on the old generation.
    await new Promise((resolve) => setImmediate(resolve));
    expect(other.assignments).toHaveLength(0);

    release();
    await vi.waitFor(() => expect(other.owned()).toHaveLength(1), WAIT);
    await Promise.all([busy.stop(), other.subscription.stop()]);
    await log.close();
  });

  it('ends a member whose batch handler throws and gives its partitions to the others', async () => {
    const log = createInProcessEventLog();
    await log.ensureTopics([{ name: 't', partitions: 2, compacted: false }]);
    const survivor = await collect(log, { group: 'g', topics: ['t'] });
    const failing = await log.consume({
      group: 'g',
      topics: ['t'],
      eachBatch: () => Promise.reject(new TypeError('handler bug')),
    });
    await vi.waitFor(() => expect(survivor.owned()).toHaveLength(1), WAIT);
    await log.append([0, 1].map((partition) => ({ topic: 't', key: null, value: partition, partition })));
    await expect(failing.done).rejects.toThrow('handler bug');
    await vi.waitFor(() => expect(survivor.owned()).toHaveLength(2), WAIT);
    // Nothing was committed, so the survivor reads both partitions from their start.
    await vi.waitFor(
      () => expect(new Set(survivor.records.map((r) => r.value))).toEqual(new Set([0, 1])),
      WAIT,
    );
    await survivor.subscription.stop();
    await log.close();
  });
});
