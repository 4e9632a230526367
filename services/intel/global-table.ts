import { randomBytes } from 'node:crypto';
import type { Logger } from '../shared/logger.ts';
import type { EventLog, LogRecord, Subscription, TopicPartitionOffset } from '../shared/runtime/event-log.ts';

export interface GlobalTableOptions {
  readonly log: EventLog;
  /** Compacted topics read whole (every partition) by every instance. */
  readonly topics: readonly string[];
  /** Applies records in offset order per partition; must be idempotent (records may be read twice). */
  readonly apply: (records: readonly LogRecord[]) => void;
  readonly logger: Logger;
  /** Prefix of the private consumer group; a random suffix makes it unique per start. */
  readonly groupPrefix: string;
}

export interface GlobalTable {
  /** Reads every partition to its end offsets, then follows new records; resolves once caught up. */
  start(): Promise<void>;
  isReady(): boolean;
  /** False once following failed: the process should be restarted. */
  isLive(): boolean;
  stop(): Promise<void>;
}

/**
 * A side table (Kafka Streams' GlobalKTable): a compacted topic keyed and partitioned unlike a
 * processor's input, read whole by every instance so a lookup never depends on partitioning.
 * The catch-up uses `readToEnd` (which handles partitions ending in transaction markers), then a
 * consumer in a private random group follows from where catch-up stopped; nothing is committed
 * and a restart starts over, which on a compacted topic is cheap and always correct.
 */
export function createGlobalTable({
  log,
  topics,
  apply,
  logger,
  groupPrefix,
}: GlobalTableOptions): GlobalTable {
  const group = `${groupPrefix}.${randomBytes(6).toString('hex')}`;
  let subscription: Subscription | null = null;
  let ready = false;
  let live = true;
  let stopping = false;

  const catchUp = async (): Promise<TopicPartitionOffset[]> => {
    const starts: TopicPartitionOffset[] = [];
    for (const topic of topics) {
      const ends = await log.endOffsets(topic);
      const position = new Map<number, bigint>([...ends].map(([p, o]) => [p, BigInt(o)]));
      await log.readToEnd(topic, {
        onRecords: (records) => {
          apply(records);
          const last = records.at(-1);
          if (last === undefined) return;
          const next = BigInt(last.offset) + 1n;
          if (next > (position.get(last.partition) ?? 0n)) position.set(last.partition, next);
        },
      });
      for (const [partition, offset] of position)
        starts.push({ topic, partition, offset: offset.toString() });
    }
    return starts;
  };

  return {
    async start() {
      const started = Date.now();
      const starts = await catchUp();
      if (stopping) return;
      if (starts.length > 0) await log.setCommittedOffsets(group, starts);
      subscription = await log.consume({
        group,
        topics,
        eachBatch: (batch, control) => {
          apply(batch.records);
          const last = batch.records.at(-1);
          if (last !== undefined) control.markConsumed(last.offset);
          return Promise.resolve();
        },
      });
      subscription.done.then(
        () => undefined,
        (error: unknown) => {
          if (stopping) return;
          live = false;
          logger.error({ err: error, topics }, 'the side table stopped following its topics');
        },
      );
      ready = true;
      logger.info({ topics, group, ms: Date.now() - started }, 'side table caught up');
    },
    isReady: () => ready,
    isLive: () => live,
    async stop() {
      stopping = true;
      await subscription?.stop();
    },
  };
}
