import { randomBytes } from 'node:crypto';
import { vi } from 'vitest';
import type {
  EventLog,
  LogRecord,
  Subscription,
  TopicPartitionOffset,
} from '../../services/shared/runtime/event-log.ts';

/**
 * What a contract suite needs from an adapter under test: the log, unique resources on it and
 * a cleanup that removes them. Unit specs build one over the in-process bus, integration specs
 * over the local Kafka broker.
 */
export interface EventLogFixture {
  readonly log: EventLog;
  /** Creates a topic with a unique name (removed on cleanup). */
  topic(prefix: string, partitions: number, options?: { readonly compacted?: boolean }): Promise<string>;
  /** Creates a topic with exactly this name (a processor's changelog or DLQ), removed on cleanup. */
  namedTopic(name: string, partitions: number, options?: { readonly compacted?: boolean }): Promise<string>;
  /** A unique consumer group id (removed on cleanup). */
  group(prefix: string): string;
  /** A second log over the same storage: another process's client (Kafka) or the same bus. */
  peer(): EventLog;
  /** Removes everything the fixture created; the suite calls it after each test. */
  cleanup(): Promise<void>;
}

export type EventLogFixtureFactory = () => Promise<EventLogFixture>;

export const WAIT = { timeout: 60_000, interval: 50 } as const;

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export interface Collector {
  readonly records: LogRecord[];
  readonly assignments: Map<string, readonly number[]>[];
  readonly subscription: Subscription;
  /** Latest assignment as `topic:partition` strings, sorted. */
  owned(): string[];
}

/** Subscribes a group member that keeps every record it is given and marks it consumed. */
export async function collect(
  log: EventLog,
  {
    group,
    topics,
    startFrom,
    startAt,
  }: {
    group: string;
    topics: readonly string[];
    startFrom?: 'earliest' | 'latest';
    startAt?: readonly TopicPartitionOffset[];
  },
): Promise<Collector> {
  const records: LogRecord[] = [];
  const assignments: Map<string, readonly number[]>[] = [];
  const subscription = await log.consume({
    group,
    topics,
    ...(startFrom === undefined ? {} : { startFrom }),
    ...(startAt === undefined ? {} : { startAt }),
    onAssignment: (assignment) => {
      assignments.push(new Map(assignment));
    },
    eachBatch: async (batch, control) => {
      for (const record of batch.records) {
        records.push(record);
        control.markConsumed(record.offset);
      }
      await control.heartbeat();
    },
  });
  return {
    records,
    assignments,
    subscription,
    owned: () =>
      [...(assignments.at(-1) ?? new Map<string, readonly number[]>())]
        .flatMap(([topic, partitions]) => partitions.map((p) => `${topic}:${p}`))
        .sort(),
  };
}

/** Every record of a topic, read outside any group. */
export async function readAll(
  log: EventLog,
  topic: string,
  partitions?: readonly number[],
): Promise<LogRecord[]> {
  const out: LogRecord[] = [];
  await log.readToEnd(topic, {
    ...(partitions === undefined ? {} : { partitions }),
    onRecords: (records) => {
      out.push(...records);
    },
  });
  return out;
}

/** Folds a topic into its latest value per key, as a restoring reader does. */
export function latestByKey(records: readonly LogRecord[]): Map<string, unknown> {
  const state = new Map<string, unknown>();
  for (const r of records) {
    if (r.key === null) continue;
    if (r.value === null) state.delete(r.key);
    else state.set(r.key, r.value);
  }
  return state;
}

/** Waits until the group has committed every partition of `topic` (appended outside transactions) up to its end. */
export async function waitForCommittedToEnd(log: EventLog, group: string, topic: string): Promise<void> {
  await vi.waitFor(async () => {
    const [ends, committed] = await Promise.all([log.endOffsets(topic), log.committedOffsets(group, topic)]);
    for (const [partition, end] of ends) {
      const at = committed.get(partition) ?? '0';
      if (BigInt(at) < BigInt(end)) throw new Error(`${topic}/${partition}: committed ${at} < end ${end}`);
    }
  }, WAIT);
}
