import type { SourceCatalogEntry, SourceCommand } from '../generated/events.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventLog, Subscription } from '../shared/runtime/event-log.ts';
import { START_FROM } from '../shared/runtime/event-log.ts';
import type { FetchScheduler, ScheduledSource } from './fetch-scheduler.ts';

export interface CatalogFeedOptions {
  readonly log: EventLog;
  /** sources.catalog.v1 (or a test's prefixed copy). */
  readonly topic: string;
  /**
   * sources.commands.v1, when operators may ask for a fetch now. It is keyed by source id and
   * partitioned like the catalog, and the group assigns partition p of both topics to the same
   * instance, so a command reaches the instance that owns its source.
   */
  readonly commandsTopic?: string;
  /**
   * The group never commits, so every assignment re-reads old commands too: only commands
   * issued at most this long before the assignment are still carried out (one issued during a
   * rebalance must not be lost; one from last week must not fire again).
   */
  readonly commandGraceMs?: number;
  readonly now?: () => number;
  /** Every fetcher instance joins this group; the group splits the catalog's partitions among them. */
  readonly group: string;
  readonly scheduler: FetchScheduler;
  readonly logger: Logger;
  /** Called once every partition assigned so far has been read up to the end offset seen at assignment. */
  readonly onCaughtUp?: () => void;
  /**
   * A partition whose end offset is never reached by a record (its tail is a transaction
   * marker) counts as read after this long without records.
   */
  readonly catchUpGraceMs?: number;
}

export interface CatalogFeed extends Subscription {
  /** True once the owned part of the catalog is loaded (readiness). */
  caughtUp(): boolean;
}

/**
 * Fetch partitioning: a consumer group on the compacted catalog topic. The group hands each
 * catalog partition to exactly one fetcher instance, and an instance fetches exactly the
 * sources whose catalog records it owns; a source's record key is its id, so every source
 * lives in one partition and is fetched by one instance. When instances come or go the group
 * rebalances: an instance drops the sources of partitions it lost and loads those it gained.
 *
 * The group never commits offsets. Every assignment therefore reads its partitions from the
 * beginning, which on a compacted topic is the current catalog of those partitions (the
 * latest entry per source, tombstones for removed ones); later records are live changes
 * (enable, disable, add, edit, remove). Reading the table again is cheap and idempotent.
 */
