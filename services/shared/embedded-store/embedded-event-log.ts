import { performance } from 'node:perf_hooks';
import { createInProcessEventLog } from '../bus/in-process-event-log.ts';
import type { InProcessEventLog, PersistedRecord } from '../bus/in-process-event-log.ts';
import type { Logger } from '../logger.ts';
import type { EventLog, LogTopic } from '../runtime/event-log.ts';
import type { LogStore } from './log-store.ts';
import { NO_CONSUMERS, retentionFloor, trackOffsets } from './retention-policy.ts';
import type { CommittedOffsets, RetentionPolicy } from './retention-policy.ts';

export interface EmbeddedEventLogOptions {
  readonly store: LogStore;
  readonly logger: Logger;
  /** Who consumes each topic, so memory holds only what they may still read. Default: nobody. */
  readonly retention?: RetentionPolicy;
  /** How often memory is trimmed to the durable consumers' progress. */
  readonly trimIntervalMs?: number;
  readonly maxBatchRecords?: number;
  readonly clock?: () => number;
}

export interface RestoreReport {
  readonly topics: number;
  /** Records brought back into memory. */
  readonly records: number;
  /** Group offsets restored. */
  readonly offsets: number;
  readonly ms: number;
}

/**
 * The event log of the embedded mode: the in-process bus, with every commit stored in chDB
 * before it becomes visible (the bus's persistence hook), so a restart restores what the
 * previous run committed: the catalog, the raw fetches not yet processed, the processors'
 * changelogs, configs.current and the other compacted topics, every group's offsets and every
 * partition's end offset. Processors then restore their state from the changelogs and carry on
 * where they were, and nothing is fetched again to rebuild the current state.
 *
 * Memory holds compacted topics whole (the bus compacts them on write) and, of the other topics,
 * only what a durable consumer has not committed past yet; the store holds the rest for its
 * retention (a replay reads the raw topic back from there). Trimming lags one interval behind
 * the commits, so consumers that never commit (the read API following snapshots) see the records too.
 */
export interface EmbeddedEventLog extends EventLog {
  /** Loads what the store holds; call once, after ensuring the topics and before anything consumes. */
  restore(): Promise<RestoreReport>;
  /** True when the store held nothing at open: a first start. */
  readonly firstStart: boolean;
  /** Forgets, from memory only, records every durable consumer committed past one interval ago. */
  trim(): Promise<void>;
}

