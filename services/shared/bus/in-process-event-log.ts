import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type {
  Assignment,
  BatchControl,
  ConsumeOptions,
  EventLog,
  LogBatch,
  LogRecord,
  LogTopic,
  OutgoingRecord,
  ReadToEndOptions,
  Subscription,
  TopicPartitionOffset,
  TransactionalWriter,
} from '../runtime/event-log.ts';
import { EVENT_LOG_KINDS, START_FROM } from '../runtime/event-log.ts';
import { isRebalance, RUNTIME_ERROR_CODES, RuntimeError } from '../runtime/runtime-error.ts';
import { createConsumerGroup } from './consumer-group.ts';
import type { ConsumerGroup } from './consumer-group.ts';
import { partitionForKey } from './partition-for-key.ts';
import { createPartitionLog } from './partition-log.ts';
import type { PartitionLog, StoredRecord } from './partition-log.ts';
import { createWakeSignal } from './wake-signal.ts';

/** A record as the persistence hook receives it: where it landed and what it holds. */
export interface PersistedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: unknown;
  readonly timestamp: number;
  readonly headers: Readonly<Record<string, string>>;
}

export interface GroupOffset extends TopicPartitionOffset {
  readonly group: string;
}

/** Everything one append or transaction made visible, atomically. */
export interface PersistedCommit {
  readonly records: readonly PersistedRecord[];
  readonly offsets: readonly GroupOffset[];
}

/**
 * Lets the embedded mode keep the log elsewhere (raw events in chDB). `onCommit` runs before a
 * commit becomes visible; if it rejects, the commit fails and nothing of it is visible.
 */
export interface PersistenceHook {
  onCommit(commit: PersistedCommit): Promise<void>;
}

export interface InProcessEventLog extends EventLog {
  /**
   * Re-applies commits persisted earlier (an embedded restart) without calling the hook.
   * Topics must exist; offsets must lie at or after each partition's end.
   */
  load(commits: readonly PersistedCommit[]): void;
  /**
   * Moves a partition's end offset forward without a record (a restore whose last records
   * stay in the store): the next append gets at least `offset`.
   */
  skipTo(topic: string, partition: number, offset: number): void;
  /** Forgets a partition's records below `offset`: they are held elsewhere (the embedded store). */
  dropBefore(topic: string, partition: number, offset: number): void;
}

export interface InProcessEventLogOptions {
  readonly persistence?: PersistenceHook;
  readonly clock?: () => number;
  /** Records per delivered batch. */
  readonly maxBatchRecords?: number;
  /** Per topic, how many records a partition keeps (default all). */
  readonly retainRecords?: (topic: string) => number | undefined;
}

interface TopicState {
  readonly partitions: readonly PartitionLog[];
  readonly compacted: boolean;
  roundRobin: number;
}

/**
 * The event log of the embedded mode: partitioned append-only logs in memory, consumer groups
 * with committed offsets and eager co-partitioned rebalances, transactions as atomic appends
 * plus offset commits, and an optional persistence hook. Commits are serialized, so offsets are
 * handed out in commit order and a commit is visible whole or not at all.
 *
 * Values are stored and handed out by reference, not copied: every reader must treat them as
 * immutable (processors do, by contract), which keeps the embedded mode free of copying costs.
 */