export async function startCatalogFeed({
  log,
  topic,
  group,
  scheduler,
  logger,
  onCaughtUp,
  catchUpGraceMs = 10_000,
  commandsTopic,
  commandGraceMs = 60_000,
  now = Date.now,
}: CatalogFeedOptions): Promise<CatalogFeed> {
  // Per owned partition: the end offset to reach (unknown until asked) and the next offset to read.
  let ends = new Map<number, bigint | undefined>();
  const positions = new Map<number, bigint>();
  let caughtUp = false;
  let generation = 0;
  let grace: NodeJS.Timeout | undefined;
  let assignedAt = now();

  const armGrace = (): void => {
    if (grace !== undefined) clearTimeout(grace);
    grace = setTimeout(() => {
      grace = undefined;
      if (caughtUp || ends.size === 0 || [...ends.values()].some((end) => end === undefined)) return;
      logger.warn(
        { partitions: [...ends.keys()] },
        'catalog partitions quiet below their end offset; counted as read',
      );
      ends.clear();
      checkCaughtUp();
    }, catchUpGraceMs);
    grace.unref?.();
  };

  const settle = (partition: number): void => {
    if (!ends.has(partition)) return;
    const end = ends.get(partition);
    if (end !== undefined && (positions.get(partition) ?? 0n) >= end) ends.delete(partition);
  };
  const checkCaughtUp = (): void => {
    if (caughtUp || ends.size > 0) return;
    caughtUp = true;
    onCaughtUp?.();
  };

  const applyRecord = (
    key: string | null,
    value: unknown,
    decodeFailure: { readonly code: string; readonly message: string } | null,
    partition: number,
  ): void => {
    if (decodeFailure !== null) {
      logger.error({ key, partition, code: decodeFailure.code }, 'catalog record undecodable; skipped');
      return;
    }
    if (key === null) {
      logger.warn({ partition }, 'catalog record without a key; skipped');
      return;
    }
    if (value === null) {
      scheduler.remove(key);
      return;
    }
    const source = toScheduledSource(value);
    if (source === undefined || source.id !== key) {
      logger.error({ key, partition }, 'catalog record is not a usable source entry; skipped');
      return;
    }
    scheduler.upsert(source, partition);
  };

  const applyCommand = (
    value: unknown,
    decodeFailure: { readonly code: string; readonly message: string } | null,
    partition: number,
  ): void => {
    if (decodeFailure !== null) {
      logger.error({ partition, code: decodeFailure.code }, 'command record undecodable; skipped');
      return;
    }
    const command = value as Partial<SourceCommand> | null;
    // Replays are for the processors; tombstones and foreign values are not ours.
    if (command?.command !== 'fetch' || typeof command.sourceId !== 'string') return;
    const issuedAt = command.metadata?.eventTime ?? 0;
    if (issuedAt < assignedAt - commandGraceMs) return;
    logger.info({ source: command.sourceId, requestedBy: command.requestedBy }, 'fetch requested');
    scheduler.fetchNow(command.sourceId);
  };

  const subscription = await log.consume({
    group,
    topics: commandsTopic === undefined ? [topic] : [topic, commandsTopic],
    startFrom: START_FROM.earliest,
    onAssignment(assignment) {
      const partitions = new Set(assignment.get(topic) ?? []);
      scheduler.retainPartitions(partitions);
      caughtUp = false;
      assignedAt = now();
      generation += 1;
      const mine = generation;
      ends = new Map([...partitions].map((p) => [p, undefined]));
      positions.clear();
      logger.info({ partitions: [...partitions].sort((a, b) => a - b) }, 'catalog partitions assigned');
      log.endOffsets(topic).then(
        (offsets) => {
          if (mine !== generation) return;
          for (const partition of [...ends.keys()]) {
            ends.set(partition, BigInt(offsets.get(partition) ?? '0'));
            settle(partition);
          }
          checkCaughtUp();
          if (!caughtUp) armGrace();
        },
        (error: unknown) => logger.warn({ err: error }, 'catalog end offsets unavailable; readiness waits'),
      );
    },
    eachBatch(batch, control) {
      if (batch.topic === commandsTopic) {
        for (const record of batch.records) {
          if (!control.isActive()) return Promise.resolve();
          applyCommand(record.value, record.decodeFailure, batch.partition);
          control.markConsumed(record.offset);
        }
        return Promise.resolve();
      }
      for (const record of batch.records) {
        if (!control.isActive()) return Promise.resolve();
        applyRecord(record.key, record.value, record.decodeFailure, batch.partition);
        control.markConsumed(record.offset);
        positions.set(batch.partition, BigInt(record.offset) + 1n);
      }
      settle(batch.partition);
      checkCaughtUp();
      if (!caughtUp) armGrace();
      return Promise.resolve();
    },
  });

  return {
    done: subscription.done,
    async stop() {
      if (grace !== undefined) clearTimeout(grace);
      await subscription.stop();
    },
    caughtUp: () => caughtUp,
  };
}

/** The catalog value as the fetcher uses it; undefined when it is not one (a foreign producer, a bug). */
export function toScheduledSource(value: unknown): ScheduledSource | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const entry = value as Partial<SourceCatalogEntry>;
  if (typeof entry.id !== 'string' || !Array.isArray(entry.urls) || entry.urls.length === 0) return undefined;
  if (!entry.urls.every((u) => typeof u === 'string')) return undefined;
  if (typeof entry.intervalSeconds !== 'number' || !(entry.intervalSeconds > 0)) return undefined;
  return {
    id: entry.id,
    urls: entry.urls,
    intervalSeconds: entry.intervalSeconds,
    enabled: entry.enabled !== false,
    allowPrivateAddresses: entry.allowPrivateAddresses === true,
  };
}