export function createEmbeddedEventLog({
  store,
  logger,
  retention = () => NO_CONSUMERS,
  trimIntervalMs = 15_000,
  maxBatchRecords,
  clock,
}: EmbeddedEventLogOptions): EmbeddedEventLog {
  const topics = new Map<string, LogTopic>();
  const committed: CommittedOffsets = new Map();
  const firstStart = store.isEmpty();
  let pendingFloors = new Map<string, number>();
  let trimTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const compacted = (topic: string): boolean => topics.get(topic)?.compacted ?? false;

  const inner: InProcessEventLog = createInProcessEventLog({
    persistence: {
      async onCommit(commit) {
        await store.saveCommit(commit, compacted);
        trackOffsets(committed, commit.offsets);
      },
    },
    ...(maxBatchRecords === undefined ? {} : { maxBatchRecords }),
    ...(clock === undefined ? {} : { clock }),
  });

  const ensureTopics = async (specs: readonly LogTopic[]): Promise<void> => {
    const fresh = specs.filter((s) => !topics.has(s.name));
    if (fresh.length === 0) return;
    await inner.ensureTopics(fresh);
    await store.saveTopics(fresh);
    for (const spec of fresh) topics.set(spec.name, spec);
  };

  const restore = async (): Promise<RestoreReport> => {
    const started = performance.now();
    const stored = await store.topics();
    const shapes = new Map(stored.map((t) => [t.name, t]));
    for (const spec of stored) {
      const held = topics.get(spec.name);
      if (held === undefined) {
        await inner.ensureTopics([spec]);
        topics.set(spec.name, spec);
      } else if (held.partitions !== spec.partitions || held.compacted !== spec.compacted) {
        logger.warn({ topic: spec.name, stored: spec, wanted: held }, 'topic differs from the stored one');
      }
    }
    const ends = new Map<string, number>();
    for (const e of await store.endOffsets()) ends.set(`${e.topic}\u0000${e.partition}`, Number(e.offset));
    const offsets = await store.groupOffsets();
    trackOffsets(committed, offsets);

    let records = 0;
    for (const topic of topics.values()) {
      if (!shapes.has(topic.name)) continue;
      const policy = retention(topic.name);
      const floors = new Map<number, { floor: number; end: number }>();
      for (let partition = 0; partition < topic.partitions; partition += 1) {
        const end = ends.get(`${topic.name}\u0000${partition}`) ?? 0;
        if (end === 0) continue;
        floors.set(partition, {
          end,
          floor: retentionFloor(policy, committed.get(topic.name)?.get(partition), end),
        });
      }
      records += await restoreTopic(topic, floors, policy.latestPerKey === true);
    }
    inner.load([{ records: [], offsets }]);
    const report = {
      topics: shapes.size,
      records,
      offsets: offsets.length,
      ms: Math.round(performance.now() - started),
    };
    logger.info(report, 'event log restored from the embedded store');
    return report;
  };

  /** Compacted topics whole (minus tombstones nobody needs), others from each partition's floor. */
  const restoreTopic = async (
    topic: LogTopic,
    floors: ReadonlyMap<number, { readonly floor: number; readonly end: number }>,
    latestPerKey: boolean,
  ): Promise<number> => {
    const held = new Map<number, PersistedRecord[]>();
    const partitionsWhere = (
      keep: (f: { floor: number; end: number }) => boolean,
      from: (f: { floor: number }) => number,
    ) => new Map([...floors].filter(([, f]) => keep(f)).map(([p, f]) => [p, from(f)]));
    if (topic.compacted) {
      const stored = await store.records({
        topic: topic.name,
        from: partitionsWhere(
          () => true,
          () => 0,
        ),
      });
      for (const [partition, list] of stored) {
        const floor = floors.get(partition)?.floor ?? 0;
        // A tombstone below every durable consumer's position deletes what no one holds any more.
        held.set(
          partition,
          list.filter((r) => r.value !== null || Number(r.offset) >= floor),
        );
      }
    } else {
      if (latestPerKey) {
        const latest = await store.records({
          topic: topic.name,
          from: partitionsWhere(
            (f) => f.floor > 0,
            () => 0,
          ),
          latestPerKey: true,
        });
        for (const [partition, list] of latest) {
          const floor = floors.get(partition)?.floor ?? 0;
          held.set(
            partition,
            list.filter((r) => Number(r.offset) < floor),
          );
        }
      }
      const pending = await store.records({
        topic: topic.name,
        from: partitionsWhere(
          (f) => f.floor < f.end,
          (f) => f.floor,
        ),
      });
      for (const [partition, list] of pending) held.set(partition, [...(held.get(partition) ?? []), ...list]);
    }
    let count = 0;
    for (const [partition, { floor, end }] of floors) {
      const list = held.get(partition) ?? [];
      const first = list[0];
      const start = Math.min(floor, first === undefined ? end : Number(first.offset));
      // Offsets below the first held record stay out of memory (and out of every read).
      inner.skipTo(topic.name, partition, start);
      inner.dropBefore(topic.name, partition, start);
      if (list.length > 0) inner.load([{ records: list, offsets: [] }]);
      inner.skipTo(topic.name, partition, end);
      count += list.length;
    }
    return count;
  };

  const trim = async (): Promise<void> => {
    const next = new Map<string, number>();
    for (const topic of topics.values()) {
      if (topic.compacted) continue;
      const policy = retention(topic.name);
      const ends = await inner.endOffsets(topic.name);
      for (const [partition, end] of ends) {
        const slot = `${topic.name}\u0000${partition}`;
        next.set(slot, retentionFloor(policy, committed.get(topic.name)?.get(partition), Number(end)));
        const due = pendingFloors.get(slot);
        if (due !== undefined && due > 0) inner.dropBefore(topic.name, partition, due);
      }
    }
    pendingFloors = next;
  };

  const scheduleTrim = (): void => {
    if (closed) return;
    trimTimer = setTimeout(() => {
      trim()
        .catch((error: unknown) => logger.warn({ err: error }, 'trimming the in-memory log failed'))
        .finally(scheduleTrim);
    }, trimIntervalMs);
    trimTimer.unref();
  };
  scheduleTrim();

  return {
    kind: inner.kind,
    firstStart,
    ensureTopics,
    partitionCount: (topic) => inner.partitionCount(topic),
    append: (records) => inner.append(records),
    endOffsets: (topic) => inner.endOffsets(topic),
    offsetsForTimestamp: (topic, timestamp) => inner.offsetsForTimestamp(topic, timestamp),
    committedOffsets: (group, topic) => inner.committedOffsets(group, topic),
    setCommittedOffsets: (group, offsets) => inner.setCommittedOffsets(group, offsets),
    readToEnd: (topic, options) => inner.readToEnd(topic, options),
    consume: (options) => inner.consume(options),
    transactionalWriter: (id) => inner.transactionalWriter(id),
    restore,
    trim,
    async close() {
      closed = true;
      if (trimTimer !== undefined) clearTimeout(trimTimer);
      trimTimer = undefined;
      await inner.close();
    },
  };
}