export function createInProcessEventLog({
  persistence,
  clock = Date.now,
  maxBatchRecords = 500,
  retainRecords = () => undefined,
}: InProcessEventLogOptions = {}): InProcessEventLog {
  const topics = new Map<string, TopicState>();
  const groups = new Map<string, ConsumerGroup>();
  const writerEpochs = new Map<string, number>();
  const wake = createWakeSignal();
  const subscriptions = new Set<Subscription>();
  let commitTail: Promise<unknown> = Promise.resolve();
  let memberSeq = 0;
  let closed = false;

  const topicOf = (name: string): TopicState => {
    const topic = topics.get(name);
    if (topic === undefined)
      throw new RuntimeError(RUNTIME_ERROR_CODES.unknownTopic, `topic ${name} does not exist`);
    return topic;
  };

  const partitionOf = (name: string, partition: number): PartitionLog => {
    const log = topicOf(name).partitions[partition];
    if (log === undefined) {
      throw new RuntimeError(
        RUNTIME_ERROR_CODES.invalidPartition,
        `topic ${name} has no partition ${partition}`,
      );
    }
    return log;
  };

  const groupOf = (id: string): ConsumerGroup => {
    let group = groups.get(id);
    if (group === undefined) {
      group = createConsumerGroup(id, {
        partitionCount: (topic) => topicOf(topic).partitions.length,
        onChange: () => wake.notify(),
      });
      groups.set(id, group);
    }
    return group;
  };

  const assertOpen = (): void => {
    if (closed) throw new RuntimeError(RUNTIME_ERROR_CODES.closed, 'the in-process event log is closed');
  };

  const choosePartition = (record: OutgoingRecord): number => {
    const topic = topicOf(record.topic);
    const count = topic.partitions.length;
    if (record.partition !== undefined) {
      if (!Number.isInteger(record.partition) || record.partition < 0 || record.partition >= count) {
        throw new RuntimeError(
          RUNTIME_ERROR_CODES.invalidPartition,
          `topic ${record.topic} has no partition ${record.partition}`,
        );
      }
      return record.partition;
    }
    if (record.key !== null) return partitionForKey(record.key, count);
    topic.roundRobin = (topic.roundRobin + 1) % count;
    return topic.roundRobin;
  };

  /** Places records and offsets, asks the hook, then makes everything visible in one step. */
  const commitAtomically = (
    records: readonly OutgoingRecord[],
    offsets: readonly GroupOffset[],
  ): Promise<void> => {
    const run = commitTail.then(async () => {
      assertOpen();
      const nextOffset = new Map<string, number>();
      const placed: PersistedRecord[] = records.map((record) => {
        const partition = choosePartition(record);
        const slot = `${record.topic}/${partition}`;
        const offset = nextOffset.get(slot) ?? partitionOf(record.topic, partition).endOffset();
        nextOffset.set(slot, offset + 1);
        return {
          topic: record.topic,
          partition,
          offset: String(offset),
          key: record.key,
          value: record.value,
          timestamp: clock(),
          headers: ownHeaders(record.headers),
        };
      });
      for (const o of offsets) partitionOf(o.topic, o.partition);
      const commit: PersistedCommit = { records: placed, offsets };
      if (persistence !== undefined) {
        try {
          await persistence.onCommit(commit);
        } catch (cause) {
          throw new RuntimeError(
            RUNTIME_ERROR_CODES.persistenceFailed,
            'the persistence hook refused a commit',
            {
              cause,
              retriable: true,
            },
          );
        }
      }
      apply(commit);
    });
    commitTail = run.catch(() => undefined);
    return run;
  };

  const apply = (commit: PersistedCommit): void => {
    for (const r of commit.records) {
      const { key, value, timestamp } = r;
      partitionOf(r.topic, r.partition).append(
        { key, value, timestamp, headers: ownHeaders(r.headers) },
        Number(r.offset),
      );
    }
    for (const o of commit.offsets) {
      const committed = groupOf(o.group).committed;
      const byPartition = committed.get(o.topic) ?? new Map<number, number>();
      byPartition.set(o.partition, Number(o.offset));
      committed.set(o.topic, byPartition);
    }
    wake.notify();
  };

  const toLogRecord = (topic: string, partition: number, r: StoredRecord): LogRecord => ({
    topic,
    partition,
    offset: String(r.offset),
    key: r.key,
    value: r.value,
    timestamp: r.timestamp,
    headers: r.headers,
    raw: null,
    decodeFailure: null,
  });

  const consume = (options: ConsumeOptions): Promise<Subscription> => {
    assertOpen();
    for (const topic of options.topics) topicOf(topic);
    const group = groupOf(options.group);
    memberSeq += 1;
    const memberId = `${options.group}#${memberSeq}`;
    const startFrom = options.startFrom ?? START_FROM.earliest;
    const startAt = new Map(
      (options.startAt ?? []).map((o) => [`${o.topic}/${o.partition}`, Number(o.offset)]),
    );
    let running = true;
    group.join(memberId, options.topics);

    const memberLoop = async (): Promise<void> => {
      let generation = 0;
      let owned: { topic: string; partition: number }[] = [];
      const positions = new Map<string, number>();
      let cursor = 0;

      const adopt = (assignment: Assignment): void => {
        owned = [...assignment].flatMap(([topic, partitions]) =>
          partitions.map((partition) => ({ topic, partition })),
        );
        positions.clear();
        for (const { topic, partition } of owned) {
          const log = partitionOf(topic, partition);
          const committed = group.committed.get(topic)?.get(partition);
          const start = startFrom === START_FROM.earliest ? log.startOffset() : log.endOffset();
          const at = startAt.get(`${topic}/${partition}`);
          positions.set(
            `${topic}/${partition}`,
            at === undefined ? (committed ?? start) : Math.max(at, log.startOffset()),
          );
        }
        cursor = 0;
        options.onAssignment?.(assignment);
      };

      const nextBatch = (): LogBatch | null => {
        for (let i = 0; i < owned.length; i += 1) {
          const tp = owned[(cursor + i) % owned.length];
          if (tp === undefined) continue;
          const slot = `${tp.topic}/${tp.partition}`;
          const log = partitionOf(tp.topic, tp.partition);
          const position = positions.get(slot) ?? log.endOffset();
          if (position >= log.endOffset()) continue;
          const stored = log.read(position, maxBatchRecords);
          if (stored.length === 0) {
            positions.set(slot, log.endOffset());
            continue;
          }
          cursor = (cursor + i + 1) % owned.length;
          return {
            topic: tp.topic,
            partition: tp.partition,
            records: stored.map((r) => toLogRecord(tp.topic, tp.partition, r)),
            highWatermark: String(log.endOffset()),
          };
        }
        return null;
      };

      const isActive = (): boolean =>
        running && !group.rebalancePending() && group.generation() === generation;

      try {
        while (running) {
          if (group.rebalancePending() || group.generation() === 0) {
            await wake.wait();
            continue;
          }
          if (group.generation() !== generation) {
            generation = group.generation();
            adopt(group.assignmentOf(memberId));
          }
          const batch = nextBatch();
          if (batch === null) {
            await wake.wait();
            continue;
          }
          const batchGeneration = generation;
          const control: BatchControl = {
            heartbeat() {
              if (running && !isActive()) {
                return Promise.reject(
                  new RuntimeError(RUNTIME_ERROR_CODES.rebalance, `group ${group.id} is rebalancing`),
                );
              }
              return Promise.resolve();
            },
            isActive,
            markConsumed(offset) {
              if (group.generation() === batchGeneration) {
                positions.set(`${batch.topic}/${batch.partition}`, Number(offset) + 1);
              }
            },
          };
          group.setBusy(memberId, true);
          try {
            await options.eachBatch(batch, control);
          } catch (error) {
            // A rebalance ends the batch, not the member: it picks up its new assignment next.
            if (!isRebalance(error)) throw error;
          } finally {
            group.setBusy(memberId, false);
          }
          // Long backlogs must not starve timers and sockets of the same process.
          await yieldToEventLoop();
        }
      } finally {
        group.leave(memberId);
      }
    };

    const done = memberLoop();
    const subscription: Subscription = {
      done,
      async stop() {
        running = false;
        wake.notify();
        await done.catch(() => undefined);
        subscriptions.delete(subscription);
      },
    };
    subscriptions.add(subscription);
    // The caller observes failures through `done`; this keeps an unobserved crash from being unhandled too.
    done.catch(() => undefined);
    return Promise.resolve(subscription);
  };

  const transactionalWriter = (id: string): Promise<TransactionalWriter> => {
    assertOpen();
    const epoch = (writerEpochs.get(id) ?? 0) + 1;
    writerEpochs.set(id, epoch);
    const assertCurrent = (): void => {
      if (writerEpochs.get(id) !== epoch) {
        throw new RuntimeError(
          RUNTIME_ERROR_CODES.fenced,
          `transactional id ${id} was taken over by a newer writer`,
        );
      }
    };
    let open = false;
    return Promise.resolve({
      async begin() {
        await Promise.resolve();
        assertCurrent();
        if (open)
          throw new RuntimeError(RUNTIME_ERROR_CODES.transactionState, `${id}: a transaction is open`);
        open = true;
        const records: OutgoingRecord[] = [];
        const offsets: GroupOffset[] = [];
        let state: 'open' | 'done' = 'open';
        const assertOpenTx = (): void => {
          if (state !== 'open') {
            throw new RuntimeError(RUNTIME_ERROR_CODES.transactionState, `${id}: the transaction has ended`);
          }
        };
        return {
          append(batch) {
            assertOpenTx();
            for (const record of batch) choosePartitionCheck(record);
            records.push(...batch);
            return Promise.resolve();
          },
          commitOffsets(group, list) {
            assertOpenTx();
            offsets.push(...list.map((o) => ({ ...o, group })));
            return Promise.resolve();
          },
          async commit() {
            assertOpenTx();
            state = 'done';
            open = false;
            assertCurrent();
            await commitAtomically(records, offsets);
          },
          abort() {
            state = 'done';
            open = false;
            return Promise.resolve();
          },
        };
      },
      close: () => Promise.resolve(),
    });
  };

  /** Unknown topics fail at append time, as a Kafka producer would, not only at commit. */
  const choosePartitionCheck = (record: OutgoingRecord): void => {
    const count = topicOf(record.topic).partitions.length;
    if (record.partition !== undefined && (record.partition < 0 || record.partition >= count)) {
      throw new RuntimeError(
        RUNTIME_ERROR_CODES.invalidPartition,
        `topic ${record.topic} has no partition ${record.partition}`,
      );
    }
  };

  return {
    kind: EVENT_LOG_KINDS.inProcess,

    ensureTopics(specs: readonly LogTopic[]) {
      for (const spec of specs) {
        if (topics.has(spec.name)) continue;
        const retain = retainRecords(spec.name);
        topics.set(spec.name, {
          compacted: spec.compacted,
          roundRobin: -1,
          partitions: Array.from({ length: spec.partitions }, () =>
            createPartitionLog({
              compacted: spec.compacted,
              ...(retain === undefined ? {} : { retainRecords: retain }),
            }),
          ),
        });
      }
      return Promise.resolve();
    },

    partitionCount: (topic) => Promise.resolve().then(() => topicOf(topic).partitions.length),

    append: (records) => commitAtomically(records, []),

    endOffsets: (topic) =>
      Promise.resolve().then(
        () => new Map(topicOf(topic).partitions.map((p, i) => [i, String(p.endOffset())])),
      ),

    offsetsForTimestamp: (topic, timestamp) =>
      Promise.resolve().then(
        () => new Map(topicOf(topic).partitions.map((p, i) => [i, String(p.offsetForTimestamp(timestamp))])),
      ),

    committedOffsets: (group, topic) =>
      Promise.resolve().then(() => {
        topicOf(topic);
        const byPartition = groups.get(group)?.committed.get(topic) ?? new Map<number, number>();
        return new Map([...byPartition].map(([p, o]) => [p, String(o)]));
      }),

    setCommittedOffsets(group, offsets) {
      if (groups.get(group)?.hasMembers() === true) {
        return Promise.reject(
          new RuntimeError(RUNTIME_ERROR_CODES.groupActive, `group ${group} has active members`),
        );
      }
      return commitAtomically(
        [],
        offsets.map((o) => ({ ...o, group })),
      );
    },

    async readToEnd(topic, { partitions, from, until, onRecords }: ReadToEndOptions) {
      const state = topicOf(topic);
      const wanted = partitions ?? state.partitions.map((_, i) => i);
      for (const partition of wanted) {
        const log = partitionOf(topic, partition);
        const stop = until?.get(partition);
        const end = Math.min(log.endOffset(), stop === undefined ? Infinity : Number(stop));
        const first = from?.get(partition);
        let position = Math.max(log.startOffset(), first === undefined ? 0 : Number(first));
        while (position < end) {
          const stored = log.read(position, maxBatchRecords).filter((r) => r.offset < end);
          if (stored.length === 0) break;
          position = (stored.at(-1)?.offset ?? end) + 1;
          await onRecords(stored.map((r) => toLogRecord(topic, partition, r)));
        }
      }
    },

    consume,
    transactionalWriter,

    load(commits) {
      for (const commit of commits) apply(commit);
    },

    skipTo(topic, partition, offset) {
      partitionOf(topic, partition).skipTo(offset);
    },

    dropBefore(topic, partition, offset) {
      partitionOf(topic, partition).dropBefore(offset);
    },

    async close() {
      await Promise.all([...subscriptions].map((s) => s.stop()));
      await commitTail;
      closed = true;
      wake.notify();
    },
  };
}

/** Most records carry no headers: they all share this one object (at 75,000 configs the bus holds ~400,000 records). */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

function ownHeaders(headers: Readonly<Record<string, string>> | undefined): Readonly<Record<string, string>> {
  if (headers === undefined) return NO_HEADERS;
  for (const _ in headers) return { ...headers };
  return NO_HEADERS;
}
